/**
 * Bearer-token authentication of the back-office routes and the constant-time secret comparison shared
 * with the webhook receiver.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../problem';

/**
 * Whether `presented` equals `expected`, in time independent of where they differ and of their lengths:
 * both are hashed to equal-length digests before `timingSafeEqual`. An unset `expected` matches nothing.
 */
export function secretMatches(presented: string | undefined, expected: string | undefined): boolean {
  if (expected === undefined || expected === '' || presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const BEARER = /^Bearer ([^\s]+)$/i;

/**
 * Adds an `onRequest` hook to `scope` that refuses (401 problem, `WWW-Authenticate: Bearer`) every request
 * without `Authorization: Bearer <token>`. Runs before the body is parsed, so refused bodies are never read.
 */
export function requireBearerToken(scope: FastifyInstance, token: string | undefined): void {
  scope.addHook('onRequest', async (request) => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!secretMatches(match?.[1], token)) {
      throw new HttpProblem('unauthorized', {
        detail: 'A valid bearer token is required',
        headers: { 'www-authenticate': 'Bearer realm="back-office"' },
      });
    }
  });
}
