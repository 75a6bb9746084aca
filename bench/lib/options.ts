/**
 * Options of the benchmark (`npm run bench`), the chaos harness (`npm run chaos`) and the detection
 * benchmark (`npm run bench:detection`): each declared once with its help line, parsed by the project's
 * one command-line parser (src/command-line.ts); the defaults and the checks that span options live here.
 */
import type { Timing } from '../../src/emulator/context';
import {
  choiceOption, integerOption, numberOption, TEMPORAL_OPTION, UsageError, type CommandSpec, type OptionSpec, type Values as ParsedValues,
} from '../../src/command-line';
import type { ServerProfile } from './server-tuning';
import { WEBHOOK_EVENT_SETS, type WebhookEventSet } from './webhook-events';
import { DEFAULT_TUNING, type WorkerTuning } from './tuning';

/**
 * The measured runs: the lifecycle, the two baselines, `observed` (the lifecycle with the workers'
 * metrics endpoint scraped and OpenTelemetry tracing exported over OTLP; opt-in), `metrics-only` and
 * `tracing-only` (one of the two; opt-in), `plaintext` (the lifecycle without payload encryption: client,
 * workers and HTTP edge without the codec; opt-in) and the same lifecycle at an earlier commit
 * (`baseline`: its worker and HTTP edge, bench/lib/baseline.ts; opt-in).
 */
export const THROUGHPUT_PHASES = ['lifecycle', 'null', 'direct', 'observed', 'metrics-only', 'tracing-only', 'plaintext', 'baseline'] as const;
/** The phases run unless `--phases` says otherwise. */
export const DEFAULT_PHASES: readonly ThroughputPhase[] = ['lifecycle', 'null', 'direct'];
/** One of {@link THROUGHPUT_PHASES}. */
export type ThroughputPhase = (typeof THROUGHPUT_PHASES)[number];

/** Everything a run needs; {@link defaultOptions} fills the gaps. */
export interface BenchOptions {
  /** Loans per throughput phase (0: no throughput phases). */
  readonly loans: number;
  /** Most loans in flight at once (every phase). */
  readonly concurrency: number;
  /** Unmeasured loans run first in each phase (JIT, caches, connections). */
  readonly warmup: number;
  /** Times each throughput phase runs, interleaved (null, lifecycle, direct, null, …); figures pool the rounds. */
  readonly rounds: number;
  /** Defacto webhooks delivered to the HTTP edge, which signals the workflows. */
  readonly webhooks: boolean;
  /** The event types subscribed to (bench/lib/webhook-events.ts); `actionable` = the edge's production subscription. */
  readonly webhookEvents: WebhookEventSet;
  /** `success`: every loan SUCCESS; `mixed`: 70 % SUCCESS, 10 % each FAIL, REJECT, CANCEL. */
  readonly scenarios: 'success' | 'mixed';
  /** Dev-server persistence: SQLite in memory, or a file in WAL mode. */
  readonly db: 'memory' | 'file-wal';
  /** Dev-server dynamic config: stock, or with the single-shard queue-read caps lifted (bench/lib/server-tuning.ts). */
  readonly server: ServerProfile;
  /** Loans of the parked run (0: none). */
  readonly parked: number;
  readonly phases: readonly ThroughputPhase[];
  /** The commit of the `baseline` phase (default: the upgrade test's, test/upgrade/baseline-commit). */
  readonly baselineCommit?: string | undefined;
  /** Worker processes serving the task queue. */
  readonly workers: number;
  readonly tuning: WorkerTuning;
  /** Build the workflow bundle once and hand it to every worker (else each worker bundles). */
  readonly prebuiltBundle: boolean;
  /** Before each phase, wait up to this many seconds for the machine to be quiet (0: never wait). */
  readonly waitQuietS: number;
  /** Where to write the JSON report. */
  readonly json?: string | undefined;
  /** An existing Temporal (`host:port`) instead of a fresh dev server (`db` and `server` then do not apply). */
  readonly temporal?: string | undefined;
}

/** Defaults of every option. */
export function defaultOptions(overrides: Partial<BenchOptions> = {}): BenchOptions {
  const concurrency = overrides.concurrency ?? 20;
  const loans = overrides.loans ?? 200;
  return {
    loans,
    concurrency,
    warmup: overrides.warmup ?? Math.min(concurrency, loans),
    rounds: 1,
    webhooks: true,
    webhookEvents: 'actionable',
    scenarios: 'success',
    db: 'memory',
    server: 'tuned',
    parked: 0,
    phases: DEFAULT_PHASES,
    workers: 1,
    tuning: DEFAULT_TUNING,
    prebuiltBundle: true,
    waitQuietS: 0,
    ...overrides,
  };
}

const text = (value: string, help: string): OptionSpec => ({ type: 'string', value, help });

/** `npm run bench -- [options]` (details: bench/README.md). */
export const BENCH_COMMAND = {
  usage: 'npm run bench -- [options]   (details: bench/README.md)',
  options: {
    loans: text('N', 'loans per throughput phase (default 200; 0 with --parked alone)'),
    concurrency: text('C', 'most loans in flight at once (default 20)'),
    warmup: text('W', 'unmeasured loans first in each phase (default C)'),
    phases: text('LIST', 'lifecycle,null,direct,observed,metrics-only,tracing-only,plaintext,baseline (default lifecycle,null,direct; '
      + 'observed = lifecycle with metrics and tracing on; plaintext = lifecycle without payload encryption)'),
    'baseline-commit': text('SHA', 'commit of the baseline phase (default test/upgrade/baseline-commit); implies the phase'),
    rounds: text('R', 'run each phase R times, interleaved; figures pool the rounds (default 1)'),
    webhooks: text('on|off', 'Defacto webhooks to the HTTP edge (default on)'),
    'webhook-events': text('SET', 'actionable|loan|all: event types subscribed (default actionable, as in production)'),
    scenarios: text('S', 'success|mixed (default success)'),
    db: text('D', 'memory|file-wal dev-server persistence (default memory)'),
    server: text('P', 'tuned|default dev-server dynamic config (default tuned)'),
    parked: text('N', 'the parked run with N loans (default 0)'),
    workers: text('K', 'worker processes (default 1)'),
    'wft-slots': text('N', 'worker tuning: workflow-task slots'),
    'activity-slots': text('N', 'worker tuning: activity slots'),
    cache: text('N', 'worker tuning: cached workflows'),
    'wft-pollers': text('N', 'worker tuning: workflow-task pollers'),
    'activity-pollers': text('N', 'worker tuning: activity pollers'),
    bundle: text('B', 'prebuilt|per-worker (default prebuilt)'),
    'wait-quiet': text('S', 'before each phase, wait up to S seconds for an idle machine (default 0)'),
    json: text('FILE', 'write the JSON report'),
    quiet: { type: 'boolean', help: 'no progress bar' },
    ...TEMPORAL_OPTION,
  },
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

type Values<C extends CommandSpec<Record<string, OptionSpec>>> = ParsedValues<C['options']>;

/** The benchmark's options from its parsed command line. @throws UsageError */
export function benchOptionsOf(v: Values<typeof BENCH_COMMAND>): BenchOptions & { readonly quiet: boolean } {
  const parked = integerOption('parked', v.parked, 0) ?? 0;
  // `--parked N` alone is the parked run only.
  const loans = integerOption('loans', v.loans, 0) ?? (parked > 0 ? 0 : 200);
  const knobs: [keyof WorkerTuning, keyof typeof v, number][] = [
    ['maxConcurrentWorkflowTaskExecutions', 'wft-slots', 2],
    ['maxConcurrentActivityTaskExecutions', 'activity-slots', 1],
    ['maxCachedWorkflows', 'cache', 0],
    ['workflowTaskPollers', 'wft-pollers', 1],
    ['activityTaskPollers', 'activity-pollers', 1],
  ];
  const tuning: Record<string, number> = { ...DEFAULT_TUNING };
  for (const [key, flag, min] of knobs) {
    const value = integerOption(flag, v[flag] as string | undefined, min);
    if (value !== undefined) tuning[key] = value;
  }
  const given = <T>(value: T | undefined, key: string): Record<string, T> => (value === undefined ? {} : { [key]: value });
  const webhooks = choiceOption('webhooks', v.webhooks, ['on', 'off'] as const);
  const bundle = choiceOption('bundle', v.bundle, ['prebuilt', 'per-worker'] as const);
  const options = {
    ...defaultOptions({
      loans,
      parked,
      tuning: tuning as WorkerTuning,
      ...given(integerOption('concurrency', v.concurrency, 1), 'concurrency'),
      ...given(integerOption('warmup', v.warmup, 0), 'warmup'),
      ...given(integerOption('rounds', v.rounds, 1), 'rounds'),
      ...given(webhooks && webhooks === 'on', 'webhooks'),
      ...given(choiceOption('scenarios', v.scenarios, ['success', 'mixed'] as const), 'scenarios'),
      ...given(choiceOption('db', v.db, ['memory', 'file-wal'] as const), 'db'),
      ...given(choiceOption('server', v.server, ['default', 'tuned'] as const), 'server'),
      ...given(v.phases?.split(',').map((p) => choiceOption('phases', p.trim(), THROUGHPUT_PHASES) as ThroughputPhase), 'phases'),
      ...given(integerOption('workers', v.workers, 1), 'workers'),
      ...given(bundle && bundle === 'prebuilt', 'prebuiltBundle'),
      ...given(choiceOption('webhook-events', v['webhook-events'], WEBHOOK_EVENT_SETS), 'webhookEvents'),
      ...given(integerOption('wait-quiet', v['wait-quiet'], 0), 'waitQuietS'),
      ...given(v['baseline-commit'], 'baselineCommit'),
      json: v.json,
      temporal: v.temporal,
    }),
    quiet: v.quiet ?? false,
  };
  if (options.loans === 0 && options.parked === 0) throw new UsageError('nothing to run: give --loans N and/or --parked N');
  if (options.baselineCommit !== undefined && !/^[0-9a-f]{7,40}$/.test(options.baselineCommit)) throw new UsageError('--baseline-commit must be a commit sha');
  if (options.baselineCommit !== undefined && !options.phases.includes('baseline')) return { ...options, phases: [...options.phases, 'baseline'] };
  if (options.parked > 0 && !options.webhooks) throw new UsageError('--parked needs --webhooks on (a Defacto event wakes a parked loan)');
  return options;
}

/** Everything a chaos run needs; {@link chaosOptions} fills the defaults. */
export interface ChaosOptions {
  /** Loans in total (fault-free phase included). */
  readonly loans: number;
  /** Seed of every random choice: scenarios, emulator data and faults, kill jitter. */
  readonly seed: number;
  /** Loans in flight at once (closed loop: a finished loan makes room for the next). */
  readonly concurrency: number;
  /** Loans of the fault-free phase that measures the baseline throughput. */
  readonly faultFreeLoans: number;
  /** Planned length of the fault phase in seconds; the one-off restarts are placed within it. */
  readonly durationS: number | undefined;
  /** Mean seconds between two SIGKILLs of the worker (±20 % seeded jitter). */
  readonly killEveryS: number;
  /** Upper bound on worker kills (e.g. 1 for the short variant). */
  readonly maxWorkerKills: number;
  /** Temporal dev-server restarts on the same database file and port (0 or 1). */
  readonly serverRestarts: number;
  /** HTTP edge restarts on the same port (0 or 1). */
  readonly edgeRestarts: number;
  /**
   * Loan workflows terminated mid-flight (as from the Web UI); after the fault phase a reconciliation run
   * must find their open loans and adopt them (0: no terminations, no reconciliation).
   */
  readonly terminations: number;
  /** A loan not finished this long after its start is a violation. */
  readonly loanDeadlineS: number;
  /** Emulator step delays. */
  readonly timing: 'instant' | 'realistic' | Timing;
  /** Write the JSON report here. */
  readonly json: string | undefined;
  /** Keep the temporary directory (database, logs) instead of deleting it. */
  readonly keepDir: boolean;
  /** An existing Temporal (`host:port`) instead of a dev server (no Temporal restart then). */
  readonly temporal?: string | undefined;
  /**
   * The run's own multi-service cluster on PostgreSQL (TLS, 4 shards) instead of a dev server: its Temporal
   * faults are history and matching SIGKILLs and a PostgreSQL restart.
   */
  readonly cluster: boolean;
  /** Worker processes, SIGKILLed in turn (rolling: one at a time, each in its turn; default 1; 2 with `cluster`). */
  readonly workers: number;
}

/** Fills the defaults of a partial option set (used by the CLI and the short test). */
export function chaosOptions(partial: Partial<ChaosOptions> & { readonly loans: number; readonly seed: number }): ChaosOptions {
  const concurrency = partial.concurrency ?? Math.min(16, Math.max(4, Math.ceil(partial.loans / 10)));
  const faultFreeLoans = partial.faultFreeLoans ?? Math.min(partial.loans - 1, Math.max(concurrency, Math.round(partial.loans * 0.15)));
  const options: ChaosOptions = {
    loans: partial.loans,
    seed: partial.seed,
    concurrency,
    faultFreeLoans,
    durationS: partial.durationS,
    killEveryS: partial.killEveryS ?? 15,
    maxWorkerKills: partial.maxWorkerKills ?? Number.POSITIVE_INFINITY,
    serverRestarts: partial.serverRestarts ?? 1,
    edgeRestarts: partial.edgeRestarts ?? 1,
    terminations: partial.terminations ?? 3,
    loanDeadlineS: partial.loanDeadlineS ?? 900,
    timing: partial.timing ?? 'realistic',
    json: partial.json,
    keepDir: partial.keepDir ?? false,
    temporal: partial.temporal,
    cluster: partial.cluster ?? false,
    workers: partial.workers ?? (partial.cluster ? 2 : 1),
  };
  const problems: string[] = [];
  if (!Number.isInteger(options.loans) || options.loans < 2) problems.push('--loans must be an integer ≥ 2');
  if (!Number.isInteger(options.seed)) problems.push('--seed must be an integer');
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) problems.push('--concurrency must be a positive integer');
  if (!Number.isInteger(options.faultFreeLoans) || options.faultFreeLoans < 1 || options.faultFreeLoans >= options.loans) {
    problems.push('--fault-free-loans must be between 1 and loans - 1');
  }
  if (options.durationS !== undefined && !(options.durationS > 0)) problems.push('--duration-s must be positive');
  if (!(options.killEveryS > 0)) problems.push('--kill-every-s must be positive');
  if (!(options.loanDeadlineS > 0)) problems.push('--loan-deadline-s must be positive');
  if (!(options.maxWorkerKills >= 0)) problems.push('--max-worker-kills must be ≥ 0');
  if (!Number.isInteger(options.workers) || options.workers < 1) problems.push('--workers must be a positive integer');
  if (![0, 1].includes(options.serverRestarts)) problems.push('--server-restarts must be 0 or 1');
  if (options.temporal !== undefined && options.serverRestarts > 0) problems.push('--server-restarts needs a dev server: give 0 with --temporal');
  if (![0, 1].includes(options.edgeRestarts)) problems.push('--edge-restarts must be 0 or 1');
  if (!Number.isInteger(options.terminations) || options.terminations < 0) problems.push('--terminations must be an integer ≥ 0');
  if (options.cluster && options.temporal !== undefined) problems.push('--cluster starts its own Temporal: not with --temporal');
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return options;
}

/** `npm run chaos -- --loans N --seed S [options]`. */
export const CHAOS_COMMAND = {
  usage: 'npm run chaos -- --loans N --seed S [options]',
  description: 'Exit codes: 0 every invariant holds, 1 an invariant is violated (or the run broke), 2 bad command line.',
  options: {
    loans: text('N', 'loans in all, fault-free phase included (default 200)'),
    seed: text('S', 'seed of every random choice (default 42)'),
    json: text('FILE', 'write the JSON report'),
    'duration-s': text('D', 'planned length of the fault phase in seconds'),
    concurrency: text('C', 'loans in flight at once'),
    'fault-free-loans': text('F', 'loans of the fault-free phase'),
    'kill-every-s': text('K', 'mean seconds between two worker SIGKILLs (default 15)'),
    'max-worker-kills': text('M', 'upper bound on worker kills'),
    'server-restarts': text('0|1', 'Temporal faults: the dev server\'s restart, or with --cluster its three faults (default 1; 0 on an existing Temporal)'),
    cluster: { type: 'boolean', help: 'run on its own Temporal cluster (PostgreSQL, four services, TLS; npm run cluster): two workers, history and matching SIGKILLs, a PostgreSQL restart' },
    workers: text('N', 'worker processes, SIGKILLed in turn (rolling; default 1; 2 with --cluster)'),
    'edge-restarts': text('0|1', 'HTTP edge restarts (default 1)'),
    terminations: text('N', 'loan workflows terminated mid-flight, whose loans reconciliation must adopt (default 3)'),
    'loan-deadline-s': text('T', 'a loan unfinished this long after its start is a violation (default 900)'),
    timing: text('instant|realistic', 'emulator step delays (default realistic)'),
    'keep-dir': { type: 'boolean', help: 'keep the temporary directory (database, logs)' },
    ...TEMPORAL_OPTION,
  },
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

/** The chaos run's options from its parsed command line. @throws UsageError */
export function chaosOptionsOf(v: Values<typeof CHAOS_COMMAND>): ChaosOptions {
  const partial: { -readonly [K in keyof ChaosOptions]?: ChaosOptions[K] } = {};
  const numbers: [keyof ChaosOptions & string, keyof typeof v][] = [
    ['durationS', 'duration-s'], ['concurrency', 'concurrency'], ['faultFreeLoans', 'fault-free-loans'],
    ['killEveryS', 'kill-every-s'], ['maxWorkerKills', 'max-worker-kills'], ['serverRestarts', 'server-restarts'],
    ['edgeRestarts', 'edge-restarts'], ['loanDeadlineS', 'loan-deadline-s'], ['workers', 'workers'], ['terminations', 'terminations'],
  ];
  for (const [key, flag] of numbers) {
    const n = numberOption(flag, v[flag] as string | undefined);
    if (n !== undefined) (partial as Record<string, unknown>)[key] = n;
  }
  if (v.temporal !== undefined) {
    partial.temporal = v.temporal;
    partial.serverRestarts ??= 0;
  }
  const timing = choiceOption('timing', v.timing, ['instant', 'realistic'] as const);
  return chaosOptions({
    ...partial,
    ...(v.json !== undefined ? { json: v.json } : {}),
    ...(timing !== undefined ? { timing } : {}),
    ...(v['keep-dir'] !== undefined ? { keepDir: v['keep-dir'] } : {}),
    ...(v.cluster !== undefined ? { cluster: v.cluster } : {}),
    loans: numberOption('loans', v.loans) ?? 200,
    seed: numberOption('seed', v.seed) ?? 42,
  });
}

/** `npm run bench:detection -- [options]`. */
export const DETECTION_COMMAND = {
  usage: 'npm run bench:detection -- [options]',
  description: 'Status-detection latency, webhooks vs polling only, in one run.',
  options: {
    loans: text('N', 'loans per mode (default 10)'),
    'poll-initial-ms': text('MS', 'first poll interval of both modes (default 5000)'),
    'timeout-s': text('S', 'give up on loans unfinished after S seconds (default 150)'),
    json: text('FILE', 'write the JSON report'),
    ...TEMPORAL_OPTION,
  },
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

/** Options of the detection benchmark. */
export interface DetectionOptions {
  readonly loansPerMode: number;
  readonly pollInitialMs: number;
  readonly timeoutMs: number;
  readonly json: string | undefined;
  readonly temporal: string | undefined;
}

/** The detection benchmark's options from its parsed command line. @throws UsageError */
export function detectionOptionsOf(v: Values<typeof DETECTION_COMMAND>): DetectionOptions {
  return {
    loansPerMode: integerOption('loans', v.loans, 1) ?? 10,
    pollInitialMs: integerOption('poll-initial-ms', v['poll-initial-ms'], 1) ?? 5_000,
    timeoutMs: (integerOption('timeout-s', v['timeout-s'], 1) ?? 150) * 1000,
    json: v.json,
    temporal: v.temporal,
  };
}
