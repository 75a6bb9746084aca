/**
 * The three throughput phases, same loans and same concurrency: the lifecycle on Temporal against the
 * emulator, the null loan (same workflow, canned activities, no emulator) and the direct baseline (same
 * Defacto calls in plain async code, no Temporal). Each run starts its own workers, runs its warm-up
 * outside the window, and returns raw readings; {@link throughputResult} turns one or several runs of a
 * phase (rounds, interleaved with the other phases) into the reported figures.
 */
import { DefactoClient } from '../../src/defacto';
import { createLogger } from '../../src/logging';
import { startLoan } from '../../src/loans/start-loan';
import { directLoan, plainActivities } from '../direct-loan';
import { emulatorStats, pendingWebhookDeliveries, resetEmulatorStats, type RouteStats } from '../lib/emulator-api';
import type { BenchEnvironment, TemporalPhaseMode, WorkerChild } from '../lib/environment';
import { totalCalls } from '../lib/counting-client';
import { readServerActions, serverActionsBetween, type ServerActions } from '../lib/actions';
import { historySummary, type HistorySummary } from '../lib/histories';
import { runLoans, type LoanBatch, type LoanRunner } from '../lib/loan-run';
import { loanRequest, scenarioFor } from '../lib/loan-requests';
import type { BenchOptions, ThroughputPhase } from '../lib/options';
import type { ProgressSink } from '../lib/progress';
import { openWindow, type WindowReadings } from '../lib/window';

/** One run of one phase, unreduced. */
export interface PhaseRun {
  readonly phase: ThroughputPhase;
  readonly batch: LoanBatch;
  readonly readings: WindowReadings;
  /** Emulator requests of the window (null: the null loan has no emulator). */
  readonly routeStats: Record<string, RouteStats> | null;
  /** Defacto calls the HTTP edge made in the window (null without webhooks). */
  readonly edgeCalls: number | null;
  readonly history: HistorySummary | null;
  /** The server's billable actions of the window, by type (null: not readable, or the direct baseline). */
  readonly serverActions: ServerActions | null;
  readonly workers: number;
  readonly workerStartupMs: number | null;
}

/** Waits (bounded) until the emulator has no webhook delivery in flight, so late edge calls are counted. */
export async function drainWebhooks(env: BenchEnvironment, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (await pendingWebhookDeliveries(env.emulatorUrl)) > 0) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

function temporalRunner(
  env: BenchEnvironment, mode: TemporalPhaseMode, options: BenchOptions, taskQueue: string, prefix: string, ids: string[],
): LoanRunner {
  const client = env.clientFor(mode);
  return async (index) => {
    const request = loanRequest(`${prefix}-${index}`, scenarioFor(options.scenarios, index));
    const started = await startLoan(client, request, { taskQueue });
    ids[index] = started.workflowId;
    return started.handle.result();
  };
}

/** How the progress lines name each Temporal phase. */
const PHASE_LABELS: Readonly<Record<TemporalPhaseMode, string>> = {
  lifecycle: 'lifecycle',
  null: 'null loan',
  observed: 'lifecycle, metrics and tracing on',
  'metrics-only': 'lifecycle, metrics on',
  'tracing-only': 'lifecycle, tracing on',
  plaintext: 'lifecycle, payloads not encrypted',
};

/**
 * The lifecycle, the null loan, or the lifecycle with its workers configured otherwise (observed,
 * metrics only, tracing only, payloads in plain text): worker processes, warm-up, measured batch, histories.
 */
export async function temporalPhase(
  env: BenchEnvironment,
  options: BenchOptions,
  mode: TemporalPhaseMode,
  progress: ProgressSink,
  roundTag = '',
): Promise<PhaseRun> {
  const label = `${PHASE_LABELS[mode]}${roundTag}`;
  const defacto = mode !== 'null';
  const taskQueue = `bench-${env.runId}-${mode}${roundTag.replace(/\W+/g, '-')}`;
  const prefix = `${env.runId}-${mode}${roundTag.replace(/\W+/g, '')}`;
  progress.log(`${label}: starting ${options.workers} worker process(es)`);
  const workers: WorkerChild[] = await env.startWorkers(mode, taskQueue);
  try {
    if (options.warmup > 0) {
      await runLoans(options.warmup, options.concurrency, temporalRunner(env, mode, options, taskQueue, `${prefix}-w`, []), progress, `${label} warm-up`);
    }
    if (defacto && options.webhooks) await drainWebhooks(env);
    await resetEmulatorStats(env.emulatorUrl);
    const edgeCounts = env.edgeCallsFor(mode);
    const edgeBefore = edgeCounts ? totalCalls(edgeCounts) : null;

    const ids: string[] = [];
    const actionsBefore = await readServerActions(env.serverMetricsUrl, env.client.options.namespace);
    const close = openWindow({ workers: workers.map((w) => w.pid), server: env.serverPid, emulator: defacto ? env.emulatorPid : null });
    const batch = await runLoans(options.loans, options.concurrency, temporalRunner(env, mode, options, taskQueue, prefix, ids), progress, label);
    const readings = close();

    let routeStats = null;
    let edgeCalls = null;
    if (mode === 'observed' || mode === 'tracing-only') progress.log(`${label}: ${Math.round(env.otlpBytes() / 1024)} KB of spans exported over OTLP so far`);
    if (defacto) {
      if (options.webhooks) await drainWebhooks(env);
      routeStats = await emulatorStats(env.emulatorUrl);
      edgeCalls = edgeCounts && edgeBefore !== null ? totalCalls(edgeCounts) - edgeBefore : null;
    }
    // After the webhook drain: the signals of late deliveries belong to the window.
    const serverActions = serverActionsBetween(actionsBefore, await readServerActions(env.serverMetricsUrl, env.client.options.namespace));
    progress.log(`${label}: fetching ${ids.filter(Boolean).length} histories`);
    const history = await historySummary(env.client, ids.filter(Boolean));
    const startup = workers.map((w) => Number(w.ready.startupMs));
    return {
      phase: mode, batch, readings, routeStats, edgeCalls, history, serverActions,
      workers: workers.length, workerStartupMs: startup.length > 0 ? Math.max(...startup) : null,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/**
 * The lifecycle at the baseline commit (bench/lib/baseline.ts): its worker and HTTP edge, loans started
 * without payload encryption, the same loans and concurrency; the emulator counts every call (the
 * baseline edge's reads are not split out).
 */
export async function baselinePhase(env: BenchEnvironment, options: BenchOptions, progress: ProgressSink, roundTag = ''): Promise<PhaseRun> {
  const baseline = await env.baseline();
  const label = `baseline ${baseline.commit.slice(0, 8)}${roundTag}`;
  const taskQueue = `bench-${env.runId}-baseline${roundTag.replace(/\W+/g, '-')}`;
  const prefix = `${env.runId}-baseline${roundTag.replace(/\W+/g, '')}`;
  progress.log(`${label}: starting its worker (it bundles its own workflows)`);
  const worker = await baseline.startWorker(taskQueue);
  const runner = (p: string, ids: string[]): LoanRunner => async (index) => {
    const request = loanRequest(`${p}-${index}`, scenarioFor(options.scenarios, index));
    const started = await startLoan(baseline.client, request, { taskQueue });
    ids[index] = started.workflowId;
    return started.handle.result();
  };
  try {
    if (options.warmup > 0) await runLoans(options.warmup, options.concurrency, runner(`${prefix}-w`, []), progress, `${label} warm-up`);
    if (options.webhooks) await drainWebhooks(env);
    await resetEmulatorStats(env.emulatorUrl);
    const ids: string[] = [];
    const actionsBefore = await readServerActions(env.serverMetricsUrl, env.client.options.namespace);
    const close = openWindow({ workers: [worker.pid], server: env.serverPid, emulator: env.emulatorPid });
    const batch = await runLoans(options.loans, options.concurrency, runner(prefix, ids), progress, label);
    const readings = close();
    if (options.webhooks) await drainWebhooks(env);
    const routeStats = await emulatorStats(env.emulatorUrl);
    const serverActions = serverActionsBetween(actionsBefore, await readServerActions(env.serverMetricsUrl, env.client.options.namespace));
    progress.log(`${label}: fetching ${ids.filter(Boolean).length} histories`);
    const history = await historySummary(env.client, ids.filter(Boolean));
    return {
      phase: 'baseline', batch, readings, routeStats, edgeCalls: null, history, serverActions,
      workers: 1, workerStartupMs: worker.startupMs,
    };
  } finally {
    await worker.stop();
  }
}

/** The direct baseline: the activities' bodies called in order from this process, no Temporal. */
export async function directPhase(env: BenchEnvironment, options: BenchOptions, progress: ProgressSink, roundTag = ''): Promise<PhaseRun> {
  const defacto = new DefactoClient({ baseUrl: env.emulatorUrl, apiKey: env.directApiKey, retry: 'none' });
  const activities = plainActivities(defacto, createLogger({ level: 'warn' }, process.stderr));
  const prefix = `${env.runId}-direct${roundTag.replace(/\W+/g, '')}`;
  const runner = (p: string): LoanRunner => async (index) => {
    const reference = `${p}-${index}`;
    const request = loanRequest(reference, scenarioFor(options.scenarios, index));
    return { status: await directLoan(activities, request, `loan-ref-${reference}`) };
  };
  if (options.warmup > 0) await runLoans(options.warmup, options.concurrency, runner(`${prefix}-w`), progress, `direct warm-up${roundTag}`);
  await resetEmulatorStats(env.emulatorUrl);
  const close = openWindow({ workers: [], server: env.serverPid, emulator: env.emulatorPid });
  const batch = await runLoans(options.loans, options.concurrency, runner(prefix), progress, `direct${roundTag}`);
  const readings = close();
  return {
    phase: 'direct', batch, readings, routeStats: await emulatorStats(env.emulatorUrl), edgeCalls: null, history: null, serverActions: null,
    workers: 0, workerStartupMs: null,
  };
}
