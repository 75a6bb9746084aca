/** The benchmark report, as written to JSON (and rendered as markdown by bench/lib/markdown.ts). */
import type { ActionKind, ServerActions } from './actions';
import type { EventKind } from './histories';
import type { BenchOptions, ThroughputPhase } from './options';
import type { Distribution } from './stats';

/** CPU and memory of one role (worker processes, the Temporal server) over a measured window. */
export interface ResourceUse {
  readonly cpuSeconds: number | null;
  readonly cpuMsPerLoan: number | null;
  /** Share of one core over the window (1 = one core busy all along). */
  readonly cores: number | null;
  readonly peakRssMb: number | null;
}

/** Defacto calls per loan, against the floor of the lifecycle (bench/lib/floors.ts). */
export interface CallsReport {
  /** Every request the emulator served in the window (worker + HTTP edge), per loan. */
  readonly perLoan: number;
  readonly minimumPerLoan: number;
  readonly ratio: number | null;
  /** The worker's share (activities). */
  readonly workerPerLoan: number;
  /** The HTTP edge's share (the webhook router's reads), null without webhooks. */
  readonly edgePerLoan: number | null;
  /** Requests answered with an error status. */
  readonly errors: number;
  readonly byRoute: Record<string, { readonly perLoan: number; readonly minimum: number }>;
}

/** History events per workflow, against the analytical floor of the shape. */
export interface HistoryReport {
  readonly mean: number;
  readonly max: number;
  readonly minimum: number;
  readonly ratio: number | null;
  readonly meanByKind: Record<EventKind, number>;
  /** Billable actions per workflow from the histories, against the floor of the shape (bench/lib/floors.ts). */
  readonly actions: { readonly mean: number; readonly minimum: number; readonly ratio: number | null; readonly meanByKind: Record<ActionKind, number> };
}

/** The server's own `action` metric over a window, per loan (null on a Temporal without the metric). */
export interface ServerActionsReport {
  readonly perLoan: number;
  readonly byTypePerLoan: ServerActions;
}

/** The emulator's side of a window. */
export interface EmulatorLoad {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly cpuSeconds: number | null;
  /**
   * Capacity ÷ load: the emulator is one event loop, so it could serve at most `requests / cpuSeconds`
   * per second; divided by what it saw per second, that is `duration / cpuSeconds`.
   */
  readonly headroom: number | null;
}

/** One throughput phase (the lifecycle, or a baseline). */
export interface ThroughputResult {
  readonly phase: ThroughputPhase;
  readonly loans: number;
  readonly concurrency: number;
  readonly warmup: number;
  readonly outcomes: Record<string, number>;
  readonly failed: number;
  readonly failureExamples: string[];
  readonly durationS: number;
  readonly loansPerSecond: number;
  readonly latencyMs: Distribution;
  /** Null for the null loan (no Defacto). */
  readonly calls: CallsReport | null;
  /** Null for the direct baseline (no workflows). */
  readonly history: HistoryReport | null;
  /** The server's action metric over the window (null: direct baseline, or no metrics endpoint). */
  readonly serverActions: ServerActionsReport | null;
  /** Null for the direct baseline (no worker: its CPU is the bench process's). */
  readonly worker: (ResourceUse & { readonly processes: number; readonly startupMs: number | null }) | null;
  readonly server: ResourceUse | null;
  readonly emulator: EmulatorLoad | null;
  /** The benchmark process itself (starter, result waits, HTTP edge; the whole direct baseline). */
  readonly bench: { readonly cpuSeconds: number };
  /** The whole machine over the window: busy cores, and the part used by processes outside the run. */
  readonly machine: { readonly busyCores: number | null; readonly otherCores: number | null };
}

/** The parked run: loans open at once in TO_REPAY, then all repaid. */
export interface ParkedResult {
  readonly loans: number;
  /** How long starting them and reaching TO_REPAY took. */
  readonly parkSeconds: number;
  readonly parked: number;
  readonly worker: {
    readonly rssBeforeMb: number | null;
    readonly rssParkedMb: number | null;
    readonly peakRssMb: number | null;
    readonly rssPerOpenLoanKb: number | null;
    readonly cacheSize: number | 'default';
  };
  readonly server: { readonly rssParkedMb: number | null };
  readonly historyWhileParked: HistoryReport;
  /** From the clock advance until every loan ended. */
  readonly finish: {
    readonly seconds: number;
    readonly loansPerSecond: number;
    readonly latencyMs: Distribution;
    readonly outcomes: Record<string, number>;
    readonly workerCpuSeconds: number | null;
    /** Cores used by processes outside the run meanwhile. */
    readonly otherCores: number | null;
  };
  readonly historyAtEnd: HistoryReport;
  readonly calls: CallsReport;
}

/** One round's throughput of each phase, and its ratios (the spread shows how steady the machine was). */
export interface RoundFigures {
  readonly loansPerSecond: Partial<Record<ThroughputPhase, number>>;
  readonly vsNullLoan: number | null;
  readonly vsDirect: number | null;
  /** Observed (metrics and tracing on) ÷ lifecycle loans/s in this round. */
  readonly observedVsLifecycle: number | null;
  /** Lifecycle (payloads encrypted) ÷ plaintext (no payload codec) loans/s in this round. */
  readonly codecVsPlaintext: number | null;
}

/** The machine the run happened on. */
export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly temporalCli: string;
  readonly os: string;
  /** Cores busy in the 2 s before the run (other work on the machine skews every figure). */
  readonly busyCoresBeforeRun: number | null;
}

/** One target of the issue, with the measured value. */
export interface TargetCheck {
  readonly name: string;
  readonly target: string;
  readonly value: number | null;
  readonly met: boolean | null;
}

/** The whole report. */
export interface BenchReport {
  readonly startedAt: string;
  readonly durationS: number;
  readonly machine: MachineInfo;
  readonly options: Omit<BenchOptions, 'json'>;
  readonly bundleMs: number | null;
  /** Each phase pooled over its rounds. */
  readonly phases: Partial<Record<ThroughputPhase, ThroughputResult>>;
  readonly perRound: RoundFigures[];
  readonly parked: ParkedResult | null;
  readonly ratios: {
    /** Lifecycle loans/s ÷ null-loan workflows/s (headline). */
    readonly vsNullLoan: number | null;
    /** Lifecycle loans/s ÷ direct loans/s. */
    readonly vsDirect: number | null;
    /** Loans/s with the workers' metrics and tracing on ÷ off (the `observed` phase ÷ the lifecycle). */
    readonly observedVsLifecycle: number | null;
    /** The same with the workers' metrics only, and with tracing only (`metrics-only`, `tracing-only` ÷ the lifecycle). */
    readonly metricsOnlyVsLifecycle: number | null;
    readonly tracingOnlyVsLifecycle: number | null;
    /** Loans/s with the payload codec ÷ without (the lifecycle ÷ the `plaintext` phase). */
    readonly codecVsPlaintext: number | null;
    /** Lifecycle ÷ the baseline commit's lifecycle, same run: billable actions (histories, server metric), server CPU per loan. */
    readonly actionsVsBaseline: number | null;
    readonly serverActionsVsBaseline: number | null;
    readonly serverCpuVsBaseline: number | null;
    /** Billable actions per loan ÷ the floor of the shape. */
    readonly actionsVsMinimum: number | null;
    readonly callsVsMinimum: number | null;
    readonly historyVsMinimum: number | null;
    /** Emulator capacity for all its work (requests and webhook deliveries) ÷ what the lifecycle asked of it. */
    readonly emulatorHeadroom: number | null;
    /** Requests it can answer per second (measured in the direct phase: no webhooks) ÷ requests/s of the lifecycle. */
    readonly emulatorRequestHeadroom: number | null;
    readonly workerRssPerParkedLoanMb: number | null;
  };
  readonly targets: TargetCheck[];
}
