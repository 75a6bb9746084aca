/**
 * The parked run: N loans open at once, each waiting in TO_REPAY (scenario SUCCESS_ONE_DAY_LATER: the
 * emulator repays 24 h of its clock after disbursement). Measures the worker's RSS per open loan and the
 * history of a parked loan, then advances the emulator clock a day: the repayments produce webhooks, the
 * edge signals the workflows, and every loan closes.
 */
import { startLoan } from '../../src/loans/start-loan';
import { callsReport, historyReport } from '../lib/calls';
import { advanceEmulatorClock, emulatorStats, pendingWebhookDeliveries, resetEmulatorStats, totalRequests } from '../lib/emulator-api';
import type { BenchEnvironment, WorkerChild } from '../lib/environment';
import { totalCalls } from '../lib/counting-client';
import { historyFloor, parkedHistoryFloor } from '../lib/floors';
import { historySummary } from '../lib/histories';
import { runLoans } from '../lib/loan-run';
import { loanRequest } from '../lib/loan-requests';
import type { BenchOptions } from '../lib/options';
import { runPool } from '../lib/pool';
import { cpuBetween, machineBusySeconds, memory, ownCpuSeconds, resetPeakRss, sampleCpu } from '../lib/proc';
import type { ProgressSink } from '../lib/progress';
import type { ParkedResult } from '../lib/report-types';
import { distribution, round } from '../lib/stats';
import { drainWebhooks } from './throughput';

const DAY_MS = 86_400_000;
/** How far the emulator clock jumps: past every loan's repayment (24 h after its disbursement). */
const ADVANCE_MS = DAY_MS + 60_000;
const PARK_TIMEOUT_MS = 15 * 60_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until it returns at least `wanted`, reporting progress; throws after `timeoutMs`. */
async function waitForCount(
  read: () => Promise<number>, wanted: number, progress: ProgressSink, total: number, timeoutMs: number, what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await read();
    progress.update({ done: Math.min(n, total), total });
    if (n >= wanted) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${n}/${wanted} after ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

/** Waits until the emulator serves no request and delivers no webhook for `quietMs`: every workflow sits on its timer. */
async function quiesce(env: BenchEnvironment, quietMs = 2_000, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const served = totalRequests(await emulatorStats(env.emulatorUrl));
    const pending = await pendingWebhookDeliveries(env.emulatorUrl);
    if (served !== last || pending > 0) {
      last = served;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return;
    }
    await sleep(250);
  }
}

/** Sum over the workers of their current (or peak) RSS in MiB; null when one cannot be read. */
function rssOf(workers: readonly WorkerChild[], which: 'rssMb' | 'peakRssMb' = 'rssMb'): number | null {
  let total = 0;
  for (const w of workers) {
    const m = memory(w.pid);
    if (!m) return null;
    total += m[which];
  }
  return total;
}

/** Runs the parked phase (webhooks must be on: they are what wakes a parked loan). */
export async function parkedPhase(env: BenchEnvironment, options: BenchOptions, progress: ProgressSink): Promise<ParkedResult> {
  if (!options.webhooks) throw new Error('the parked run needs --webhooks on: a Defacto event is what wakes a parked loan');
  const total = options.parked;
  const taskQueue = `bench-${env.runId}-parked`;
  const client = env.client;
  progress.log(`parked: starting ${options.workers} worker process(es)`);
  const workers = await env.startWorkers('lifecycle', taskQueue);
  const pids = workers.map((w) => w.pid);
  try {
    // A few loans through first: bundle loaded, connections open, JIT warm (not counted).
    const warm = Math.max(1, Math.min(options.warmup, 20));
    await runLoans(warm, options.concurrency, async (i) => {
      const started = await startLoan(client, loanRequest(`${env.runId}-parked-w-${i}`, 'SUCCESS'), { taskQueue });
      return started.handle.result();
    }, progress, 'parked warm-up');
    await drainWebhooks(env);
    await quiesce(env, 1_000);
    const rssBefore = rssOf(workers);
    for (const pid of pids) resetPeakRss(pid);
    await resetEmulatorStats(env.emulatorUrl);
    const edgeBefore = env.edgeCalls ? totalCalls(env.edgeCalls) : 0;

    // Park: start every loan (at most `concurrency` start calls at once), wait until all wait in TO_REPAY.
    const parkStarted = performance.now();
    const ids: string[] = [];
    progress.begin('parking', total);
    await runPool(total, options.concurrency, async (i) => {
      const started = await startLoan(client, loanRequest(`${env.runId}-parked-${i}`, 'SUCCESS_ONE_DAY_LATER'), { taskQueue });
      ids[i] = started.workflowId;
    });
    const parkedQuery = `TaskQueue = '${taskQueue}' AND LoanStatus = 'TO_REPAY' AND ExecutionStatus = 'Running'`;
    await waitForCount(async () => (await client.workflow.count(parkedQuery)).count, total, progress, total, PARK_TIMEOUT_MS, 'parking');
    await quiesce(env);
    const parkSeconds = (performance.now() - parkStarted) / 1000;
    const parked = (await client.workflow.count(parkedQuery)).count;
    progress.end(`parked: ${parked}/${total} loans waiting in TO_REPAY after ${parkSeconds.toFixed(1)} s`);
    const rssParked = rssOf(workers);
    const peak = rssOf(workers, 'peakRssMb');
    const serverRss = env.serverPid ? memory(env.serverPid)?.rssMb ?? null : null;
    progress.log(`parked: fetching ${ids.length} histories`);
    const historyWhileParked = historyReport(await historySummary(client, ids), { SUCCESS_ONE_DAY_LATER: total }, parkedHistoryFloor());

    // Repay: one day of emulator clock; webhooks wake the workflows.
    const watched = [...pids, ...(env.serverPid ? [env.serverPid] : []), env.emulatorPid];
    const cpuBefore = sampleCpu(watched);
    const machineBefore = machineBusySeconds();
    const ownBefore = ownCpuSeconds();
    const advancedAt = Date.now();
    await advanceEmulatorClock(env.emulatorUrl, ADVANCE_MS);
    progress.begin('repaying', total);
    const doneQuery = `TaskQueue = '${taskQueue}' AND ExecutionStatus != 'Running'`;
    await waitForCount(async () => (await client.workflow.count(doneQuery)).count - warm, total, progress, total, PARK_TIMEOUT_MS, 'repaying');
    const finishSeconds = (Date.now() - advancedAt) / 1000;
    const cpuAfter = sampleCpu(watched);
    const workerCpu = cpuBetween(cpuBefore, cpuAfter, pids);
    const machineAfter = machineBusySeconds();
    const ours = cpuBetween(cpuBefore, cpuAfter, watched);
    const otherCores = machineBefore === null || machineAfter === null || ours === null
      ? null
      : round(Math.max(0, machineAfter - machineBefore - ours - (ownCpuSeconds() - ownBefore)) / finishSeconds, 2);
    progress.end(`parked: ${total} loans ended ${finishSeconds.toFixed(1)} s after the clock advance`);

    const wanted = new Set(ids);
    const latencies: number[] = [];
    for await (const execution of client.workflow.list({ query: doneQuery })) {
      if (wanted.has(execution.workflowId) && execution.closeTime) latencies.push(execution.closeTime.getTime() - advancedAt);
    }
    const outcomes: Record<string, number> = {};
    await runPool(ids.length, 32, async (i) => {
      const status = await client.workflow.getHandle(ids[i] ?? '').result().then((o) => o.status, () => 'FAILED');
      outcomes[status] = (outcomes[status] ?? 0) + 1;
    });
    await drainWebhooks(env);
    const stats = await emulatorStats(env.emulatorUrl);
    const edge = env.edgeCalls ? totalCalls(env.edgeCalls) - edgeBefore : null;
    const historyAtEnd = historyReport(await historySummary(client, ids), { SUCCESS_ONE_DAY_LATER: total }, historyFloor('SUCCESS_ONE_DAY_LATER'));
    return {
      loans: total,
      parkSeconds: round(parkSeconds, 1),
      parked,
      worker: {
        rssBeforeMb: rssBefore === null ? null : round(rssBefore, 1),
        rssParkedMb: rssParked === null ? null : round(rssParked, 1),
        peakRssMb: peak === null ? null : round(peak, 1),
        rssPerOpenLoanKb: rssBefore === null || rssParked === null ? null : round(((rssParked - rssBefore) * 1024) / total, 1),
        cacheSize: options.tuning.maxCachedWorkflows ?? 'default',
      },
      server: { rssParkedMb: serverRss === null ? null : round(serverRss, 1) },
      historyWhileParked,
      finish: {
        seconds: round(finishSeconds, 1),
        loansPerSecond: round(total / finishSeconds, 1),
        latencyMs: distribution(latencies, 0),
        outcomes,
        workerCpuSeconds: workerCpu === null ? null : round(workerCpu, 2),
        otherCores,
      },
      historyAtEnd,
      calls: { ...callsReport(stats, { SUCCESS_ONE_DAY_LATER: total }, edge) },
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}
