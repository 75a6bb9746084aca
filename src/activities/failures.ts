/**
 * The one chokepoint between Defacto errors and Temporal: a {@link DefactoError} becomes an
 * `ApplicationFailure` whose `type` is the error class, `nonRetryable` when the retry policy says fail
 * fast, `nextRetryDelay` from `Retry-After`, and only safe details (status, problem type, title, detail,
 * invalid params, call site). Anything else is rethrown untouched (Temporal retries it as a bug).
 */
import { ApplicationFailure } from '@temporalio/common';
import { classify, DefactoError } from '../defacto';
import { mapActivities } from './heartbeat';

/** The safe details attached to a converted failure (first element of `ApplicationFailure.details`). */
export interface DefactoFailureDetails {
  readonly status: number | null;
  readonly problemType: string | null;
  readonly title: string | null;
  readonly detail: string | null;
  readonly invalidParams: readonly { readonly name: string; readonly reason: string }[];
  readonly method: string;
  readonly pathTemplate: string;
}

/** Converts one Defacto error; the class name is the failure type workflows and retry policies match on. */
export function toApplicationFailure(error: DefactoError): ApplicationFailure {
  const decision = classify(error);
  const details: DefactoFailureDetails = {
    status: error.status ?? null,
    problemType: error.problemType ?? null,
    title: error.title ?? null,
    detail: error.detail ?? null,
    invalidParams: error.invalidParams.map((p) => ({ name: p.name, reason: p.reason })),
    method: error.method,
    pathTemplate: error.pathTemplate,
  };
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: decision.kind === 'fail_fast',
    details: [details],
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
