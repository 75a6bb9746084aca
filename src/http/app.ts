/**
 * The inbound edge as a Fastify app, built without listening (tests and the server listen themselves):
 * the back-office API behind a bearer token and Defacto's webhook receiver behind its URL token, with
 * one problem+json error handler, and the operational routes `/metrics`, `/healthz`, `/readyz`
 * (src/http/observability.ts, no token). Requests are logged by route template, so the webhook token in
 * the path never reaches a log line.
 */
import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { DefactoClient } from '../defacto/client';
import type { Logger } from '../logging';
import { createEdgeMetrics, registerObservability, type EdgeMetrics } from './observability';
import { requireBearerToken } from './plugins/bearer-auth';
import { registerProblemHandlers } from './plugins/problems';
import { HttpProblem } from './problem';
import { loanRoutes } from './routes/loans';
import { reconciliationRoutes } from './routes/reconciliation';
import { webhookRoutes } from './routes/webhooks';
import { finishedWorkflows, recentEvents } from './webhook-router';

/** Secrets and links of the edge. */
export interface HttpEdgeConfig {
  /** Bearer token of the back office; when unset every back-office request is refused. */
  readonly backofficeToken: string | undefined;
  /** Secret path segment of the webhook URL; when unset every delivery is refused. */
  readonly webhookToken: string | undefined;
  /** Temporal Web UI base URL, for `links.ui` of started loans. */
  readonly uiBaseUrl?: string | undefined;
  /** Key of the search tags of started loans (see `StartLoanOptions.searchTagKey`). */
  readonly searchTagKey?: Buffer | undefined;
}

/** Dependencies of {@link buildHttpApp}. */
export interface HttpAppDeps {
  /** Built with the project's data converter (`dataConverter(config)`). */
  readonly temporalClient: Client;
  readonly taskQueue: string;
  readonly defacto: DefactoClient;
  readonly config: HttpEdgeConfig;
  readonly logger: Logger;
  /** The edge's metrics registry (default: a fresh one, served at `/metrics`). */
  readonly metrics?: EdgeMetrics;
}

/** Largest accepted body: a loan request with an inline invoice PDF (base64) fits. */
const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/** Builds the app (not listening). Close it with `app.close()`. */
export async function buildHttpApp(deps: HttpAppDeps): Promise<FastifyInstance> {
  const logger = deps.logger.child({ component: 'http' });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? '(no route)', status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });
  registerProblemHandlers(app);
  const metrics = deps.metrics ?? createEdgeMetrics();
  registerObservability(app, metrics, { temporalClient: deps.temporalClient, defacto: deps.defacto });
  // A bodiless POST sent with a JSON content type (common for approve/reject/cancel) reads as "no body".
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const source = typeof text === 'string' ? text : text.toString('utf8');
    if (source.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(source) as unknown);
    } catch {
      done(new HttpProblem('malformed', { detail: 'The body is not valid JSON' }), undefined);
    }
  });

  // Batches (POST /loans/batch) arrive as JSON Lines: kept as text, read line by line.
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, text, done) => done(null, text));

  await app.register(async (backOffice) => {
    requireBearerToken(backOffice, deps.config.backofficeToken);
    await backOffice.register(loanRoutes, {
      temporalClient: deps.temporalClient,
      taskQueue: deps.taskQueue,
      defacto: deps.defacto,
      uiBaseUrl: deps.config.uiBaseUrl,
      searchTagKey: deps.config.searchTagKey,
      cursorKey: deps.config.backofficeToken ?? '',
    });
    await backOffice.register(reconciliationRoutes, { temporalClient: deps.temporalClient });
  });
  await app.register(webhookRoutes, {
    temporalClient: deps.temporalClient,
    defacto: deps.defacto,
    logger,
    webhookToken: deps.config.webhookToken,
    recentEvents: recentEvents(),
    finishedWorkflows: finishedWorkflows(),
    metrics,
  });
  return app;
}
