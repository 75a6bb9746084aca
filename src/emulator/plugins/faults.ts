/**
 * HTTP fault injection for the API routes (never the `/_emulator` controls): added latency, then at most
 * one terminal fault per request (an error status, a 429 with `Retry-After`, a reset connection, or a
 * response lost after the request was carried out and committed).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DEFAULT_RETRY_AFTER_S } from '../assumptions';
import type { FaultInjector } from '../faults';
import { ProblemError } from '../problems';
import type { RouteStatsRecorder } from '../stats';
import { SLUG_BY_STATUS, sendProblem } from './problems';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the lost-response fault: commit, then drop the connection before replying. */
    loseResponse: boolean;
  }
}

/** Applies the rules of `faults` to every API request; needs the stats plugin's `routeKey`. */
export const faultsPlugin = fp(async (app: FastifyInstance, options: { faults: FaultInjector; stats: RouteStatsRecorder }) => {
  const { faults, stats } = options;
  app.decorateRequest('loseResponse', false);

  app.addHook('onRequest', async (request, reply) => {
    if (faults.empty || request.url.startsWith('/_emulator')) return undefined;
    const drawn = faults.forRequest(request.routeKey);
    if (drawn.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, drawn.latencyMs));
    const fault = drawn.terminal;
    if (!fault) return undefined;
    switch (fault.kind) {
      case 'status': {
        const status = fault.status ?? 503;
        return sendProblem(reply, request, new ProblemError(status, SLUG_BY_STATUS[status] ?? 'server_error', 'Injected fault.'));
      }
      case 'rate_limit':
        reply.header('retry-after', String(fault.retryAfterS ?? DEFAULT_RETRY_AFTER_S));
        return sendProblem(reply, request, new ProblemError(429, 'rate_limited', 'Too many requests (injected fault).'));
      case 'reset':
        stats.record(request.routeKey, 0, true);
        request.statsRecorded = true;
        reply.hijack();
        request.raw.socket.destroy();
        return undefined;
      case 'lost_response':
        request.loseResponse = true;
        return undefined;
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.loseResponse) return payload;
    // The request was carried out and committed; the caller never sees the answer.
    stats.record(request.routeKey, reply.elapsedTime, true);
    request.statsRecorded = true;
    request.raw.socket.destroy();
    return payload;
  });
}, { name: 'emulator-faults', dependencies: ['emulator-stats', 'emulator-problems'] });
