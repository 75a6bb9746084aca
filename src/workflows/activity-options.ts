/**
 * Activity options per class of Defacto call: explicit timeouts and one retry policy each. The fail-fast
 * failure types come from the retryability table of `src/domain/defacto-failures.ts`, the table the
 * client's `classify` reads.
 */
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { NON_RETRYABLE_DEFACTO_FAILURES } from '../domain/defacto-failures';

/**
 * Unlimited attempts on transient failures (rate limit, 5xx, timeouts, network), capped back-off; a
 * `Retry-After` overrides the delay through the failure's `nextRetryDelay`.
 */
const retry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: [...NON_RETRYABLE_DEFACTO_FAILURES],
};

/**
 * Activities heartbeat every 2 s while they wait on Defacto (src/activities/heartbeat.ts): when a worker
 * dies, its activities are retried elsewhere after this, not after the start-to-close timeout.
 */
const heartbeatTimeout = '10 seconds';

/**
 * GETs: side-effect free, retried freely. The timeout exceeds the client's own per-request timeout
 * (30 s by default), so a slow Defacto surfaces as `DefactoTimeoutError`, not as an opaque Temporal timeout.
 */
export const readOptions: ActivityOptions = { startToCloseTimeout: '40 seconds', heartbeatTimeout, retry };

/**
 * GETs as local activities (patch `fewer-actions-per-loan`): same timeout and retries. They run in the
 * worker that runs the workflow task, which heartbeats the task meanwhile; if that worker dies the task
 * times out and the next worker runs them again (reads, so a repeat is harmless).
 */
export const localReadOptions: LocalActivityOptions = { startToCloseTimeout: '40 seconds', retry };

/**
 * Creations (`POST /borrowers`, `/invoices`, `/loans`, which Defacto may hold for 30 s before a 504) and
 * the generators: each activity looks up by natural key or sends `salt_id`, so a retry never creates twins.
 */
export const createOptions: ActivityOptions = { startToCloseTimeout: '75 seconds', heartbeatTimeout, retry };

/** State changes (`sign`, `validate`, `cancel`): idempotent by reading the status back after a refusal. */
export const commandOptions: ActivityOptions = { startToCloseTimeout: '40 seconds', heartbeatTimeout, retry };

/**
 * `POST /repay/now`, which makes a new link on every call: one attempt only, so one operator request never
 * creates two links (a failure fails the update; the operator asks again).
 */
export const singleAttemptOptions: ActivityOptions = { startToCloseTimeout: '40 seconds', heartbeatTimeout, retry: { maximumAttempts: 1 } };
