/**
 * Error bodies of the emulator: the RFC 7807 subset Defacto documents (digest §5.1). Handlers throw
 * `ProblemError`; the app's error handler renders it. Nothing here ever carries a stack trace.
 */
import type { z } from 'zod';
import { PROBLEM_TYPE_BASE, type InvalidParam, type Problem } from '../defacto/wire';

/** Problem slugs (the part after `#` in `type`). */
export type ProblemSlug =
  | 'bad_request' | 'unauthorized' | 'not_found' | 'method_not_allowed' | 'validation_error' | 'invalid_transition'
  | 'idempotency_conflict' | 'business_refusal' | 'payload_too_large' | 'unsupported_media_type' | 'rate_limited'
  | 'server_error' | 'not_implemented' | 'bad_gateway' | 'service_unavailable' | 'gateway_timeout';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Request Failed', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A failure to report to the caller as a problem body with this status. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly slug: ProblemSlug,
    readonly detail: string,
    readonly invalidParams: readonly InvalidParam[] = [],
    readonly data: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** Renders the problem body for `instance` (the request path). */
export function problemBody(error: ProblemError, instance: string): Problem {
  const body: Problem = {
    type: `${PROBLEM_TYPE_BASE}${error.slug}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    detail: error.detail,
    instance,
    data: error.data,
  };
  if (error.invalidParams.length > 0) body.invalid_params = [...error.invalidParams];
  return body;
}

/** 404 for an unknown (or another tenant's) resource id. */
export const notFound = (what: string, id: string): ProblemError =>
  new ProblemError(404, 'not_found', `No ${what} with id ${id}.`);

/** 400 for a state transition the resource's status does not allow. */
export const invalidTransition = (detail: string, data: Record<string, unknown> = {}): ProblemError =>
  new ProblemError(400, 'invalid_transition', detail, [], data);

/** 422 naming each invalid field. */
export const validationFailed = (where: string, invalidParams: readonly InvalidParam[]): ProblemError =>
  new ProblemError(422, 'validation_error',
    `${where} validation failed: ${invalidParams.length} invalid field${invalidParams.length === 1 ? '' : 's'}.`,
    invalidParams);

/** One `invalid_params` entry per zod issue, named by dotted path (`invoices.0.buyer`), `prefix` for the root. */
export function issuesToParams(issues: readonly z.core.$ZodIssue[], prefix = 'body'): InvalidParam[] {
  const params: InvalidParam[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest instead of "invalid input".
      const best = [...issue.errors].sort((a, b) => b.length - a.length)[0] ?? [];
      const nested = issuesToParams(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })), prefix);
      if (nested.length > 0) { params.push(...nested); continue; }
    }
    const name = issue.path.length > 0 ? issue.path.map(String).join('.') : prefix;
    params.push({ name, reason: reasonOf(issue) });
  }
  return params;
}

function reasonOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'field required';
  if (issue.code === 'unrecognized_keys') return `unknown field(s): ${issue.keys.join(', ')}`;
  return issue.message;
}

/** Parses `value` with `schema` or throws a 422 naming every bad field. */
export function parseOr422<S extends z.ZodType>(schema: S, value: unknown, where = 'Body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationFailed(where, issuesToParams(result.error.issues, where === 'Body' ? 'body' : 'query'));
}
