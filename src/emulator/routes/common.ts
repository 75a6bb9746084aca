/**
 * Helpers shared by the route modules: the caller's tenant, single query values, body validation and
 * the page request. List filters are declared in `lists.ts`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { EmulatorContext } from '../context';
import type { PageRequest } from '../pagination';
import { ProblemError, parseOr422 } from '../problems';
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

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or null for anything else. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^bearer\s+(\S.*)$/i.exec(header?.trim() ?? '');
  return match ? match[1]!.trim() : null;
}

/** The caller's tenant partition; 401 without a key. */
export function tenantOf(ctx: EmulatorContext, request: FastifyRequest): TenantState {
  const key = request.tenantKey ?? bearerToken(request.headers.authorization);
  if (!key) throw new ProblemError(401, 'unauthorized', 'No valid API key provided.');
  return ctx.store.tenant(key, ctx.clock.now());
}

/** The query as a plain record. */
export function rawQuery(request: FastifyRequest): RawQuery {
  return (request.query ?? {}) as RawQuery;
}

/** The last value of a query key (repeated keys: the last one wins). */
export function queryOne(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
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
