/**
 * The Defacto error taxonomy: one base class, one subclass per *class of failure*, and the factories
 * that map an HTTP response or a transport failure to exactly one of them (with a catch-all).
 *
 * Safety: an error carries the HTTP method and the path *template* (`/loan/{loan_id}`), never the
 * concrete URL (query strings hold company numbers), never the API key, never a request or response
 * body. Only Defacto's problem fields (`type`, `title`, `detail`, `invalid_params`) are kept.
 */
import type { z } from 'zod';
import { failureTypeForStatus, type DefactoFailureDetails, type DefactoFailureType } from '../domain/defacto-failures';
import { ProblemSchema, type InvalidParam } from './wire';

/** What every {@link DefactoError} knows about the failed call. */
export interface DefactoErrorInit {
  method: string;
  pathTemplate: string;
  status?: number | undefined;
  problemType?: string | undefined;
  title?: string | undefined;
  detail?: string | undefined;
  invalidParams?: readonly InvalidParam[] | undefined;
  retryAfterMs?: number | undefined;
  /** Transport error code such as `ECONNRESET` (network and timeout errors only). */
  code?: string | undefined;
}

/** Base class of every failure of a Defacto call. `name` is the subclass name (used as Temporal failure type). */
export class DefactoError extends Error {
  override name = 'DefactoError';
  readonly method: string;
  readonly pathTemplate: string;
  readonly status: number | undefined;
  readonly problemType: string | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly invalidParams: readonly InvalidParam[];
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, init: DefactoErrorInit) {
    super(message);
    this.method = init.method;
    this.pathTemplate = init.pathTemplate;
    this.status = init.status;
    this.problemType = init.problemType;
    this.title = init.title;
    this.detail = init.detail;
    this.invalidParams = init.invalidParams ?? [];
    this.retryAfterMs = init.retryAfterMs;
    this.code = init.code;
  }

  /** The safe view of this failure (see {@link DefactoFailureDetails}): what logs and Temporal failure details hold. */
  toJSON(): DefactoFailureDetails {
    return {
      type: this.name,
      message: this.message,
      method: this.method,
      pathTemplate: this.pathTemplate,
      status: this.status ?? null,
      problemType: this.problemType ?? null,
      title: this.title ?? null,
      detail: this.detail ?? null,
      invalidParams: this.invalidParams.map((p) => ({ name: p.name, reason: p.reason })),
      retryAfterMs: this.retryAfterMs ?? null,
      code: this.code ?? null,
    };
  }
}

/** 422: the payload is malformed; `invalidParams` lists every invalid field. Fail fast. */
export class DefactoValidationError extends DefactoError { override name = 'DefactoValidationError'; }
/** 400: a required parameter is missing or the request is not allowed in the resource's state. Fail fast. */
export class DefactoBadRequestError extends DefactoError { override name = 'DefactoBadRequestError'; }
/** 401/403: no valid API key. Fail fast. */
export class DefactoAuthError extends DefactoError { override name = 'DefactoAuthError'; }
/** 402: valid input, but Defacto refused to carry out the operation. Fail fast. */
export class DefactoBusinessRefusalError extends DefactoError { override name = 'DefactoBusinessRefusalError'; }
/** 404: unknown resource. Fail fast. */
export class DefactoNotFoundError extends DefactoError { override name = 'DefactoNotFoundError'; }
/** 409: conflicting state, e.g. a reused `salt_id` with a different body. Fail fast. */
export class DefactoConflictError extends DefactoError { override name = 'DefactoConflictError'; }
/** 429: too many requests; honour `retryAfterMs` when present. Retryable. */
export class DefactoRateLimitError extends DefactoError { override name = 'DefactoRateLimitError'; }
/** 5xx except 504: Defacto-side failure. Retryable. */
export class DefactoServerError extends DefactoError { override name = 'DefactoServerError'; }
/** 504 / 408 from Defacto, or a client-side timeout. The server may have acted. Retryable. */
export class DefactoTimeoutError extends DefactoError { override name = 'DefactoTimeoutError'; }
/** Connection refused, reset, broken pipe, lost response. The server may have acted. Retryable. */
export class DefactoNetworkError extends DefactoError { override name = 'DefactoNetworkError'; }
/** A 2xx response that does not match its schema; the message names the field paths, never the values. Fail fast. */
export class DefactoContractError extends DefactoError { override name = 'DefactoContractError'; }
/** Anything else (unknown status, unknown transport failure). Fail fast. */
export class DefactoUnexpectedError extends DefactoError { override name = 'DefactoUnexpectedError'; }

/** Where a failed call went: method and path template, e.g. `POST` `/loan/{loan_id}/validate`. */
export interface CallSite {
  method: string;
  pathTemplate: string;
}

type HeaderValue = string | string[] | undefined;

/** Reads one header case-insensitively from Node-style (lower-cased) or arbitrary headers. */
function header(headers: Readonly<Record<string, HeaderValue>>, name: string): string | undefined {
  const value = headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Parses a `Retry-After` header: delay-seconds (decimals tolerated) or an HTTP-date. Returns the delay
 * in milliseconds (never negative) or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP-date has a day or month name; this also keeps Date.parse from reading '-1' as a year.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

type ErrorClass = new (message: string, init: DefactoErrorInit) => DefactoError;

/** The class of each failure type of the domain table; the compiler checks that none is missing. */
export const ERROR_CLASS_BY_TYPE: { readonly [T in DefactoFailureType]: ErrorClass } = {
  DefactoValidationError,
  DefactoBadRequestError,
  DefactoAuthError,
  DefactoBusinessRefusalError,
  DefactoNotFoundError,
  DefactoConflictError,
  DefactoRateLimitError,
  DefactoServerError,
  DefactoTimeoutError,
  DefactoNetworkError,
  DefactoContractError,
  DefactoUnexpectedError,
};

/** The error class a non-2xx status maps to, per the table in `src/domain/defacto-failures.ts`. */
export function errorClassForStatus(status: number): ErrorClass {
  return ERROR_CLASS_BY_TYPE[failureTypeForStatus(status)];
}

/** Input of {@link errorFromResponse}: the call site plus what came back. */
export interface ResponseFacts extends CallSite {
  status: number;
  /** Parsed JSON body (or raw text); only problem fields are read from it. */
  body: unknown;
  headers: Readonly<Record<string, HeaderValue>>;
  nowMs?: number;
}

/** Maps a non-2xx response to exactly one {@link DefactoError} subclass. Raw bodies are never kept. */
export function errorFromResponse(facts: ResponseFacts): DefactoError {
  const parsed = ProblemSchema.safeParse(facts.body);
  const problem = parsed.success && typeof facts.body === 'object' ? parsed.data : undefined;
  const invalidParams = problem?.invalid_params ?? [];
  const title = problem?.title ?? undefined;
  const detail = problem?.detail ?? undefined;
  const Class = errorClassForStatus(facts.status);
  const fields = invalidParams.length > 0 ? ` [invalid: ${invalidParams.map((p) => p.name).join(', ')}]` : '';
  const summary = detail ?? title ?? 'no problem detail';
  const message = `${facts.method} ${facts.pathTemplate} failed with HTTP ${facts.status}: ${summary}${fields}`;
  return new Class(message, {
    method: facts.method,
    pathTemplate: facts.pathTemplate,
    status: facts.status,
    problemType: problem?.type ?? undefined,
    title,
    detail,
    invalidParams,
    retryAfterMs: parseRetryAfter(header(facts.headers, 'retry-after'), facts.nowMs),
  });
}

/**
 * Transport error codes that mean "the connection failed or was lost" (retryable): Node socket codes,
 * and undici's `UND_ERR_SOCKET` (the other side closed) and `UND_ERR_RES_CONTENT_LENGTH_MISMATCH`
 * (the response was cut short).
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Code of the transport's own failure when a request's total deadline passes. */
export const REQUEST_DEADLINE_CODE = 'ERR_DEFACTO_REQUEST_DEADLINE';

/** Timeout codes (undici's and the transport's deadline) and the phase each one names. */
export const TIMEOUT_ERROR_PHASES: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
  [REQUEST_DEADLINE_CODE]: 'request',
};

/**
 * Maps a transport failure (undici error, Node socket error, anything thrown) to a
 * {@link DefactoError}. Only the error's code, name and message are read; the original error is
 * deliberately not kept as `cause`, so nothing it refers to (request options, headers) can leak.
 */
export function errorFromTransport(error: unknown, site: CallSite): DefactoError {
  if (error instanceof DefactoError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const name = typeof e.name === 'string' ? e.name : undefined;
  const rawMessage = typeof e.message === 'string' ? e.message : String(error);
  const init = { method: site.method, pathTemplate: site.pathTemplate, code };
  const phase = code === undefined ? undefined : TIMEOUT_ERROR_PHASES[code];
  if (phase !== undefined || name === 'TimeoutError') {
    return new DefactoTimeoutError(`${site.method} ${site.pathTemplate} timed out${phase === undefined ? '' : ` in phase '${phase}'`}`, init);
  }
  if ((code && NETWORK_ERROR_CODES.has(code)) || /socket hang up|other side closed/i.test(rawMessage)) {
    return new DefactoNetworkError(`${site.method} ${site.pathTemplate} network failure: ${code ?? 'connection lost'}`, init);
  }
  return new DefactoUnexpectedError(`${site.method} ${site.pathTemplate} failed: ${name ?? 'unknown error'}${code ? ` (${code})` : ''}`, init);
}

/** Formats a zod issue path as `data[2].status`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * A contract error for a 2xx response that failed `schemaName`; the message names up to five field
 * paths and issue codes, never the offending values.
 */
export function contractError(site: CallSite, schemaName: string, issues: readonly z.core.$ZodIssue[], status?: number): DefactoContractError {
  const shown = issues.slice(0, 5).map((i) => `${formatIssuePath(i.path)} (${i.code})`);
  const more = issues.length > 5 ? ` and ${issues.length - 5} more` : '';
  return new DefactoContractError(
    `${site.method} ${site.pathTemplate} returned a ${schemaName} that does not match its schema at ${shown.join(', ')}${more}`,
    { ...site, status, invalidParams: issues.map((i) => ({ name: formatIssuePath(i.path), reason: i.code })) },
  );
}
