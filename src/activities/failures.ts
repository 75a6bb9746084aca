/**
 * The one chokepoint between Defacto errors and Temporal: a {@link DefactoError} becomes an
 * `ApplicationFailure` whose `type` is the error class, `nonRetryable` when the retry policy says fail
 * fast, `nextRetryDelay` from `Retry-After`, and only the safe details of `DefactoFailureDetails`
 * (src/domain/defacto-failures.ts) as `details[0]`. Anything else is rethrown untouched (Temporal retries it as a bug).
 */
import { ApplicationFailure } from '@temporalio/common';
import { classify, DefactoError } from '../defacto';
import { mapActivities } from './heartbeat';

/** Converts one Defacto error; the class name is the failure type workflows and retry policies match on. */
export function toApplicationFailure(error: DefactoError): ApplicationFailure {
  const decision = classify(error);
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: decision.kind === 'fail_fast',
    details: [error.toJSON()],
    ...(decision.kind === 'retry_after' ? { nextRetryDelay: decision.delayMs } : {}),
  });
}

/** Wraps an activity so every {@link DefactoError} it throws crosses the chokepoint. */
export function withDefactoFailures<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof DefactoError) throw toApplicationFailure(error);
      throw error;
    }
  };
}

/** Wraps every function of an activity object with {@link withDefactoFailures}, keeping names and types. */
export function mapDefactoFailures<T extends object>(activities: T): T {
  return mapActivities(activities, withDefactoFailures);
}
