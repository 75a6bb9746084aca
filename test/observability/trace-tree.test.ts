/**
 * The traces of one loan form one tree: the back-office call → the edge's request span → the workflow
 * start → the workflow run → each activity → each Defacto request, and every request that reached
 * Defacto carried that trace in its W3C `traceparent`. Log lines written inside a span carry its trace ID.
 */
import { spans, tracing } from './tracing-setup';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto';
import type { LoanOutcome } from '../../src/domain/loan';
import { startHttpEdge, type HttpEdge } from '../../src/http/edge';
import { createLogger } from '../../src/logging';
import { tracingClientInterceptors } from '../../src/observability/tracing';
import { runWorker, type RunningWorker } from '../../src/loans/loan-worker';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { testDataConverter, testEnv, uniqueTaskQueue } from '../helpers/temporal';

const TOKEN = 'trace-backoffice-token';

/** A pass-through proxy in front of the emulator that remembers each request's `traceparent`. */
function recordingProxy(target: string, seen: { path: string; traceparent: string | undefined }[]): Promise<{ server: Server; url: string }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', traceparent: req.headers.traceparent as string | undefined });
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
  }));
}

describe('one loan, one trace', () => {
  let emulator: RunningEmulator;
  let proxy: { server: Server; url: string };
  let worker: RunningWorker;
  let edge: HttpEdge;
  let connection: Connection;
  const requests: { path: string; traceparent: string | undefined }[] = [];
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const { nativeConnection, address, namespace } = await testEnv();
    emulator = await startEmulator();
    proxy = await recordingProxy(emulator.url, requests);
    const defacto = new DefactoClient({ baseUrl: proxy.url, apiKey: `trace-${Date.now()}`, timeoutMs: 10_000 });
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const taskQueue = uniqueTaskQueue('trace');
    worker = await runWorker({
      connection: nativeConnection, namespace, taskQueue, defacto, shutdownSignals: [], logger: createLogger({ level: 'info' }, sink),
      dataConverter: testDataConverter(),
    });
    connection = await Connection.connect({ address });
    edge = await startHttpEdge({
      temporalClient: new Client({ connection, namespace, dataConverter: testDataConverter(), interceptors: tracingClientInterceptors() }),
      taskQueue, defacto, logger: createLogger({ level: 'silent' }), subscribe: false,
      config: { backofficeToken: TOKEN, webhookToken: undefined },
    });
  }, 120_000);

  afterAll(async () => {
    await edge?.close();
    await worker?.stop();
    await connection?.close();
    await new Promise((r) => proxy?.server.close(r));
    await emulator?.close();
  });

  it('joins the back-office call to every Defacto request it caused, in one tree', async () => {
    const root = trace.getTracer('back-office').startSpan('back-office: finance an invoice');
    const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    propagation.inject(trace.setSpan(context.active(), root), headers);
    const response = await fetch(`${edge.url}/loans`, {
      method: 'POST', headers,
      body: JSON.stringify({
        requestReference: `trace-${randomUUID()}`, borrower: { generate: true }, invoice: { generate: true, scenario: 'SUCCESS' },
        loan: { pollSchedule: { initialMs: 100, maxMs: 500, multiplier: 2, idleCheckMs: 500 } },
      }),
    });
    expect(response.status).toBe(202);
    const { workflowId } = (await response.json()) as { workflowId: string };
    const { client } = await testEnv();
    const outcome = (await client.workflow.getHandle(workflowId).result()) as LoanOutcome;
    expect(outcome.status).toBe('CLOSED');
    root.end();
    await tracing.flush();

    const traceId = root.spanContext().traceId;
    const mine = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(mine.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanId;

    // One tree: a single root, every other span's parent is in the trace.
    const roots = mine.filter((s) => !parentOf(s) || !byId.has(parentOf(s) ?? ''));
    expect(roots.map((s) => s.name)).toEqual(['back-office: finance an invoice']);

    const names = new Set(mine.map((s) => s.name));
    for (const expected of [
      'POST /loans', 'StartWorkflow:loanLifecycleWorkflow', 'RunWorkflow:loanLifecycleWorkflow',
      'RunActivity:createBorrower', 'RunActivity:requestLoan', 'Defacto POST /loans',
    ]) expect(names).toContain(expected);

    // The run's span (exported by the worker when the run ends) sits under the client's start, and every
    // activity attempt, local or not, directly under the run.
    const runs = mine.filter((s) => s.name === 'RunWorkflow:loanLifecycleWorkflow');
    expect(runs).toHaveLength(1);
    const run = runs[0] as ReadableSpan;
    expect(byId.get(run.parentSpanId ?? '')?.name).toBe('StartWorkflow:loanLifecycleWorkflow');
    expect(run.attributes.temporalWorkflowId).toBe(workflowId);
    const activitySpans = mine.filter((s) => s.name.startsWith('RunActivity:'));
    expect(activitySpans.length).toBeGreaterThan(8);
    for (const span of activitySpans) expect(span.parentSpanId).toBe(run.spanContext().spanId);

    // Each Defacto span descends, through its activity and the workflow, from the edge's request span.
    const ancestry = (s: ReadableSpan): string[] => {
      const chain: string[] = [];
      for (let p = parentOf(s); p && byId.has(p); p = parentOf(byId.get(p) as ReadableSpan)) chain.push((byId.get(p) as ReadableSpan).name);
      return chain;
    };
    const defactoSpans = mine.filter((s) => s.name.startsWith('Defacto '));
    expect(defactoSpans.length).toBeGreaterThan(8);
    for (const span of defactoSpans) {
      const chain = ancestry(span);
      expect(chain[0]).toMatch(/^RunActivity:/);
      expect(chain).toContain('RunWorkflow:loanLifecycleWorkflow');
      expect(chain).toContain('POST /loans');
      expect(chain.at(-1)).toBe('back-office: finance an invoice');
    }

    // Every request that reached Defacto carried this trace, its parent being one of the Defacto spans.
    const defactoSpanIds = new Set(defactoSpans.map((s) => s.spanContext().spanId));
    const loanRequests = requests.filter((r) => !r.path.startsWith('/_emulator'));
    expect(loanRequests.length).toBe(defactoSpans.length);
    for (const r of loanRequests) {
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(r.traceparent ?? '');
      expect(match, `${r.path} carried no traceparent`).not.toBeNull();
      expect(match?.[1]).toBe(traceId);
      expect(defactoSpanIds.has(match?.[2] ?? '')).toBe(true);
    }

    // A log line written inside an activity's span names the trace.
    const requested = logLines.find((l) => l.msg === 'loan requested');
    expect(requested?.trace_id).toBe(traceId);
    expect(typeof requested?.span_id).toBe('string');
  }, 120_000);
});
