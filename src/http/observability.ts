/**
 * What the edge tells an on-call engineer: `/metrics` (Prometheus text: requests by route and status,
 * webhooks received / refused / de-duplicated / routed, signals sent, the edge's own Defacto calls,
 * Node process figures), `/healthz` (the process is up) and `/readyz` (Temporal and Defacto answer
 * within a short timeout; 503 naming the one that does not). Every other request runs in an
 * OpenTelemetry server span that continues the caller's `traceparent`, so the workflow started or
 * signalled and the Defacto calls made for it belong to the same trace.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DefactoClient } from '../defacto/client';
import { DEFACTO_CALL_CHANNEL, type DefactoCallEvent } from '../defacto/transport';
import { METRICS, type MetricName } from '../observability/metric-names';

/** The edge's metrics, in a registry of its own (several edges may share a process in tests). */
export interface EdgeMetrics {
  readonly registry: Registry;
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly webhooksReceived: Counter;
  readonly webhooksRefused: Counter<'reason'>;
  readonly webhooksDeduplicated: Counter;
  readonly webhooksRouted: Counter<'outcome'>;
  readonly signalsSent: Counter<'signal' | 'outcome'>;
  readonly defactoRequests: Counter<'method' | 'route' | 'status' | 'error_class'>;
  readonly defactoDuration: Histogram<'method' | 'route' | 'status'>;
}

function counter<L extends string>(registry: Registry, name: MetricName): Counter<L> {
  const def = METRICS[name];
  return new Counter<L>({ name, help: def.help, labelNames: def.labels as unknown as L[], registers: [registry] });
}

function histogram<L extends string>(registry: Registry, name: MetricName): Histogram<L> {
  const def = METRICS[name];
  const buckets = 'buckets' in def ? [...def.buckets] : undefined;
  return new Histogram<L>({ name, help: def.help, labelNames: def.labels as unknown as L[], registers: [registry], ...(buckets ? { buckets } : {}) });
}

/** A fresh registry with the edge's metrics and Node's process metrics. */
export function createEdgeMetrics(): EdgeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: histogram(registry, 'http_request_duration_seconds'),
    webhooksReceived: counter(registry, 'defacto_webhooks_received_total'),
    webhooksRefused: counter(registry, 'defacto_webhooks_refused_total'),
    webhooksDeduplicated: counter(registry, 'defacto_webhooks_deduplicated_total'),
    webhooksRouted: counter(registry, 'defacto_webhooks_routed_total'),
    signalsSent: counter(registry, 'edge_signals_sent_total'),
    defactoRequests: counter(registry, 'defacto_requests_total'),
    defactoDuration: histogram(registry, 'defacto_request_duration_seconds'),
  };
}

/** How long `/readyz` waits for each dependency. */
export const READINESS_TIMEOUT_MS = 2_000;

/** What `/readyz` checks. */
export interface ReadinessDeps {
  readonly temporalClient: Client;
  readonly defacto: DefactoClient;
  readonly timeoutMs?: number;
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `up`, or `down: <error class or reason>` (never a message that could hold a URL or a key). */
async function probe(ms: number, check: () => Promise<unknown>): Promise<string> {
  try {
    await within(ms, check());
    return 'up';
  } catch (error) {
    const reason = error instanceof Error && error.message.startsWith('no answer within') ? error.message : error instanceof Error ? error.name : 'error';
    return `down: ${reason}`;
  }
}

/** Routes of the probes and metrics: never traced, never counted as traffic. */
const OPERATIONAL_ROUTES = new Set(['/metrics', '/healthz', '/readyz']);

const spans = new WeakMap<FastifyRequest, Span>();
const tracer = trace.getTracer('http-edge');

/**
 * Registers `/metrics`, `/healthz`, `/readyz`, the request span and the request metric on `app`, and
 * counts the Defacto calls the edge makes itself (those made inside activities are the worker's).
 */
export function registerObservability(app: FastifyInstance, metrics: EdgeMetrics, readiness: ReadinessDeps): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route && OPERATIONAL_ROUTES.has(route)) {
      done();
      return;
    }
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(`${request.method} ${route ?? '(no route)'}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route ?? '(no route)' },
    }, parent);
    spans.set(request, span);
    // The rest of the request (hooks, handler) runs in the span's context.
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(no route)';
    if (OPERATIONAL_ROUTES.has(route)) return;
    const status = String(reply.statusCode);
    metrics.httpRequests.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  });

  const onDefactoCall = (message: unknown): void => {
    // Requests made inside an activity are the worker's to count (the same process runs both in `npm start`).
    if (inActivity()) return;
    const call = message as DefactoCallEvent;
    const status = call.status === null ? 'none' : String(call.status);
    metrics.defactoRequests.inc({ method: call.method, route: call.route, status, error_class: call.errorClass ?? 'none' });
    metrics.defactoDuration.observe({ method: call.method, route: call.route, status }, call.durationMs / 1000);
  };
  subscribe(DEFACTO_CALL_CHANNEL, onDefactoCall);
  app.addHook('onClose', async () => {
    unsubscribe(DEFACTO_CALL_CHANNEL, onDefactoCall);
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ms = readiness.timeoutMs ?? READINESS_TIMEOUT_MS;
    const [temporal, defacto] = await Promise.all([
      probe(ms, () => readiness.temporalClient.workflowService.getSystemInfo({})),
      probe(ms, () => readiness.defacto.webhooks.list({ page_size: 1 }).pages()[Symbol.asyncIterator]().next()),
    ]);
    const ready = temporal === 'up' && defacto === 'up';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { temporal, defacto } });
  });
}

/** Whether the caller runs inside a Temporal activity. */
function inActivity(): boolean {
  try {
    Context.current();
    return true;
  } catch {
    return false;
  }
}
