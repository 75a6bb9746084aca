/**
 * Bearer-token tenants: every request outside `/_emulator` must carry `Authorization: Bearer <key>`; the
 * key names the caller's partition of the store. Anything else is a 401 problem before any handler runs.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../problems';
import { bearerToken } from '../routes/common';
import { sendProblem } from './problems';

/** Resolves `request.tenantKey` and refuses requests without a valid bearer token. */
export const authPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('tenantKey', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/_emulator')) return undefined;
    request.tenantKey = bearerToken(request.headers.authorization);
    if (!request.tenantKey) return sendProblem(reply, request, new ProblemError(401, 'unauthorized', 'No valid API key provided.'));
    return undefined;
  });
}, { name: 'emulator-auth', dependencies: ['emulator-problems'] });
