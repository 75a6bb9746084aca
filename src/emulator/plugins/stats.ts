/**
 * Per-route statistics: names every request by its route template (`'GET /loan/{loan_id}'`) and records
 * its latency and outcome once, unless a fault already did (dropped connections).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RouteStatsRecorder } from '../stats';

declare module 'fastify' {
  interface FastifyRequest {
    /** `'<METHOD> <route template>'`, e.g. `'GET /loan/{loan_id}'`. */
    routeKey: string;
    /** Set when a fault already recorded this request in the stats. */
    statsRecorded: boolean;
  }
}

const routeKeys = new Map<string, string>();
function routeKeyOf(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  if (url === undefined) return `${request.method} <unmatched>`;
  const raw = `${request.method} ${url}`;
  let key = routeKeys.get(raw);
  if (!key) {
    key = `${request.method} ${url.replace(/:(\w+)/g, '{$1}')}`;
    routeKeys.set(raw, key);
  }
  return key;
}

/** Decorates `routeKey` (used by the faults plugin too) and records each request in `stats`. */
export const statsPlugin = fp(async (app: FastifyInstance, options: { stats: RouteStatsRecorder }) => {
  const { stats } = options;
  app.decorateRequest('routeKey', '');
  app.decorateRequest('statsRecorded', false);
  app.addHook('onRequest', async (request) => {
    request.routeKey = routeKeyOf(request);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!request.statsRecorded) stats.record(request.routeKey, reply.elapsedTime, reply.statusCode >= 400);
  });
}, { name: 'emulator-stats' });
