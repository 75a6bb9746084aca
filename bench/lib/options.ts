/**
 * Options of a benchmark run and their command line:
 *
 *   npm run bench -- [--loans N] [--concurrency C] [--warmup W] [--rounds R] [--webhooks on|off] [--scenarios success|mixed]
 *     [--db memory|file-wal] [--server tuned|default] [--parked N] [--phases lifecycle,null,direct] [--workers K]
 *     [--wft-slots N] [--activity-slots N] [--cache N] [--wft-pollers N] [--activity-pollers N]
 *     [--bundle prebuilt|per-worker] [--webhook-events all|loan|actionable] [--wait-quiet S] [--json out.json] [--quiet]
 */
import { parseArgs } from 'node:util';
import type { ServerProfile } from './server-tuning';
import { WEBHOOK_EVENT_SETS, type WebhookEventSet } from './webhook-events';
import { DEFAULT_TUNING, type WorkerTuning } from './tuning';

/** The measured runs: the lifecycle, and the two baselines. */
export const THROUGHPUT_PHASES = ['lifecycle', 'null', 'direct'] as const;
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
  /** The event types subscribed to (bench/lib/webhook-events.ts); `all` = the edge's production subscription. */
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
  /** Worker processes serving the task queue. */
  readonly workers: number;
  readonly tuning: WorkerTuning;
  /** Build the workflow bundle once and hand it to every worker (else each worker bundles). */
  readonly prebuiltBundle: boolean;
  /** Before each phase, wait up to this many seconds for the machine to be quiet (0: never wait). */
  readonly waitQuietS: number;
  /** Where to write the JSON report. */
  readonly json?: string | undefined;
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
    webhookEvents: 'all',
    scenarios: 'success',
    db: 'memory',
    server: 'tuned',
    parked: 0,
    phases: THROUGHPUT_PHASES,
    workers: 1,
    tuning: DEFAULT_TUNING,
    prebuiltBundle: true,
    waitQuietS: 0,
    ...overrides,
  };
}

/** The usage text of `npm run bench -- --help`. */
export const USAGE = `npm run bench -- [options]   (details: bench/README.md)
  --loans N               loans per throughput phase (default 200; 0 with --parked alone)
  --concurrency C         most loans in flight at once (default 20)
  --warmup W              unmeasured loans first in each phase (default C)
  --phases LIST           lifecycle,null,direct (default all three)
  --rounds R              run each phase R times, interleaved; figures pool the rounds (default 1)
  --webhooks on|off       Defacto webhooks to the HTTP edge (default on)
  --webhook-events SET    all|loan|actionable: event types subscribed (default all, as in production)
  --scenarios S           success|mixed (default success)
  --db D                  memory|file-wal dev-server persistence (default memory)
  --server P              tuned|default dev-server dynamic config (default tuned)
  --parked N              the parked run with N loans (default 0)
  --workers K             worker processes (default 1)
  --wft-slots N --activity-slots N --cache N --wft-pollers N --activity-pollers N   worker tuning
  --bundle B              prebuilt|per-worker (default prebuilt)
  --wait-quiet S          before each phase, wait up to S seconds for an idle machine (default 0)
  --json FILE             write the JSON report
  --quiet                 no progress bar
`;

/** A bad command line; the message says which option and why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min} (got "${value}")`);
  return n;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

/** Parses the command line (without `node script`). */
export function parseCommandLine(argv: readonly string[]): BenchOptions & { readonly quiet: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        loans: { type: 'string' }, concurrency: { type: 'string' }, warmup: { type: 'string' }, rounds: { type: 'string' },
        webhooks: { type: 'string' }, scenarios: { type: 'string' }, db: { type: 'string' }, server: { type: 'string' }, parked: { type: 'string' },
        phases: { type: 'string' }, workers: { type: 'string' }, 'wft-slots': { type: 'string' },
        'activity-slots': { type: 'string' }, cache: { type: 'string' }, 'wft-pollers': { type: 'string' },
        'activity-pollers': { type: 'string' }, bundle: { type: 'string' }, json: { type: 'string' },
        'webhook-events': { type: 'string' }, 'wait-quiet': { type: 'string' },
        quiet: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.help) throw new UsageError('help');
  const parked = integer('parked', v.parked, 0) ?? 0;
  // `--parked N` alone is the parked run only.
  const loans = integer('loans', v.loans, 0) ?? (parked > 0 ? 0 : 200);
  const concurrency = integer('concurrency', v.concurrency, 1);
  const warmup = integer('warmup', v.warmup, 0);
  const phases = v.phases === undefined ? undefined : v.phases.split(',').map((p) => oneOf('phases', p.trim(), THROUGHPUT_PHASES) as ThroughputPhase);
  const knobs: [keyof WorkerTuning, string, number][] = [
    ['maxConcurrentWorkflowTaskExecutions', 'wft-slots', 2],
    ['maxConcurrentActivityTaskExecutions', 'activity-slots', 1],
    ['maxCachedWorkflows', 'cache', 0],
    ['workflowTaskPollers', 'wft-pollers', 1],
    ['activityTaskPollers', 'activity-pollers', 1],
  ];
  const tuning: Record<string, number> = { ...DEFAULT_TUNING };
  for (const [key, flag, min] of knobs) {
    const value = integer(flag, v[flag as keyof typeof v] as string | undefined, min);
    if (value !== undefined) tuning[key] = value;
  }
  const webhooks = oneOf('webhooks', v.webhooks, ['on', 'off'] as const);
  const bundle = oneOf('bundle', v.bundle, ['prebuilt', 'per-worker'] as const);
  return {
    ...defaultOptions({
      loans,
      parked,
      tuning: tuning as WorkerTuning,
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(warmup !== undefined ? { warmup } : {}),
      ...(v.rounds !== undefined ? { rounds: integer('rounds', v.rounds, 1) ?? 1 } : {}),
      ...(webhooks ? { webhooks: webhooks === 'on' } : {}),
      ...(v.scenarios !== undefined ? { scenarios: oneOf('scenarios', v.scenarios, ['success', 'mixed'] as const) ?? 'success' } : {}),
      ...(v.db !== undefined ? { db: oneOf('db', v.db, ['memory', 'file-wal'] as const) ?? 'memory' } : {}),
      ...(v.server !== undefined ? { server: oneOf('server', v.server, ['default', 'tuned'] as const) ?? 'tuned' } : {}),
      ...(phases ? { phases } : {}),
      ...(v.workers !== undefined ? { workers: integer('workers', v.workers, 1) ?? 1 } : {}),
      ...(bundle ? { prebuiltBundle: bundle === 'prebuilt' } : {}),
      ...(v['webhook-events'] !== undefined ? { webhookEvents: oneOf('webhook-events', v['webhook-events'], WEBHOOK_EVENT_SETS) ?? 'all' } : {}),
      ...(v['wait-quiet'] !== undefined ? { waitQuietS: integer('wait-quiet', v['wait-quiet'], 0) ?? 0 } : {}),
      json: v.json,
    }),
    quiet: v.quiet ?? false,
  };
}
