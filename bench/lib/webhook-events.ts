/**
 * Which Defacto events the benchmark's edge subscribes to. `actionable` is what the HTTP edge subscribes
 * to in production (`ACTIONABLE_EVENT_TYPES`: the loan statuses the workflow acts on); the wider sets
 * measure what a wider subscription costs (deliveries at Defacto, their handling at the edge).
 */
import type { WebhookEventType } from '../../src/defacto/wire';
import { ACTIONABLE_EVENT_TYPES, LIFECYCLE_EVENT_TYPES } from '../../src/http/subscription';

/** Subscription choices. */
export const WEBHOOK_EVENT_SETS = ['actionable', 'loan', 'all'] as const;
/** One of {@link WEBHOOK_EVENT_SETS}. */
export type WebhookEventSet = (typeof WEBHOOK_EVENT_SETS)[number];

/**
 * The event types of a set: `actionable` (production) only the loan statuses after which the workflow
 * acts or stops (validate, wait for repayment, finish); `loan` every loan status; `all` every loan and
 * payment status.
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
