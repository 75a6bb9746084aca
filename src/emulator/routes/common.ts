/**
 * Helpers shared by the route modules: the caller's tenant, query parsing (repeated keys = arrays),
 * body validation and the page request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { EmulatorContext } from '../context';
import type { PageRequest } from '../pagination';
import { ProblemError, parseOr422, validationFailed } from '../problems';
import type { TenantState } from '../store';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bearer token of the request (`null` on emulator controls without one). */
    tenantKey: string | null;
  }
}

/** What each route module receives. */
export interface RouteDeps {
  readonly app: FastifyInstance;
  readonly ctx: EmulatorContext;
}

/** Raw query object as Fastify parses it (repeated keys become arrays). */
export type RawQuery = Record<string, string | string[] | undefined>;

/** The bearer token in an `Authorization` header, or null. Accepts `Bearer <token>` or a bare token. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^bearer(?:\s+(.*))?$/i.exec(header.trim());
  const token = match ? (match[1] ?? '').trim() : header.trim();
  return token.length > 0 ? token : null;
}

/** The caller's tenant partition; 401 without a key. */
export function tenantOf(ctx: EmulatorContext, request: FastifyRequest): TenantState {
  const key = request.tenantKey ?? bearerToken(request.headers.authorization);
  if (!key) throw new ProblemError(401, 'unauthorized', 'No valid API key provided.');
  return ctx.store.tenant(key);
}

/** The query as a plain record. */
export function rawQuery(request: FastifyRequest): RawQuery {
  return (request.query ?? {}) as RawQuery;
}

/** All values of a query key (repeated keys and comma-free single values). */
export function queryList(query: RawQuery, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The last value of a query key. */
export function queryOne(query: RawQuery, name: string): string | undefined {
  const values = queryList(query, name);
  return values[values.length - 1];
}

/**
 * Validates list filters: each enum filter's values must be allowed, dates must be ISO 8601, booleans
 * `true|false`. Throws one 422 naming every bad parameter.
 */
export function checkQuery(
  query: RawQuery,
  spec: { enums?: Record<string, readonly string[]>; dates?: readonly string[]; booleans?: readonly string[]; ints?: readonly string[] },
): void {
  const problems: { name: string; reason: string }[] = [];
  for (const [name, allowed] of Object.entries(spec.enums ?? {})) {
    for (const v of queryList(query, name)) {
      if (!allowed.includes(v)) problems.push({ name, reason: `invalid value '${v.slice(0, 40)}'; expected one of ${allowed.join(', ')}` });
    }
  }
  for (const name of spec.dates ?? []) {
    const v = queryOne(query, name);
    if (v !== undefined && Number.isNaN(Date.parse(v))) problems.push({ name, reason: 'expected an ISO 8601 date-time' });
  }
  for (const name of spec.booleans ?? []) {
    const v = queryOne(query, name);
    if (v !== undefined && v !== 'true' && v !== 'false') problems.push({ name, reason: 'expected true or false' });
  }
  for (const name of spec.ints ?? []) {
    const v = queryOne(query, name);
    if (v !== undefined && !/^\d+$/.test(v)) problems.push({ name, reason: 'expected a non-negative integer' });
  }
  if (problems.length > 0) throw validationFailed('Query', problems);
}

/** The millisecond value of a date query parameter (already checked). */
export function queryDate(query: RawQuery, name: string): number | undefined {
  const v = queryOne(query, name);
  return v === undefined ? undefined : Date.parse(v);
}

/** Validates a JSON body with a wire schema (422 naming every bad field). */
export function body<S extends z.ZodType>(schema: S, request: FastifyRequest): z.infer<S> {
  return parseOr422(schema, request.body ?? undefined);
}

/** Validates an optional JSON body: absent/empty → `{}`. */
export function optionalBody<S extends z.ZodType>(schema: S, request: FastifyRequest): z.infer<S> {
  return parseOr422(schema, request.body === undefined ? {} : request.body);
}

/** The page part of a list request. */
export function pageRequest(request: FastifyRequest): PageRequest {
  return { path: request.url.split('?')[0] ?? request.url, query: rawQuery(request) };
}

/** A path parameter. */
export function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}
