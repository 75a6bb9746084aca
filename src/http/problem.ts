/**
 * RFC 7807 problem details of the inbound edge: one error class routes throw, one catalogue of problem
 * types, and the conversion of zod issues into `invalid_params`. Bodies never carry payload values.
 */
import type { z } from 'zod';

/** Media type of every error body. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem types this API answers with; `type` URIs are relative to the API's base URL. */
export const PROBLEM_TYPES = {
  validation: { status: 400, title: 'Invalid request' },
  malformed: { status: 400, title: 'Malformed request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  notFound: { status: 404, title: 'Not found' },
  alreadyStarted: { status: 409, title: 'A loan workflow for this request already exists' },
  callerKeyReused: { status: 409, title: 'This caller key was used for a different request' },
  refused: { status: 409, title: 'Refused in the current state of the loan' },
  unsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  upstream: { status: 502, title: 'Defacto request failed' },
  unavailable: { status: 503, title: 'Temporarily unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const;

/** One of {@link PROBLEM_TYPES}. */
export type ProblemKind = keyof typeof PROBLEM_TYPES;

/** One invalid input field: dotted path and reason (never the submitted value). */
export interface InvalidParam {
  readonly name: string;
  readonly reason: string;
}

/** An RFC 7807 body as this API sends it. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly invalid_params?: readonly InvalidParam[];
  /** Problem-specific members (e.g. `workflowId` of a duplicate). */
  readonly [extension: string]: unknown;
}

/** The kebab-case slug of a problem kind, used in its `type` URI. */
function slug(kind: ProblemKind): string {
  return kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Options of an {@link HttpProblem}. */
export interface HttpProblemOptions {
  readonly detail?: string;
  readonly invalidParams?: readonly InvalidParam[];
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A refusal a route throws; the error handler renders it as problem+json with its status. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    readonly options: HttpProblemOptions = {},
  ) {
    super(options.detail ?? PROBLEM_TYPES[kind].title);
    this.status = PROBLEM_TYPES[kind].status;
  }

  /** The response body; `instance` is the request path (never a query string or a secret path segment). */
  body(instance?: string): ProblemBody {
    const { title, status } = PROBLEM_TYPES[this.kind];
    return {
      type: `/problems/${slug(this.kind)}`,
      title,
      status,
      ...(this.options.detail !== undefined ? { detail: this.options.detail } : {}),
      ...(instance !== undefined ? { instance } : {}),
      ...(this.options.invalidParams ? { invalid_params: this.options.invalidParams } : {}),
      ...this.options.extensions,
    };
  }
}

/** `invalid_params` from zod issues: the dotted path of each field and zod's reason. */
export function invalidParamsFrom(error: z.ZodError, prefix?: string): InvalidParam[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const name = [prefix, path].filter((part) => part !== undefined && part !== '').join('.');
    return { name: name === '' ? '(body)' : name, reason: issue.message };
  });
}

/** Parses `value` with `schema`, or throws a 400 validation problem naming every invalid field. */
export function parseOrProblem<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HttpProblem('validation', {
    detail: `The ${where} has invalid fields`,
    invalidParams: invalidParamsFrom(parsed.error, where === 'body' ? undefined : where),
  });
}
