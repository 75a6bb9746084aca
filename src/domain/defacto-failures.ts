/**
 * The Defacto failure taxonomy as data, written once: every failure type (the name of a `DefactoError`
 * subclass, which is also the Temporal failure type of a failed activity), the HTTP statuses that map to
 * it, whether repeating the request can help, and the safe details every failure carries.
 *
 * Pure, so every layer reads the same table: the Defacto client maps statuses and decides retries with
 * it (`errorClassForStatus`, `classify`), workflows build their activity retry policies from it, and a
 * test checks docs/error-model.md against it.
 */

/** Whether repeating the same request can succeed. */
export type Retryability = 'retryable' | 'fail_fast';

/** One row of {@link DEFACTO_FAILURES}. */
export interface DefactoFailureRule {
  /** HTTP statuses that map to this type exactly. */
  readonly statuses: readonly number[];
  /** An inclusive status range that maps to this type when no exact status matched. */
  readonly statusRange?: readonly [number, number];
  readonly retry: Retryability;
}

/**
 * The table. A status listed nowhere (3xx, 418, …) and any transport failure that is neither a timeout
 * nor a lost connection is `DefactoUnexpectedError`; a 2xx body that fails its schema is
 * `DefactoContractError`. The order is the order of Temporal's `nonRetryableErrorTypes` in every
 * activity's retry policy (recorded in workflow histories): append new types at the end.
 */
export const DEFACTO_FAILURES = {
  DefactoValidationError: { statuses: [422], retry: 'fail_fast' },
  DefactoBadRequestError: { statuses: [400], retry: 'fail_fast' },
  DefactoAuthError: { statuses: [401, 403], retry: 'fail_fast' },
  DefactoBusinessRefusalError: { statuses: [402], retry: 'fail_fast' },
  DefactoNotFoundError: { statuses: [404], retry: 'fail_fast' },
  DefactoConflictError: { statuses: [409], retry: 'fail_fast' },
  DefactoRateLimitError: { statuses: [429], retry: 'retryable' },
  DefactoServerError: { statuses: [], statusRange: [500, 599], retry: 'retryable' },
  DefactoTimeoutError: { statuses: [408, 504], retry: 'retryable' },
  DefactoNetworkError: { statuses: [], retry: 'retryable' },
  DefactoContractError: { statuses: [], retry: 'fail_fast' },
  DefactoUnexpectedError: { statuses: [], retry: 'fail_fast' },
} as const satisfies Readonly<Record<string, DefactoFailureRule>>;

/** The name of a failure class: `DefactoValidationError`, `DefactoRateLimitError`, … */
export type DefactoFailureType = keyof typeof DEFACTO_FAILURES;

/** Every failure type, in table order. */
export const DEFACTO_FAILURE_TYPES = Object.keys(DEFACTO_FAILURES) as readonly DefactoFailureType[];

/** True for a failure type of the table that is worth repeating; false for fail-fast and unknown names. */
export function isRetryableFailureType(type: string): boolean {
  return (DEFACTO_FAILURES as Readonly<Record<string, DefactoFailureRule>>)[type]?.retry === 'retryable';
}

/** Failure types Temporal must not retry (an activity retry policy's `nonRetryableErrorTypes`), in table order. */
export const NON_RETRYABLE_DEFACTO_FAILURES: readonly DefactoFailureType[] =
  DEFACTO_FAILURE_TYPES.filter((type) => DEFACTO_FAILURES[type].retry === 'fail_fast');

/** Failure types worth repeating, in table order. */
export const RETRYABLE_DEFACTO_FAILURES: readonly DefactoFailureType[] =
  DEFACTO_FAILURE_TYPES.filter((type) => DEFACTO_FAILURES[type].retry === 'retryable');

/** The failure type a non-2xx HTTP status maps to: exact statuses first, then ranges, then the catch-all. */
export function failureTypeForStatus(status: number): DefactoFailureType {
  const rules = DEFACTO_FAILURE_TYPES.map((type) => [type, DEFACTO_FAILURES[type] as DefactoFailureRule] as const);
  const exact = rules.find(([, rule]) => rule.statuses.includes(status));
  if (exact) return exact[0];
  const ranged = rules.find(([, rule]) => rule.statusRange && status >= rule.statusRange[0] && status <= rule.statusRange[1]);
  return ranged ? ranged[0] : 'DefactoUnexpectedError';
}

/**
 * The one safe view of a failed Defacto call: written to logs and attached as the first element of a
 * Temporal failure's `details`. Only the call site (method and path template, never the concrete URL),
 * Defacto's problem fields and the transport code; never the API key or a request or response body.
 * Absent values are `null`, so the keys are the same for every failure.
 */
export interface DefactoFailureDetails {
  /** The failure type: the class name, one of {@link DefactoFailureType}. */
  readonly type: string;
  readonly message: string;
  readonly method: string;
  readonly pathTemplate: string;
  readonly status: number | null;
  readonly problemType: string | null;
  readonly title: string | null;
  readonly detail: string | null;
  readonly invalidParams: readonly { readonly name: string; readonly reason: string }[];
  readonly retryAfterMs: number | null;
  /** Transport error code such as `ECONNRESET` (network and timeout failures only). */
  readonly code: string | null;
}
