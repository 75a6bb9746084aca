/**
 * After loans of known outcomes, a real Prometheus (Debian's package) that scraped the worker, the edge
 * and the Temporal server holds exactly what ran: loans started and ended by outcome, steps, the
 * operator wait that expired, every Defacto request the emulator served, every webhook delivered.
 * The worker keeps no workflow in cache, so every workflow task replays the history so far; replaying
 * the finished histories once more afterwards changes no counter either.
 */
import { workerMetricsAddress } from './worker-runtime';
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities';
import { DefactoClient } from '../../src/defacto';
import type { LoanRequestInput } from '../../src/domain/schemas';
import { startHttpEdge, type HttpEdge } from '../../src/http/edge';
import { createLogger } from '../../src/logging';
import { startPrometheus, type RunningPrometheus } from '../../src/observability/prometheus';
import { workflowMetricSinks } from '../../src/observability/workflow-metrics';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { bundleOnce, createTestWorker, eventually, testDataConverter, testEnv, uniqueTaskQueue } from '../helpers/temporal';

const BACKOFFICE_TOKEN = 'metrics-backoffice-token';
const FAST_POLL = { initialMs: 100, maxMs: 500, multiplier: 2, idleCheckMs: 500 };
const quiet = createLogger({ level: 'warn' });

function loan(scenario: 'SUCCESS' | 'REJECT' | 'FAIL', extra: Partial<LoanRequestInput['loan']> = {}): LoanRequestInput {
  return {
    requestReference: `metrics-${randomUUID().slice(0, 12)}`,
    borrower: { generate: true },
    invoice: { generate: true, scenario },
    loan: { pollSchedule: FAST_POLL, ...extra },
  };
}

/** Two CLOSED, one DECLINED, one PAYMENT_FAILED, one CANCELED when its operator review expired. */
const RUNS: readonly { request: LoanRequestInput; outcome: string }[] = [
  { request: loan('SUCCESS'), outcome: 'CLOSED' },
  { request: loan('SUCCESS'), outcome: 'CLOSED' },
  { request: loan('REJECT'), outcome: 'DECLINED' },
  { request: loan('FAIL'), outcome: 'PAYMENT_FAILED' },
  {
    request: loan('SUCCESS', { acceptancePolicy: { requireOperatorApproval: true }, deadlines: { conditionsReviewMs: 1_500 } }),
    outcome: 'CANCELED',
  },
];

describe('business metrics on a real Prometheus', () => {
  let emulator: RunningEmulator;
  let edge: HttpEdge;
  let prometheus: RunningPrometheus;
  let worker: Worker;
  let running: Promise<void>;
  const workflowIds: string[] = [];
  const apiKey = `metrics-${randomUUID()}`;

  beforeAll(async () => {
    const { client, address } = await testEnv();
    emulator = await startEmulator();
    const defacto = new DefactoClient({ baseUrl: emulator.url, apiKey, timeoutMs: 10_000 });
    const taskQueue = uniqueTaskQueue('metrics');
    // No cache: each workflow task replays the whole history first, as after a worker restart.
    worker = await createTestWorker({ taskQueue, activities: createActivities({ defacto, log: quiet }), maxCachedWorkflows: 0 });
    running = worker.run();
    edge = await startHttpEdge({
      temporalClient: client, taskQueue, defacto, logger: quiet,
      config: { backofficeToken: BACKOFFICE_TOKEN, webhookToken: `hook-${randomUUID()}` },
    });
    // The dev server's metrics port is not exposed through the shared server: this run scrapes worker and edge.
    prometheus = await startPrometheus({
      targets: { worker: [workerMetricsAddress], edge: [edge.url.replace('http://', '')], temporal: [] },
      intervalS: 1,
    });
    void address;
  }, 180_000);

  afterAll(async () => {
    await edge?.close();
    worker?.shutdown();
    await running;
    await prometheus?.stop();
    await emulator?.close();
  });

  /** The single value of `promql` once Prometheus shows `expected` (or the last value seen). */
  async function settles(promql: string, expected: number): Promise<number> {
    let last = Number.NaN;
    try {
      await eventually(async () => {
        const samples = await prometheus.query(promql);
        last = samples.length === 0 ? 0 : samples.reduce((sum, s) => sum + s.value, 0);
        expect(last).toBe(expected);
      }, { timeoutMs: 20_000, intervalMs: 500 });
    } catch {
      // Reported by the caller's assertion with the value last seen.
    }
    return last;
  }

  it('counts each loan once by outcome, with its steps and Defacto calls, replays included', async () => {
    const { client } = await testEnv();
    for (const run of RUNS) {
      const response = await fetch(`${edge.url}/loans`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BACKOFFICE_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(run.request),
      });
      expect(response.status).toBe(202);
      workflowIds.push(((await response.json()) as { workflowId: string }).workflowId);
    }
    const outcomes = await Promise.all(workflowIds.map((id) => client.workflow.getHandle(id).result() as Promise<{ status: string }>));
    expect(outcomes.map((o) => o.status)).toEqual(RUNS.map((r) => r.outcome));

    expect(await settles('sum(defacto_loans_started_total)', RUNS.length)).toBe(RUNS.length);
    const byOutcome = await eventually(async () => {
      const samples = await prometheus.query('sum by (outcome) (defacto_loans_ended_total)');
      const seen = Object.fromEntries(samples.map((s) => [s.metric.outcome, s.value]));
      expect(seen).toEqual({ CLOSED: 2, DECLINED: 1, PAYMENT_FAILED: 1, CANCELED: 1 });
      return seen;
    }, { timeoutMs: 20_000, intervalMs: 500 });
    expect(Object.values(byOutcome).reduce((a: number, b) => a + Number(b), 0)).toBe(RUNS.length);

    // Every loan requested once; two repaid; one offer waited for an operator until its deadline.
    expect(await settles('sum(defacto_loan_step_duration_seconds_count{step="LOAN_REQUESTED", status="DONE"})', 5)).toBe(5);
    expect(await settles('sum(defacto_loan_step_duration_seconds_count{step="REPAID", status="DONE"})', 2)).toBe(2);
    expect(await settles('sum(defacto_operator_reviews_started_total)', 1)).toBe(1);
    expect(await settles('sum(defacto_operator_wait_seconds_count{decision="expired"})', 1)).toBe(1);
    expect(await settles('sum(defacto_operator_wait_seconds_sum{decision="expired"}) >= 1.5', 1)).toBeGreaterThanOrEqual(1.5);

    // Every request the emulator served was counted once, by the worker (activities) or the edge.
    const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as { routes: Record<string, { count: number }> };
    const served = Object.entries(stats.routes).filter(([key]) => !key.includes('/_emulator')).reduce((sum, [, r]) => sum + r.count, 0);
    expect(served).toBeGreaterThan(RUNS.length * 5);
    expect(await settles('sum(defacto_requests_total)', served)).toBe(served);
    expect(await settles('sum(defacto_request_duration_seconds_count)', served)).toBe(served);

    // The edge: five starts answered 202, every delivered webhook received, each either routed or de-duplicated.
    expect(await settles('sum(http_request_duration_seconds_count{route="/loans", method="POST", status="202"})', 5)).toBe(5);
    const deliveries = (await (await fetch(`${emulator.url}/_emulator/webhooks/deliveries`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as {
      data: { delivered: boolean }[];
    };
    const delivered = deliveries.data.filter((d) => d.delivered).length;
    expect(delivered).toBeGreaterThan(0);
    expect(await settles('sum(defacto_webhooks_received_total)', delivered)).toBe(delivered);
    const routed = await settles('sum(defacto_webhooks_routed_total)', delivered);
    expect(routed).toBe(delivered);

    // The SDK's own metrics share the endpoint.
    expect(await settles('count(temporal_workflow_completed) > 0', 1)).toBeGreaterThan(0);

    // Replaying every finished history with metrics on counts nothing.
    const histories = await Promise.all(workflowIds.map(async (workflowId) => ({
      workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory(),
    })));
    for await (const result of Worker.runReplayHistories({ workflowBundle: await bundleOnce(), dataConverter: testDataConverter(), sinks: workflowMetricSinks() }, histories)) {
      expect(result.error).toBeUndefined();
    }
    // Wait for two scrapes of the worker after the replay.
    const replayedAt = Date.now() / 1000;
    await eventually(async () => {
      const [last] = await prometheus.query('min(timestamp(up{job="defacto-lending-worker"}))');
      expect(last?.value ?? 0).toBeGreaterThan(replayedAt + 2);
    }, { timeoutMs: 20_000, intervalMs: 500 });
    expect(await settles('sum(defacto_loans_started_total)', RUNS.length)).toBe(RUNS.length);
    expect(await settles('sum(defacto_loans_ended_total)', RUNS.length)).toBe(RUNS.length);
    expect(await settles('sum(defacto_loan_step_duration_seconds_count{step="LOAN_REQUESTED"})', 5)).toBe(5);
  }, 180_000);
});
