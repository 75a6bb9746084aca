/**
 * The report of a chaos run: phases and throughput, what chaos did, outcomes by kind, and the
 * invariants one by one, as a JSON object (rendered for the terminal by bench/lib/render.ts).
 */
import type { DisruptionStats } from './disruptions';
import { FAULT_MIX } from './disruptions';
import type { InvariantResult, LoanRun } from './invariants';
import type { ReconciliationEvidence, Termination } from './terminations';
import type { ChaosOptions } from '../lib/options';
import { percentile, round } from '../lib/stats';
import type { WorkerStats } from '../../src/stack';

/** Timing of one phase. */
export interface PhaseReport {
  readonly loans: number;
  readonly elapsedS: number;
  readonly throughputPerMin: number;
  readonly latencyS: { readonly p50: number; readonly p95: number; readonly max: number };
}

/** Counters of the injected faults and their effects. */
export interface FaultStats {
  readonly requests: number;
  readonly failedRequests: number;
  readonly webhookDeliveries: number;
  readonly webhookAttempts: number;
  /** Deliveries the emulator gave up on after its last attempt, and the last answers they got. */
  readonly webhooksFailed: number;
  readonly webhooksFailedStatuses: readonly string[];
  /** Deliveries still pending or being retried when the run ended (polling covers them). */
  readonly webhooksPending: number;
  readonly edgeRetries: number;
}

/** The whole report (what `--json` writes). */
export interface ChaosReport {
  readonly ok: boolean;
  readonly options: Omit<ChaosOptions, 'maxWorkerKills'> & { readonly maxWorkerKills: number | null };
  readonly durationS: number;
  readonly dir: string | null;
  readonly phases: { readonly faultFree: PhaseReport; readonly faults: PhaseReport };
  /** Throughput under faults ÷ throughput without faults, from the same run. */
  readonly throughputRatio: number;
  readonly faultMix: string;
  readonly faults: FaultStats;
  readonly chaos: {
    readonly workerKills: number;
    readonly workerStarts: number;
    readonly unexpectedWorkerExits: number;
    readonly serverRestarts: number;
    readonly serverDowntimeS: readonly number[];
    readonly edgeRestarts: number;
    readonly edgeDowntimeS: readonly number[];
    readonly inFlightAtServerRestart: readonly number[];
    readonly inFlightAtEdgeRestart: readonly number[];
    readonly inFlightAtKill: readonly number[];
    readonly clockAdvances: number;
    /** Loan workflows terminated mid-flight, and what reconciliation did about them (`null`: no terminations planned). */
    readonly terminations: readonly Termination[];
    readonly reconciliation: ReconciliationEvidence | null;
    readonly timeline: readonly string[];
  };
  /** Outcome statuses per loan kind. */
  readonly outcomes: Record<string, Record<string, number>>;
  readonly invariants: readonly InvariantResult[];
}


/** Throughput and latency of a phase that began at `startedAt`. */
export function phaseReport(loans: readonly LoanRun[], startedAt: number): PhaseReport {
  const end = Math.max(startedAt + 1, ...loans.map((l) => l.finishedAt ?? startedAt));
  const elapsedS = (end - startedAt) / 1000;
  const latencies = loans.map((l) => ((l.finishedAt ?? end) - (l.startedAt ?? startedAt)) / 1000).sort((a, b) => a - b);
  return {
    loans: loans.length,
    elapsedS: round(elapsedS, 1),
    throughputPerMin: round((loans.length / elapsedS) * 60, 2),
    latencyS: { p50: round(percentile(latencies, 0.5), 1), p95: round(percentile(latencies, 0.95), 1), max: round(latencies.at(-1) ?? 0, 1) },
  };
}

/** Everything {@link buildReport} puts together. */
export interface ReportInputs {
  readonly options: ChaosOptions;
  readonly runStart: number;
  readonly dir: string | null;
  readonly loans: readonly LoanRun[];
  readonly free: PhaseReport;
  readonly faults: PhaseReport;
  readonly invariants: readonly InvariantResult[];
  readonly faultStats: FaultStats;
  readonly disruptions: DisruptionStats;
  readonly workerStats: WorkerStats;
  readonly clockAdvances: number;
  readonly terminations: readonly Termination[];
  readonly reconciliation: ReconciliationEvidence | null;
}

/** Assembles the report. */
export function buildReport(input: ReportInputs): ChaosReport {
  const outcomes: Record<string, Record<string, number>> = {};
  for (const loan of input.loans) {
    const byStatus = (outcomes[loan.kind] ??= {});
    const status = loan.outcome?.status ?? (loan.endedUnfollowed ? `${loan.endedUnfollowed}_UNFOLLOWED` : 'NO_OUTCOME');
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  const d = input.disruptions;
  return {
    ok: input.invariants.every((i) => i.ok),
    options: { ...input.options, maxWorkerKills: Number.isFinite(input.options.maxWorkerKills) ? input.options.maxWorkerKills : null },
    durationS: round((Date.now() - input.runStart) / 1000, 1),
    dir: input.dir,
    phases: { faultFree: input.free, faults: input.faults },
    throughputRatio: round(input.faults.throughputPerMin / input.free.throughputPerMin, 3),
    faultMix: FAULT_MIX,
    faults: input.faultStats,
    chaos: {
      workerKills: d.workerKills,
      workerStarts: input.workerStats.starts,
      unexpectedWorkerExits: input.workerStats.unexpectedExits,
      serverRestarts: d.serverRestarts,
      serverDowntimeS: d.serverDowntimeMs.map((ms) => round(ms / 1000, 1)),
      edgeRestarts: d.edgeRestarts,
      edgeDowntimeS: d.edgeDowntimeMs.map((ms) => round(ms / 1000, 2)),
      inFlightAtServerRestart: d.inFlightAtServerRestart,
      inFlightAtEdgeRestart: d.inFlightAtEdgeRestart,
      inFlightAtKill: d.inFlightAtKill,
      clockAdvances: input.clockAdvances,
      terminations: input.terminations,
      reconciliation: input.reconciliation,
      timeline: d.log,
    },
    outcomes,
    invariants: input.invariants,
  };
}
