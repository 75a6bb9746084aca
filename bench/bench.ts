/**
 * `runBench(options)`: the one entry point of the benchmark (the CLI in bench/run.ts and the smoke test
 * both call it). Brings a fresh environment up, runs the null-loan baseline, the lifecycle, the direct
 * baseline and the parked run as asked, and returns the report with its ratios and targets.
 */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';
import { resolveTemporalCli } from '../src/dev-server';
import { startEnvironment } from './lib/environment';
import { machineBusySeconds } from './lib/proc';
import type { BenchOptions, ThroughputPhase } from './lib/options';
import { silentProgress, type ProgressSink } from './lib/progress';
import type { BenchReport, MachineInfo, ParkedResult, RoundFigures, TargetCheck, ThroughputResult } from './lib/report-types';
import { ratio, round } from './lib/stats';
import { parkedPhase } from './phases/parked';
import { PHASE_ORDER, roundOrder } from './lib/phase-order';
import { throughputResult } from './phases/merge';
import { baselinePhase, directPhase, temporalPhase, type PhaseRun } from './phases/throughput';


/** Cores busy over the next `ms` milliseconds (whole machine), or null off Linux. */
async function busyCores(ms = 2_000): Promise<number | null> {
  const before = machineBusySeconds();
  await new Promise((r) => setTimeout(r, ms));
  const after = machineBusySeconds();
  return before === null || after === null ? null : round((after - before) / (ms / 1000), 2);
}

/** Cores busy above which the machine counts as shared with other work. */
const QUIET_CORES = 0.3;

/** Waits (at most `maxS` seconds) until the whole machine uses less than {@link QUIET_CORES}; says so when it waits. */
async function waitForQuiet(maxS: number, progress: ProgressSink): Promise<void> {
  if (maxS <= 0) return;
  const deadline = Date.now() + maxS * 1000;
  let said = false;
  for (;;) {
    const busy = await busyCores(3_000);
    if (busy === null || busy < QUIET_CORES) return;
    if (Date.now() > deadline) {
      progress.log(`the machine is still busy (${busy} cores) after ${maxS} s: going on`);
      return;
    }
    if (!said) progress.log(`waiting for a quiet machine (${busy} cores busy)`);
    said = true;
  }
}

/** Describes this machine for the report. */
export function machineInfo(busyCoresBeforeRun: number | null = null): MachineInfo {
  let temporalCli = 'unknown';
  try {
    temporalCli = execFileSync(resolveTemporalCli(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // Reported as unknown.
  }
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    temporalCli,
    os: `${type()} ${release()}`,
    busyCoresBeforeRun,
  };
}

function target(name: string, wanted: string, value: number | null, met: (v: number) => boolean): TargetCheck {
  return { name, target: wanted, value, met: value === null ? null : met(value) };
}

/** The targets, checked against this run (reported, never asserted). */
export function targetChecks(report: Pick<BenchReport, 'ratios'>): TargetCheck[] {
  const r = report.ratios;
  return [
    target('loans/s ÷ null-loan workflows/s', '≥ 0.8', r.vsNullLoan, (v) => v >= 0.8),
    target('loans/s with metrics and tracing on ÷ off', '≥ 0.95', r.observedVsLifecycle, (v) => v >= 0.95),
    target('loans/s with the payload codec ÷ without', '≥ 0.95', r.codecVsPlaintext, (v) => v >= 0.95),
    target('Defacto calls per loan ÷ minimum', '≤ 1.1', r.callsVsMinimum, (v) => v <= 1.1),
    target('history events ÷ analytical minimum', '≤ 1.1', r.historyVsMinimum, (v) => v <= 1.1),
    target('billable actions per loan (histories) ÷ baseline commit', '≤ 0.6', r.actionsVsBaseline, (v) => v <= 0.6),
    target('billable actions per loan (server metric) ÷ baseline commit', '≤ 0.6', r.serverActionsVsBaseline, (v) => v <= 0.6),
    target('Temporal server CPU ms per loan ÷ baseline commit', '≤ 0.6', r.serverCpuVsBaseline, (v) => v <= 0.6),
    target('worker RSS per parked loan (MB)', '≤ 1', r.workerRssPerParkedLoanMb, (v) => v <= 1),
    target('emulator headroom (all its work: window s ÷ emulator CPU s)', '≥ 20', r.emulatorHeadroom, (v) => v >= 20),
  ];
}

function ratios(phases: Partial<Record<ThroughputPhase, ThroughputResult>>, parked: ParkedResult | null): BenchReport['ratios'] {
  const lifecycle = phases.lifecycle;
  const rssKb = parked?.worker.rssPerOpenLoanKb;
  const direct = phases.direct?.emulator;
  // Requests per emulator CPU second when it only answers requests (the direct phase has no webhooks).
  const requestCapacity = direct?.cpuSeconds ? direct.requests / direct.cpuSeconds : null;
  return {
    vsNullLoan: ratio(lifecycle?.loansPerSecond, phases.null?.loansPerSecond),
    vsDirect: ratio(lifecycle?.loansPerSecond, phases.direct?.loansPerSecond),
    observedVsLifecycle: ratio(phases.observed?.loansPerSecond, lifecycle?.loansPerSecond),
    metricsOnlyVsLifecycle: ratio(phases['metrics-only']?.loansPerSecond, lifecycle?.loansPerSecond),
    tracingOnlyVsLifecycle: ratio(phases['tracing-only']?.loansPerSecond, lifecycle?.loansPerSecond),
    codecVsPlaintext: ratio(lifecycle?.loansPerSecond, phases.plaintext?.loansPerSecond),
    actionsVsBaseline: ratio(lifecycle?.history?.actions.mean, phases.baseline?.history?.actions.mean),
    serverActionsVsBaseline: ratio(lifecycle?.serverActions?.perLoan, phases.baseline?.serverActions?.perLoan),
    serverCpuVsBaseline: ratio(lifecycle?.server?.cpuMsPerLoan, phases.baseline?.server?.cpuMsPerLoan),
    actionsVsMinimum: lifecycle?.history?.actions.ratio ?? null,
    callsVsMinimum: lifecycle?.calls?.ratio ?? null,
    historyVsMinimum: lifecycle?.history?.ratio ?? null,
    emulatorHeadroom: lifecycle?.emulator?.headroom ?? null,
    emulatorRequestHeadroom: ratio(requestCapacity, lifecycle?.emulator?.requestsPerSecond, 1),
    workerRssPerParkedLoanMb: rssKb == null ? null : round(rssKb / 1024, 3),
  };
}

/** Runs the benchmark; `progress` shows where it is (nothing by default). */
export async function runBench(options: BenchOptions, progress: ProgressSink = silentProgress): Promise<BenchReport> {
  const busyBefore = await busyCores();
  if (busyBefore !== null && busyBefore > QUIET_CORES) progress.log(`warning: ${busyBefore} cores already busy before the run; other work skews the figures`);
  const startedAt = new Date();
  const t0 = performance.now();
  const env = await startEnvironment(options, progress);
  let failed = true;
  try {
    // Rounds interleave the phases so that a change in the machine's load meets every phase alike, and
    // every other round runs them in reverse (null, lifecycle, plaintext; plaintext, lifecycle, null; …):
    // a drift over the run (a warming JIT, a growing in-memory history store) then favours no phase.
    // Each phase's figures pool its rounds.
    const runs: Partial<Record<ThroughputPhase, PhaseRun[]>> = {};
    const perRound: RoundFigures[] = [];
    if (options.loans > 0) {
      for (let r = 1; r <= options.rounds; r += 1) {
        const tag = options.rounds > 1 ? ` (round ${r}/${options.rounds})` : '';
        const figures: Partial<Record<ThroughputPhase, number>> = {};
        for (const phase of roundOrder(r)) {
          if (!options.phases.includes(phase)) continue;
          await waitForQuiet(options.waitQuietS, progress);
          const run = phase === 'direct' ? await directPhase(env, options, progress, tag)
            : phase === 'baseline' ? await baselinePhase(env, options, progress, tag)
              : await temporalPhase(env, options, phase, progress, tag);
          (runs[phase] ??= []).push(run);
          figures[phase] = round((run.batch.count - run.batch.failed) / (run.batch.durationMs / 1000), 2);
        }
        perRound.push({
          loansPerSecond: figures,
          vsNullLoan: ratio(figures.lifecycle, figures.null),
          vsDirect: ratio(figures.lifecycle, figures.direct),
          observedVsLifecycle: ratio(figures.observed, figures.lifecycle),
          codecVsPlaintext: ratio(figures.lifecycle, figures.plaintext),
        });
      }
    }
    const phases: Partial<Record<ThroughputPhase, ThroughputResult>> = {};
    for (const phase of PHASE_ORDER) {
      const phaseRuns = runs[phase];
      if (phaseRuns) phases[phase] = throughputResult(phaseRuns, options);
    }
    if (options.parked > 0) await waitForQuiet(options.waitQuietS, progress);
    const parked = options.parked > 0 ? await parkedPhase(env, options, progress) : null;
    const { json: _json, ...reported } = options;
    const partial = { ratios: ratios(phases, parked) };
    failed = false;
    return {
      startedAt: startedAt.toISOString(),
      durationS: round((performance.now() - t0) / 1000, 1),
      machine: machineInfo(busyBefore),
      options: reported,
      bundleMs: env.bundleMs === null ? null : round(env.bundleMs, 0),
      phases,
      perRound,
      parked,
      ratios: partial.ratios,
      targets: targetChecks(partial),
    };
  } finally {
    if (failed) progress.log(`logs kept in ${env.workDir}`);
    await env.close({ keepWorkDir: failed });
  }
}
