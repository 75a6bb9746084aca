/**
 * Which Defacto events the benchmark's edge subscribes to. `all` is what the HTTP edge subscribes to in
 * production (`LIFECYCLE_EVENT_TYPES`: every loan and payment status); the narrower sets measure what a
 * smaller subscription would save (signals, history events, the router's reads for payment events).
 */
import type { WebhookEventType } from '../../src/defacto/wire';
import { ACTIONABLE_EVENT_TYPES, LIFECYCLE_EVENT_TYPES } from '../../src/http/subscription';

/** Subscription choices. */
export const WEBHOOK_EVENT_SETS = ['all', 'loan', 'actionable'] as const;
/** One of {@link WEBHOOK_EVENT_SETS}. */
export type WebhookEventSet = (typeof WEBHOOK_EVENT_SETS)[number];

/**
 * The event types of a set: `loan` drops payment events (each costs the router a `GET /loan/{id}`);
 * `actionable` keeps only the loan statuses after which the workflow acts or stops (validate, wait for
 * repayment, finish).
 */
export function eventTypesOf(set: WebhookEventSet): readonly WebhookEventType[] {
  switch (set) {
    case 'all':
      return LIFECYCLE_EVENT_TYPES;
    case 'loan':
      return LIFECYCLE_EVENT_TYPES.filter((type) => type.startsWith('Loan.'));
    case 'actionable':
      return ACTIONABLE_EVENT_TYPES;
  }
}
