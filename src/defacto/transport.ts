/**
 * The HTTP transport of the Defacto client: one keep-alive `undici` connection pool per transport,
 * response mapping to the error taxonomy, schema checking of 2xx bodies, and the opt-in standalone
 * retry loop.
 *
 * The API key lives only in the closure of {@link createTransport}. undici's own errors never escape:
 * they are mapped by `errorFromTransport`, which keeps only their code and name. Redirects are not
 * followed (a 3xx is a {@link DefactoUnexpectedError}) and nothing is retried below this module.
 *
 * Every request is observable without any wiring at the call sites: it runs in an OpenTelemetry client
 * span (a no-op until the process installs a tracer provider), carries the active trace as a W3C
 * `traceparent` header, and is published afterwards on the {@link DEFACTO_CALL_CHANNEL} diagnostics
 * channel (free when nobody subscribes), where the worker and the edge count it.
 */
import { channel } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { FormData as UndiciFormData, Pool } from 'undici';
import type { z } from 'zod';
import type { Logger } from '../logging';
import {
  contractError, DefactoContractError, DefactoError, DefactoUnexpectedError, errorFromResponse, errorFromTransport, REQUEST_DEADLINE_CODE,
  type CallSite,
} from './errors';
import { classify, isOutcomeUnknown, nextDelayMs, type BackoffPolicy } from './retry-policy';

/** Query string values; arrays become repeated keys (`status=A&status=B`), `undefined` is omitted. */
export type QueryParams = Readonly<Record<string, string | number | boolean | readonly (string | number)[] | undefined>>;

/** How the body of a 2xx response is read. */
export type ResponseSpec<T> =
  | { kind: 'json'; schema: z.ZodType<T>; name: string }
  | { kind: 'text' }
  | { kind: 'empty' };

/** The response spec of a JSON body checked against `schema` (`name`: its name in Defacto's OpenAPI document). */
export function jsonResponse<T>(schema: z.ZodType<T>, name: string): ResponseSpec<T> {
  return { kind: 'json', schema, name };
}

/** One call: method, path template and its parameters, query, JSON or multipart body, expected response. */
export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pathTemplate: string;
  params?: Readonly<Record<string, string>>;
  query?: QueryParams;
  body?: unknown;
  /** A multipart body (file uploads), instead of `body`. */
  form?: FormData;
  response: ResponseSpec<T>;
  /** Safe to replay after an ambiguous failure (GET, DELETE, `POST /loans` with `salt_id`). */
  idempotent: boolean;
}

/** Settings of {@link createTransport}. */
export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retry: 'none' | 'standalone';
  backoff: BackoffPolicy;
  logger?: Logger | undefined;
}

/** Sends typed requests; see {@link RequestSpec}. */
export type Send = <T>(spec: RequestSpec<T>) => Promise<T>;

/** Name of the diagnostics channel on which every finished Defacto request is published. */
export const DEFACTO_CALL_CHANNEL = 'defacto-temporal-lending:defacto-call';

/** What is published on {@link DEFACTO_CALL_CHANNEL} once a request has an answer or has failed. */
export interface DefactoCallEvent {
  readonly method: string;
  /** The path template (`/loan/{loan_id}`), never the filled path. */
  readonly route: string;
  /** HTTP status, or `null` when no answer came (timeout, network). */
  readonly status: number | null;
  /** The `DefactoError` subclass raised, or `null` on success. */
  readonly errorClass: string | null;
  readonly durationMs: number;
  readonly attempt: number;
}

const callChannel = channel(DEFACTO_CALL_CHANNEL);
const tracer = trace.getTracer('defacto-client');

/**
 * Per-phase timeouts derived from the total: establishing the connection (DNS, TCP, TLS) is short,
 * waiting for the response headers may take it all, and so may each wait for the next body chunk.
 */
export function phaseTimeouts(timeoutMs: number): { connect: number; headers: number; body: number; request: number } {
  return { connect: Math.min(timeoutMs, 10_000), headers: timeoutMs, body: timeoutMs, request: timeoutMs };
}

/** The abort reason of a request whose total deadline passed (mapped to a DefactoTimeoutError, phase 'request'). */
const REQUEST_DEADLINE_PASSED = Object.assign(new Error('the request deadline passed'), { name: 'TimeoutError', code: REQUEST_DEADLINE_CODE });

/** `/loan/{loan_id}` + `{loan_id: 'a b'}` → `loan/a%20b` (relative to the base URL). */
export function fillPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
  return filled.replace(/^\/+/, '');
}

/** Serialises query parameters with repeated keys for arrays. */
export function toSearchParams(query: QueryParams = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly (string | number)[]) params.append(key, String(item));
    else params.append(key, String(value));
  }
  return params;
}

/** The base URL without credentials or query, safe to print. */
export function safeBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid url)';
  }
}

function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Builds the transport. The returned function is the only holder of the API key (via its closure). */
export function createTransport(options: TransportOptions): Send {
  const apiKey = options.apiKey;
  const logger = options.logger?.child({ component: 'defacto-client' });
  const timeouts = phaseTimeouts(options.timeoutMs);
  // Made on the first request, so that a client built with an unusable base URL fails per call
  // (a DefactoUnexpectedError), like any other transport failure. Idle sockets do not keep the
  // process alive (undici unrefs them), so the pool needs no explicit close.
  let target: { pool: Pool; prefix: string } | undefined;
  function connection(): { pool: Pool; prefix: string } {
    if (target !== undefined) return target;
    const url = new URL(options.baseUrl);
    const pool = new Pool(url.origin, {
      connect: { timeout: timeouts.connect },
      headersTimeout: timeouts.headers,
      bodyTimeout: timeouts.body,
    });
    target = { pool, prefix: url.pathname.replace(/\/+$/, '') };
    return target;
  }

  /** One request in a client span; published on the diagnostics channel once settled. */
  function once<T>(spec: RequestSpec<T>, attempt: number): Promise<T> {
    const attributes = { 'http.request.method': spec.method, 'http.route': spec.pathTemplate, 'defacto.attempt': attempt };
    return tracer.startActiveSpan(`Defacto ${spec.method} ${spec.pathTemplate}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const started = performance.now();
      const answer: { status: number | null } = { status: null };
      let errorClass: string | null = null;
      try {
        return await exchange(spec, attempt, answer);
      } catch (error) {
        errorClass = error instanceof Error ? error.name : 'Error';
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorClass });
        throw error;
      } finally {
        if (answer.status !== null) span.setAttribute('http.response.status_code', answer.status);
        span.end();
        if (callChannel.hasSubscribers) {
          const event: DefactoCallEvent = {
            method: spec.method, route: spec.pathTemplate, status: answer.status, errorClass,
            durationMs: performance.now() - started, attempt,
          };
          callChannel.publish(event);
        }
      }
    });
  }

  async function exchange<T>(spec: RequestSpec<T>, attempt: number, answer: { status: number | null }): Promise<T> {
    const site: CallSite = { method: spec.method, pathTemplate: spec.pathTemplate };
    const started = performance.now();
    const headers: Record<string, string> = {
      'user-agent': 'defacto-temporal-lending', accept: 'application/json, text/plain', authorization: `Bearer ${apiKey}`,
    };
    // W3C trace context of the active span (none when tracing is off).
    propagation.inject(context.active(), headers);
    let body: string | UndiciFormData | null = null;
    if (spec.form !== undefined) body = multipart(spec.form);
    else if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['content-type'] = 'application/json';
    }
    let status: number;
    let responseHeaders: Readonly<Record<string, string | string[] | undefined>>;
    let text: string;
    // The whole exchange, body included, ends within timeoutMs (the phase timeouts bound each wait).
    const deadline = new AbortController();
    const timer = setTimeout(() => { deadline.abort(REQUEST_DEADLINE_PASSED); }, timeouts.request);
    try {
      const { pool, prefix } = connection();
      const query = spec.query === undefined ? '' : toSearchParams(spec.query).toString();
      const path = `${prefix}/${fillPath(spec.pathTemplate, spec.params)}${query === '' ? '' : `?${query}`}`;
      const response = await pool.request({ path, method: spec.method, headers, body, signal: deadline.signal });
      status = response.statusCode;
      responseHeaders = response.headers;
      // Always read to the end, so that the connection goes back to the pool.
      text = await response.body.text();
    } catch (error) {
      throw errorFromTransport(error, site);
    } finally {
      clearTimeout(timer);
    }
    answer.status = status;
    logger?.debug({ method: spec.method, route: spec.pathTemplate, status, attempt, durationMs: Math.round(performance.now() - started) }, 'defacto call');
    if (status < 200 || status > 299) {
      if (status >= 300 && status < 400) {
        throw new DefactoUnexpectedError(`${site.method} ${site.pathTemplate} answered with a redirect (HTTP ${status})`, { ...site, status });
      }
      throw errorFromResponse({ ...site, status, body: parseJsonBody(text), headers: responseHeaders });
    }
    return readBody(spec.response, text, site, status);
  }

  return async function send<T>(spec: RequestSpec<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once(spec, attempt);
      } catch (error) {
        if (options.retry === 'none' || !(error instanceof DefactoError)) throw error;
        const mapped = error;
        // A request Defacto may already have carried out is replayed only if it is idempotent.
        if (!spec.idempotent && isOutcomeUnknown(mapped)) throw mapped;
        const delayMs = nextDelayMs(classify(mapped), attempt, options.backoff);
        if (delayMs === undefined) throw mapped;
        logger?.warn({ error: mapped.toJSON(), attempt, delayMs }, 'defacto call failed; retrying');
        await sleep(delayMs);
      }
    }
  };
}

/**
 * The same fields in undici's own FormData class, the one its request encoder streams as multipart
 * (Node's global FormData comes from the copy of undici bundled with Node). Files keep their names.
 */
function multipart(form: FormData): UndiciFormData {
  const copy = new UndiciFormData();
  for (const [name, value] of form) copy.append(name, value);
  return copy;
}

function readBody<T>(spec: ResponseSpec<T>, text: string, site: CallSite, status: number): T {
  if (spec.kind === 'empty') return undefined as T;
  if (spec.kind === 'text') return text as T;
  const body = parseJsonBody(text);
  if (body === undefined) {
    throw new DefactoContractError(`${site.method} ${site.pathTemplate} returned a body that is not JSON (expected ${spec.name})`, {
      ...site,
      status,
    });
  }
  const parsed = spec.schema.safeParse(body);
  if (!parsed.success) throw contractError(site, spec.name, parsed.error.issues, status);
  return parsed.data;
}
