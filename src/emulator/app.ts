/**
 * The Defacto sandbox emulator as a Fastify app (not listening): bearer-token tenants, problem bodies
 * for every failure, fault injection, per-route stats and the emulator-only `/_emulator` controls.
 */
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { BODY_LIMIT_BYTES, DEFAULT_RETRY_AFTER_S } from './assumptions';
import { EmulatorContext, type EmulatorOptions } from './context';
import { ProblemError, problemBody, type ProblemSlug } from './problems';
import { borrowerRoutes } from './routes/borrowers';
import { bearerToken } from './routes/common';
import { controlRoutes } from './routes/controls';
import { invoiceRoutes } from './routes/invoices';
import { loanRoutes } from './routes/loans';
import { paymentRoutes } from './routes/payments';
import { sandboxRoutes } from './routes/sandbox';
import { webhookRoutes } from './routes/webhooks';
import { TransitionRefusedError } from './state-machines';

export type { EmulatorOptions } from './context';
export type { FaultRule } from './faults';

declare module 'fastify' {
  interface FastifyInstance {
    /** The emulator's shared state (store, clock, faults, stats, webhooks). */
    emulator: EmulatorContext;
  }
  interface FastifyRequest {
    /** `'<METHOD> <route template>'`, e.g. `'GET /loan/{loan_id}'`. */
    routeKey: string;
    /** Set when a fault already recorded this request in the stats. */
    statsRecorded: boolean;
    /** Set by the lost-response fault: commit, then drop the connection before replying. */
    loseResponse: boolean;
  }
}

const SLUG_BY_STATUS: Readonly<Record<number, ProblemSlug>> = {
  400: 'bad_request', 401: 'unauthorized', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large',
  415: 'unsupported_media_type', 422: 'validation_error', 429: 'rate_limited', 500: 'server_error', 502: 'bad_gateway',
  503: 'service_unavailable', 504: 'gateway_timeout',
};

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

function sendProblem(reply: FastifyReply, request: FastifyRequest, error: ProblemError): FastifyReply {
  return reply.code(error.status).type('application/json; charset=utf-8').send(problemBody(error, request.url.split('?')[0] ?? '/'));
}

/** Builds the emulator app (call `listen` yourself, or use `inject`). */
export async function buildEmulator(options: EmulatorOptions = {}): Promise<FastifyInstance> {
  const ctx = new EmulatorContext(options);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: false,
  }) as unknown as FastifyInstance;
  app.decorate('emulator', ctx);
  app.decorateRequest('tenantKey', null);
  app.decorateRequest('routeKey', '');
  app.decorateRequest('statsRecorded', false);
  app.decorateRequest('loseResponse', false);

  // JSON bodies; an empty body reads as "no body" so bodiless POSTs with a JSON content type still work.
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const source = typeof text === 'string' ? text : text.toString('utf8');
    if (source.trim() === '') { done(null, undefined); return; }
    try {
      done(null, JSON.parse(source) as unknown);
    } catch {
      done(new ProblemError(400, 'bad_request', 'The request body is not valid JSON.'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    request.routeKey = routeKeyOf(request);
    const host = request.headers.host;
    if (host && !ctx.baseUrl.endsWith(`//${host}`)) ctx.baseUrl = `${request.protocol}://${host}`;
    const isControl = request.url.startsWith('/_emulator');
    if (!isControl) {
      request.tenantKey = bearerToken(request.headers.authorization);
      if (!request.tenantKey) return sendProblem(reply, request, new ProblemError(401, 'unauthorized', 'No valid API key provided.'));
    }
    if (isControl || ctx.faults.empty) return undefined;
    const faults = ctx.faults.forRequest(request.routeKey);
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const fault = faults.terminal;
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
        ctx.stats.record(request.routeKey, 0, true);
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
    ctx.stats.record(request.routeKey, reply.elapsedTime, true);
    request.statsRecorded = true;
    request.raw.socket.destroy();
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!request.statsRecorded) ctx.stats.record(request.routeKey, reply.elapsedTime, reply.statusCode >= 400);
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ProblemError) return sendProblem(reply, request, error);
    if (error instanceof TransitionRefusedError) {
      return sendProblem(reply, request, new ProblemError(400, 'invalid_transition', error.message, [], { entity: error.entity, status: error.from }));
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return sendProblem(reply, request, new ProblemError(status, SLUG_BY_STATUS[status] ?? 'bad_request', error.message));
    }
    request.log.error({ err: error }, 'emulator handler failed');
    return sendProblem(reply, request, new ProblemError(500, 'server_error', 'Unexpected emulator error.'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new ProblemError(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`)));

  const deps = { app, ctx };
  sandboxRoutes(deps);
  borrowerRoutes(deps);
  invoiceRoutes(deps);
  loanRoutes(deps);
  paymentRoutes(deps);
  webhookRoutes(deps);
  controlRoutes(deps);

  app.addHook('onClose', async () => ctx.stop());
  return app;
}
