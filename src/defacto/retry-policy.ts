/**
 * The one place that decides whether a failed Defacto call is worth repeating. Pure: the Temporal
 * activity layer and the client's opt-in standalone mode both ask {@link classify}, which reads the
 * retryability table of `src/domain/defacto-failures.ts` (the table the workflows' retry policies read).
 */
import { isRetryableFailureType } from '../domain/defacto-failures';
import { DefactoError, DefactoNetworkError, DefactoServerError, DefactoTimeoutError } from './errors';

/** What to do after a failure: give up, retry on the caller's back-off, or retry after a server-given delay. */
export type RetryDecision = { kind: 'fail_fast' } | { kind: 'retry' } | { kind: 'retry_after'; delayMs: number };

const FAIL_FAST: RetryDecision = { kind: 'fail_fast' };
const RETRY: RetryDecision = { kind: 'retry' };

/**
 * Classifies any thrown value. A {@link DefactoError} whose type the table marks retryable (rate limit,
 * 5xx, timeouts, network failures) is retried, after the server's `Retry-After` when it sent one.
 * Everything else, including non-Defacto errors (bugs), fails fast.
 */
export function classify(error: unknown): RetryDecision {
  if (!(error instanceof DefactoError) || !isRetryableFailureType(error.name)) return FAIL_FAST;
  return error.retryAfterMs !== undefined ? { kind: 'retry_after', delayMs: error.retryAfterMs } : RETRY;
}

/** True when the decision allows another attempt. */
export function isRetryable(decision: RetryDecision): boolean {
  return decision.kind !== 'fail_fast';
}

/**
 * True when Defacto may have carried out the request even though the call failed (timeout, 500, lost
 * connection). Replaying such a request is only safe when it is idempotent (`salt_id`, GET, DELETE).
 * 429, 502, 503 and refused connections mean the request was not processed.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (error instanceof DefactoTimeoutError) return true;
  if (error instanceof DefactoNetworkError) return error.code !== 'ECONNREFUSED';
  if (error instanceof DefactoServerError) return error.status === 500 || error.status === undefined;
  return false;
}

/** Tuning of the client's standalone retry mode. */
export interface BackoffPolicy {
  /** Total attempts including the first (>= 1). */
  maxAttempts: number;
  /** Delay before the 2nd attempt; doubles each time. */
  baseDelayMs: number;
  /** Cap of the exponential delay. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this ends the retries instead of waiting. */
  maxRetryAfterMs: number;
}

/** Defaults of the standalone mode: 4 attempts, 250 ms doubling up to 5 s, honour Retry-After up to 60 s. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Delay before attempt `attempt + 1` after `attempt` failed with `decision`, or `undefined` to stop.
 * Exponential delays are capped and jittered by `random()` in [0.5, 1]; a server-given delay is used as is.
 */
export function nextDelayMs(
  decision: RetryDecision,
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number | undefined {
  if (decision.kind === 'fail_fast' || attempt >= policy.maxAttempts) return undefined;
  if (decision.kind === 'retry_after') return decision.delayMs <= policy.maxRetryAfterMs ? decision.delayMs : undefined;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}
