/**
 * The webhook subscription at Defacto, made to exist once. Defacto has no idempotency key for
 * `POST /webhooks`, so the subscription is looked up by its URL (the natural key) before creating it.
 */
import type { DefactoClient } from '../defacto/client';
import type { Webhook, WebhookEventType } from '../defacto/wire';
import type { Logger } from '../logging';

/**
 * Every loan and payment status change. The edge subscribes to {@link ACTIONABLE_EVENT_TYPES} only; this
 * wider set is what the benchmark compares against (`--webhook-events all`).
 */
export const LIFECYCLE_EVENT_TYPES: readonly WebhookEventType[] = [
  'Loan.SUBMITTED', 'Loan.PENDING_VALIDATION', 'Loan.TO_VALIDATE', 'Loan.VALIDATED', 'Loan.DECLINED', 'Loan.CANCELED',
  'Loan.SCHEDULED', 'Loan.INITIATED', 'Loan.TO_REPAY', 'Loan.TO_REPAY_FEES', 'Loan.CLOSED', 'Loan.ISSUE_DETECTED',
  'Loan.DELETED',
  'Payment.SCHEDULED', 'Payment.INSTRUCTED', 'Payment.IN_TRANSIT', 'Payment.PAID', 'Payment.CANCELED', 'Payment.FAILED',
];

/**
 * The events the edge subscribes to and signals to a workflow: the loan statuses after which the workflow
 * acts or stops (review the offer, wait for the repayment, finish). The others change nothing the
 * workflow waits for: the statuses before the offer and between validation and disbursement are published
 * by its next poll, and every payment status change is followed by the loan event that matters (TO_REPAY,
 * CLOSED, ISSUE_DETECTED). Not subscribing to them spares Defacto the deliveries and the edge their
 * handling (an older, wider subscription is kept as it is: the edge acknowledges the extra events).
 */
export const ACTIONABLE_EVENT_TYPES: readonly WebhookEventType[] = [
  'Loan.TO_VALIDATE', 'Loan.TO_REPAY', 'Loan.CLOSED', 'Loan.DECLINED', 'Loan.CANCELED', 'Loan.ISSUE_DETECTED', 'Loan.DELETED',
];

/** Name of subscriptions this project creates. */
export const SUBSCRIPTION_NAME = 'defacto-temporal-lending';

/** Result of {@link ensureWebhookSubscription}. */
export interface EnsuredSubscription {
  readonly webhook: Webhook;
  /** What was done: nothing, a new subscription, or a replacement with more event types. */
  readonly action: 'existing' | 'created' | 'replaced';
}

/**
 * Makes sure a subscription to `url` exists at Defacto with at least `eventTypes`. An existing one with
 * every type is kept; one missing types is replaced (deleted, then created). Running it twice, or from
 * two processes at start-up, leaves one subscription in the common case. The URL holds the secret token:
 * it is never logged.
 */
export async function ensureWebhookSubscription(
  defacto: DefactoClient,
  url: string,
  eventTypes: readonly WebhookEventType[] = ACTIONABLE_EVENT_TYPES,
  logger?: Logger,
): Promise<EnsuredSubscription> {
  const existing = await defacto.webhooks.findByUrl(url);
  if (existing && eventTypes.every((type) => existing.event_types.includes(type))) {
    logger?.info({ webhookId: existing.id }, 'webhook subscription already exists');
    return { webhook: existing, action: 'existing' };
  }
  const wanted = [...new Set([...(existing?.event_types ?? []), ...eventTypes])];
  if (existing?.id) await defacto.webhooks.delete(existing.id);
  const webhook = await defacto.webhooks.create({ name: SUBSCRIPTION_NAME, to_url: url, event_types: wanted });
  const action = existing ? 'replaced' : 'created';
  logger?.info({ webhookId: webhook.id, eventTypes: wanted.length, action }, 'webhook subscription ensured');
  return { webhook, action };
}
