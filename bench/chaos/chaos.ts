/**
 * `runChaos(options)`: one chaos run. A fault-free phase measures the baseline; then the emulator
 * injects faults on every route while the worker is SIGKILLed every ~15 s, Temporal restarts once on
 * its database file, the HTTP edge restarts once and a few loan workflows are terminated. Afterwards
 * reconciliation runs (it must adopt the terminated workflows' open loans), every invariant is checked
 * and the report returned. Used by `npm run chaos` (bench/chaos/run.ts) and the short variant in `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DefactoClient } from '../../src/defacto';
import { seededRandom } from '../../src/emulator/faults';
import { drawLoanKinds, LOAN_KIND_SPECS } from './scenarios';
import { Disruptions, ClockAdvancer, CHAOS_FAULTS, emulatorControl } from './disruptions';
import { driveLoan, runPool, type DriveContext, type PoolState } from './drive';
import { EdgeApi } from './edge-api';
import { gatherHistories, scanHistories, scanLogs } from './evidence';
import {
  checkBorrowers, checkCommands, checkCreditLines, checkDeadlines, checkDeterminism, checkInvoices, checkLoans,
  checkFollowed, checkOutcomes, checkSecret, type Inventory, type LoanRun,
} from './invariants';
import { planTerminations, reconcileAfterTerminations, terminateOne, type ReconciliationEvidence, type Termination } from './terminations';
import type { ChaosOptions } from '../lib/options';
import { buildReport, phaseReport, type ChaosReport, type FaultStats } from './report';
import { startChaosStack, type ChaosStack } from './stack';

/** Callbacks of a run. */
export interface ChaosHooks {
  /** A progress line (every few seconds, and at each phase change). */
  readonly progress?: (line: string) => void;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RouteStats { readonly routes: Record<string, { readonly count: number; readonly errors: number }> }

/** Runs the whole experiment; never throws for a violated invariant (see `report.ok`). */
export async function runChaos(options: ChaosOptions, hooks: ChaosHooks = {}): Promise<ChaosReport> {
  const say = hooks.progress ?? (() => undefined);
  const runStart = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'chaos-'));
  say(`chaos run: ${options.loans} loans, seed ${options.seed}, concurrency ${options.concurrency}; files in ${dir}`);
  const stack = await startChaosStack({
    dir, seed: options.seed, timing: options.timing, temporal: options.temporal, cluster: options.cluster, workers: options.workers, say,
  }).catch((error: unknown) => {
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  let stackClosed = false;
  try {
    const random = seededRandom(options.seed);
    const loans: LoanRun[] = drawLoanKinds(options.loans, random).map((kind, index) => ({
      index, kind, reference: `${stack.taskQueue}-${index}`, phase: index < options.faultFreeLoans ? 'fault-free' : 'faults',
    }));
    const edge = new EdgeApi(() => stack.edgeUrl, stack.secrets.backofficeToken);
    const defacto = new DefactoClient({ baseUrl: stack.emulatorUrl, apiKey: stack.secrets.apiKey, retry: 'standalone' });
    const terminations: Termination[] = [];
    const victims = planTerminations(loans, options.terminations);
    const ctx: DriveContext = {
      client: stack.client, edge, loanDeadlineMs: options.loanDeadlineS * 1000, reviewWindowMs: options.loanDeadlineS * 2000,
    };
    const clock = new ClockAdvancer(stack, () => new Set(loans
      .filter((l) => LOAN_KIND_SPECS[l.kind].needsClock && l.workflowId && !l.finishedAt).map((l) => l.workflowId!)));
    clock.start();

    let phase = 'fault-free';
    let pool: PoolState = { launched: 0, finished: 0, total: 0 };
    let disruptions: Disruptions | undefined;
    const ticker = setInterval(() => {
      const d = disruptions?.stats;
      say(`[${((Date.now() - runStart) / 1000).toFixed(0).padStart(4)}s] ${phase.padEnd(10)} started ${pool.launched}/${pool.total}`
        + ` · done ${pool.finished} · in flight ${pool.launched - pool.finished}`
        + ` · kills ${d?.workerKills ?? 0} · server restarts ${d?.serverRestarts ?? 0} · edge restarts ${d?.edgeRestarts ?? 0}`
        + ` · clock +${clock.advances}d · edge retries ${edge.retries}`);
    }, 5_000);

    try {
      // Phase 1: no faults, the baseline.
      const freeLoans = loans.filter((l) => l.phase === 'fault-free');
      say(`phase 1: ${freeLoans.length} loans without faults`);
      const freeStart = Date.now();
      await runPool(freeLoans, options.concurrency, (loan) => driveLoan(ctx, loan), (s) => { pool = s; });
      const free = phaseReport(freeLoans, freeStart);
      say(`phase 1 done: ${free.loans} loans in ${free.elapsedS.toFixed(1)} s (${free.throughputPerMin.toFixed(1)} loans/min)`);

      // Phase 2: faults on every route, kills and restarts.
      phase = 'faults';
      const faultLoans = loans.filter((l) => l.phase === 'faults');
      const expectedMs = options.durationS !== undefined
        ? options.durationS * 1000
        : Math.max(20_000, (faultLoans.length / Math.max(free.throughputPerMin, 0.1)) * 60_000 * 1.5);
      await emulatorControl(stack.emulatorUrl, stack.secrets.apiKey, 'DELETE', '/_emulator/stats');
      await emulatorControl(stack.emulatorUrl, stack.secrets.apiKey, 'POST', '/_emulator/faults', { rules: CHAOS_FAULTS });
      disruptions = new Disruptions(stack, {
        seed: options.seed,
        killEveryMs: options.killEveryS * 1000,
        maxWorkerKills: options.maxWorkerKills,
        temporalFaultsAtMs: temporalFaultTimes(options.serverRestarts > 0 ? stack.temporalFaults.length : 0, expectedMs),
        edgeRestartAtMs: options.edgeRestarts > 0 ? Math.round(expectedMs * 0.6) : null,
        terminationsAtMs: Array.from({ length: victims.length }, (_, i) => Math.round(expectedMs * (0.25 + (0.4 * i) / Math.max(1, victims.length - 1)))),
      }, () => pool.launched - pool.finished, async () => {
        const t = await terminateOne(stack.client, loans, terminations);
        return t && `${t.workflowId} (loan ${t.loanId}, ${t.loanStatus})`;
      });
      say(`phase 2: ${faultLoans.length} loans under faults, worker SIGKILL every ~${options.killEveryS} s, ${victims.length} terminations;`
        + ` planned length ${(expectedMs / 1000).toFixed(0)} s`);
      const faultStart = Date.now();
      disruptions.start();
      const ending = Math.max(2, Math.ceil(options.concurrency / 2));
      await runPool(faultLoans, options.concurrency, (loan) => driveLoan(ctx, loan), (s) => {
        pool = s;
        if (s.launched === s.total && s.launched - s.finished <= ending && !disruptions?.planDone) disruptions?.phaseEnding();
      });
      const faults = phaseReport(faultLoans, faultStart);
      await disruptions.stop();
      const stats = (await emulatorControl(stack.emulatorUrl, stack.secrets.apiKey, 'GET', '/_emulator/stats')) as RouteStats;
      await emulatorControl(stack.emulatorUrl, stack.secrets.apiKey, 'DELETE', '/_emulator/faults');
      say(`phase 2 done: ${faults.loans} loans in ${faults.elapsedS.toFixed(1)} s (${faults.throughputPerMin.toFixed(1)} loans/min)`);
      clearInterval(ticker);
      clock.stop();

      // Reconciliation, as its schedule would run it: the terminated workflows' open loans are adopted.
      let reconciliation: ReconciliationEvidence | null = null;
      if (options.terminations > 0) {
        say(`reconciliation: ${terminations.length} workflows were terminated; running it…`);
        reconciliation = await reconcileAfterTerminations({
          client: stack.client, taskQueue: stack.taskQueue, reviewWindowMs: ctx.reviewWindowMs, deadlineMs: ctx.loanDeadlineMs,
          defactoStatus: async (loanId) => (await defacto.loans.get(loanId)).status,
          operate: (workflowId, action) => edge.operate(workflowId, action, Date.now() + ctx.loanDeadlineMs),
        }, loans, terminations);
        say(`reconciliation: ${reconciliation.firstRun.orphans} orphans found, ${reconciliation.firstRun.adoptionsStarted} adopted,`
          + ` adoptions done after ${reconciliation.adoptionS.toFixed(1)} s; second run: ${reconciliation.secondRun.orphans} orphans`);
      }

      // Verification, with faults off.
      say('checking invariants…');
      const faultStats = await collectFaultStats(stack, stats, edge.retries);
      await settle(stack);
      const inventory = (await emulatorControl(stack.emulatorUrl, stack.secrets.apiKey, 'GET', '/_emulator/inventory')) as Inventory;
      const defactoLoans = await defacto.loans.list({ page_size: 1_000 }).all();
      const creditLines = await defacto.creditLines.list({ page_size: 1_000 }).all();
      const evidence = await gatherHistories(stack.client, stack.taskQueue, stack.bundleCode, dir);
      const workerStats = { ...stack.workers.stats };
      await stack.close();
      stackClosed = true;
      const secrets = { apiKey: stack.secrets.apiKey, backofficeToken: stack.secrets.backofficeToken, webhookToken: stack.secrets.webhookToken };
      const logs = scanLogs(stack.logFiles(), secrets);
      const sightings = [...logs.sightings, ...scanHistories(evidence.histories, secrets)];
      const invariants = [
        checkOutcomes(loans),
        checkBorrowers(inventory),
        checkInvoices(inventory, loans),
        checkLoans(inventory, defactoLoans, loans),
        checkFollowed(defactoLoans, evidence, {
          terminated: terminations, orphanLoanIds: reconciliation?.firstRun.orphanLoanIds ?? [], secondRunOrphans: reconciliation?.secondRun.orphans ?? 0,
        }),
        checkCommands(inventory, loans),
        checkCreditLines(creditLines, defactoLoans),
        checkDeadlines(loans, evidence, new Set(terminations.map((t) => t.workflowId))),
        checkDeterminism(evidence),
        checkSecret('API key', 'apiKey', logs.lines, sightings, evidence.histories.length),
        checkSecret('back-office token', 'backofficeToken', logs.lines, sightings, evidence.histories.length),
        checkSecret('webhook token', 'webhookToken', logs.lines, sightings, evidence.histories.length),
      ];
      return buildReport({
        options, runStart, dir: options.keepDir ? dir : null, loans, free, faults, invariants, faultStats,
        disruptions: disruptions.stats, workerStats, clockAdvances: clock.advances, terminations, reconciliation,
      });
    } finally {
      clearInterval(ticker);
      clock.stop();
      await disruptions?.stop();
    }
  } finally {
    if (!stackClosed) await stack.close().catch(() => undefined);
    if (!options.keepDir) {
      // The dev server logs to its own temporary directories (one per start): ours to clean up too.
      for (const file of stack.logFiles()) if (!file.startsWith(dir)) rmSync(dirname(file), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** When each of `count` Temporal faults happens within a fault phase of `expectedMs` (the edge restarts at 60 %). */
function temporalFaultTimes(count: number, expectedMs: number): number[] {
  if (count === 1) return [Math.round(expectedMs * 0.35)];
  return Array.from({ length: count }, (_, i) => Math.round(expectedMs * (0.2 + (i * 0.5) / Math.max(1, count - 1))));
}

/** Waits (bounded) until visibility shows no running execution on the run's task queue. */
async function settle(stack: ChaosStack): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { count } = await stack.client.workflow.count(`TaskQueue = '${stack.taskQueue}' AND ExecutionStatus = 'Running'`).catch(() => ({ count: -1 }));
    if (count === 0) return;
    await pause(500);
  }
}

async function collectFaultStats(stack: ChaosStack, stats: RouteStats, edgeRetries: number): Promise<FaultStats> {
  const routes = Object.values(stats.routes);
  const deliveries = (await emulatorControl(stack.emulatorUrl, stack.secrets.apiKey, 'GET', '/_emulator/webhooks/deliveries')) as {
    data: { attempts: number; status: string; last_response_status: number | null }[];
  };
  const failed = deliveries.data.filter((d) => d.status === 'failed');
  return {
    requests: routes.reduce((n, r) => n + r.count, 0),
    failedRequests: routes.reduce((n, r) => n + r.errors, 0),
    webhookDeliveries: deliveries.data.length,
    webhookAttempts: deliveries.data.reduce((n, d) => n + d.attempts, 0),
    webhooksFailed: failed.length,
    webhooksFailedStatuses: [...new Set(failed.map((d) => String(d.last_response_status ?? 'network error')))],
    webhooksPending: deliveries.data.filter((d) => d.status !== 'failed' && d.status !== 'delivered').length,
    edgeRetries,
  };
}
