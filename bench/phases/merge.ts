/**
 * From raw phase runs to the reported figures. Several runs of a phase (rounds interleaved with the
 * other phases, `--rounds`) are pooled: loans, window seconds, CPU seconds and requests add up, latencies
 * and histories are pooled, peaks take the maximum.
 */
import type { Scenario } from '../../src/domain/loan';
import { ACTION_KINDS, totalActions, type ActionKind, type ServerActions } from '../lib/actions';
import { callsReport, historyReport } from '../lib/calls';
import { totalRequests, type RouteStats } from '../lib/emulator-api';
import type { EventKind, HistorySummary } from '../lib/histories';
import { scenarioCounts } from '../lib/loan-requests';
import type { BenchOptions } from '../lib/options';
import type { ResourceUse, ThroughputResult } from '../lib/report-types';
import { distribution, ratio, round } from '../lib/stats';
import { foreignCpuSeconds, type WindowReadings } from '../lib/window';
import type { PhaseRun } from './throughput';

function sum(values: readonly (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((a, b) => a + (b ?? 0), 0);
}

function max(values: readonly (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : Math.max(...values.map((v) => v ?? 0));
}

/** Window readings of several runs as one window. */
function pooledReadings(all: readonly WindowReadings[]): WindowReadings {
  return {
    seconds: all.reduce((n, r) => n + r.seconds, 0),
    workerCpuSeconds: sum(all.map((r) => r.workerCpuSeconds)),
    workerPeakRssMb: max(all.map((r) => r.workerPeakRssMb)),
    serverCpuSeconds: sum(all.map((r) => r.serverCpuSeconds)),
    serverPeakRssMb: max(all.map((r) => r.serverPeakRssMb)),
    emulatorCpuSeconds: sum(all.map((r) => r.emulatorCpuSeconds)),
    benchCpuSeconds: all.reduce((n, r) => n + r.benchCpuSeconds, 0),
    machineCpuSeconds: sum(all.map((r) => r.machineCpuSeconds)),
  };
}

function pooledStats(all: readonly Record<string, RouteStats>[]): Record<string, RouteStats> {
  const pooled: Record<string, RouteStats> = {};
  for (const stats of all) {
    for (const [route, s] of Object.entries(stats)) {
      const p = pooled[route];
      pooled[route] = p ? { ...p, count: p.count + s.count, errors: p.errors + s.errors } : s;
    }
  }
  return pooled;
}

function pooledHistory(all: readonly HistorySummary[]): HistorySummary {
  const workflows = all.reduce((n, h) => n + h.workflows, 0) || 1;
  const weighted = (pick: (h: HistorySummary) => number): number => round(all.reduce((n, h) => n + pick(h) * h.workflows, 0) / workflows, 1);
  const kinds = Object.keys(all[0]?.meanByKind ?? {}) as EventKind[];
  return {
    workflows,
    mean: weighted((h) => h.mean),
    max: Math.max(0, ...all.map((h) => h.max)),
    meanByKind: Object.fromEntries(kinds.map((k) => [k, weighted((h) => h.meanByKind[k])])) as Record<EventKind, number>,
    actions: {
      mean: weighted((h) => h.actions.mean),
      meanByKind: Object.fromEntries(ACTION_KINDS.map((k) => [k, weighted((h) => h.actions.meanByKind[k])])) as Record<ActionKind, number>,
    },
  };
}

function resource(cpuSeconds: number | null, peakRssMb: number | null, loans: number, seconds: number): ResourceUse {
  return {
    cpuSeconds: cpuSeconds === null ? null : round(cpuSeconds, 2),
    cpuMsPerLoan: cpuSeconds === null ? null : round((cpuSeconds * 1000) / Math.max(1, loans), 2),
    cores: cpuSeconds === null ? null : ratio(cpuSeconds, seconds),
    peakRssMb: peakRssMb === null ? null : round(peakRssMb, 1),
  };
}

/** The server's actions of several windows, per loan (null when any window could not read them). */
function serverActionsPerLoan(all: readonly (ServerActions | null)[], loans: number): ThroughputResult['serverActions'] {
  if (all.length === 0 || all.some((a) => a === null)) return null;
  const byType: ServerActions = {};
  for (const a of all) for (const [type, v] of Object.entries(a ?? {})) byType[type] = (byType[type] ?? 0) + v;
  const perLoan = (v: number): number => round(v / Math.max(1, loans), 2);
  return {
    perLoan: perLoan(totalActions(byType)),
    byTypePerLoan: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b)).map(([t, v]) => [t, perLoan(v)])),
  };
}

/** The reported figures of one phase, pooled over its runs (one per round). */
export function throughputResult(runs: readonly PhaseRun[], options: BenchOptions): ThroughputResult {
  const first = runs[0];
  if (!first) throw new Error('no run to report');
  const readings = pooledReadings(runs.map((r) => r.readings));
  const loans = runs.reduce((n, r) => n + r.batch.count, 0);
  const failed = runs.reduce((n, r) => n + r.batch.failed, 0);
  const durationS = runs.reduce((n, r) => n + r.batch.durationMs, 0) / 1000;
  const outcomes: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.batch.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
  const counts: Partial<Record<Scenario, number>> = Object.fromEntries(
    Object.entries(scenarioCounts(options.scenarios, options.loans)).map(([s, n]) => [s, n * runs.length]),
  );
  const stats = runs.every((r) => r.routeStats !== null) ? pooledStats(runs.map((r) => r.routeStats ?? {})) : null;
  const edge = runs.every((r) => r.edgeCalls !== null) ? runs.reduce((n, r) => n + (r.edgeCalls ?? 0), 0) : null;
  const histories = runs.flatMap((r) => (r.history ? [r.history] : []));
  const startup = runs.flatMap((r) => (r.workerStartupMs === null ? [] : [r.workerStartupMs]));
  const requests = stats ? totalRequests(stats) : 0;
  return {
    phase: first.phase,
    loans,
    concurrency: options.concurrency,
    warmup: options.warmup,
    outcomes,
    failed,
    failureExamples: [...new Set(runs.flatMap((r) => r.batch.failureExamples))].slice(0, 5),
    durationS: round(durationS, 2),
    loansPerSecond: round((loans - failed) / durationS, 2),
    latencyMs: distribution(runs.flatMap((r) => r.batch.latenciesMs)),
    calls: stats ? callsReport(stats, counts, edge) : null,
    // The baseline commit's floor is of its shape (every call an activity); today's reads are local activities.
    history: histories.length > 0 ? historyReport(pooledHistory(histories), counts, undefined, first.phase === 'baseline' ? 'activities' : 'local-reads') : null,
    serverActions: first.phase === 'direct' ? null : serverActionsPerLoan(runs.map((r) => r.serverActions), loans),
    worker: first.workers > 0
      ? {
          ...resource(readings.workerCpuSeconds, readings.workerPeakRssMb, loans, readings.seconds),
          processes: first.workers,
          startupMs: startup.length > 0 ? round(Math.max(...startup), 0) : null,
        }
      : null,
    server: resource(readings.serverCpuSeconds, readings.serverPeakRssMb, loans, readings.seconds),
    emulator: stats
      ? {
          requests,
          requestsPerSecond: round(requests / readings.seconds, 1),
          cpuSeconds: readings.emulatorCpuSeconds === null ? null : round(readings.emulatorCpuSeconds, 2),
          headroom: ratio(readings.seconds, readings.emulatorCpuSeconds, 1),
        }
      : null,
    bench: { cpuSeconds: round(readings.benchCpuSeconds, 2) },
    machine: { busyCores: ratio(readings.machineCpuSeconds, readings.seconds), otherCores: ratio(foreignCpuSeconds(readings), readings.seconds) },
  };
}
