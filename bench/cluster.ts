/**
 * `npm run bench:cluster -- [--loans N] [--concurrency C] [--warmup W] [--targets dev,1,4] [--json FILE]`:
 * the same lifecycle loans, in one run, on a Temporal dev server (SQLite in memory) and on a multi-service
 * cluster on PostgreSQL (src/cluster, plain gRPC like the dev server) with 1 and with 4 history shards.
 * Each target gets the same emulator, workers and loans (bench/lib/environment.ts); within the measured
 * window it reads loans/s, the latency distribution (p50, p99) and the CPU of every party: Temporal (the
 * dev server, or the four service processes), PostgreSQL (the postmaster and all its backends), the
 * worker processes, the emulator and this process, and the whole machine. Progress on stderr, the
 * markdown table on stdout. See bench/README.md ("Cluster").
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAsMain } from '../src/cli';
import { startCluster, type Cluster } from '../src/cluster/cluster';
import { TEMPORAL_SERVICES } from '../src/cluster/server-config';
import { integerOption, runCommand, UsageError, type CommandSpec, type OptionSpec, type Values } from '../src/command-line';
import { startLoan } from '../src/loans/start-loan';
import { startEnvironment, type BenchEnvironment } from './lib/environment';
import { loanRequest } from './lib/loan-requests';
import { runLoans, type LoanBatch } from './lib/loan-run';
import { defaultOptions, type BenchOptions } from './lib/options';
import { machineBusySeconds, ownCpuSeconds } from './lib/proc';
import { ProgressBar, type ProgressSink } from './lib/progress';
import { percentile, round } from './lib/stats';
import { childNamed, treeCpuSeconds } from './lib/tree-cpu';

/** Where the loans run: the dev server, or a cluster with this many history shards. */
type Target = 'dev' | number;

/** The figures of one target. */
export interface ClusterBenchRow {
  readonly target: string;
  readonly loans: number;
  readonly failed: number;
  readonly seconds: number;
  readonly loansPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** CPU milliseconds per loan of each party within the window (null: not measurable). */
  readonly cpuMsPerLoan: {
    readonly temporal: number | null;
    readonly postgres: number | null;
    readonly workers: number | null;
    readonly emulator: number | null;
    readonly harness: number;
    /** The whole machine, other work included. */
    readonly machine: number | null;
  };
  /** Cores busy on average over the window (whole machine). */
  readonly busyCores: number | null;
  /** Cluster only: how long it took to start (schemas, four services, namespace). */
  readonly clusterStartS: number | null;
}

const COMMAND = {
  usage: 'npm run bench:cluster -- [options]   (details: bench/README.md, "Cluster")',
  description: 'Lifecycle loans on the dev server and on a PostgreSQL cluster (1 and 4 history shards), in one run.',
  options: {
    loans: { type: 'string', value: 'N', help: 'measured loans per target (default 100)' },
    concurrency: { type: 'string', value: 'C', help: 'most loans in flight at once (default 20)' },
    warmup: { type: 'string', value: 'W', help: 'unmeasured loans first on each target (default C)' },
    workers: { type: 'string', value: 'K', help: 'worker processes (default 1)' },
    targets: { type: 'string', value: 'LIST', help: 'dev and/or shard counts, in order (default dev,1,4)' },
    json: { type: 'string', value: 'FILE', help: 'write the JSON report' },
  },
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

interface ClusterBenchOptions {
  readonly bench: BenchOptions;
  readonly targets: readonly Target[];
  readonly json: string | undefined;
}

function optionsOf(v: Values<typeof COMMAND.options>): ClusterBenchOptions {
  const concurrency = integerOption('concurrency', v.concurrency, 1) ?? 20;
  const targets = (v.targets ?? 'dev,1,4').split(',').map((t) => t.trim()).filter(Boolean).map((t): Target => {
    if (t === 'dev') return 'dev';
    const shards = Number(t);
    if (!Number.isInteger(shards) || shards < 1) throw new UsageError(`--targets: ${t} is neither dev nor a shard count`);
    return shards;
  });
  if (targets.length === 0) throw new UsageError('--targets: name at least one target');
  if (process.env.TEMPORAL_ADDRESS && targets.includes('dev')) {
    throw new UsageError('TEMPORAL_ADDRESS is set: this benchmark starts its own Temporal servers; unset it');
  }
  return {
    bench: defaultOptions({
      loans: integerOption('loans', v.loans, 1) ?? 100,
      concurrency,
      warmup: integerOption('warmup', v.warmup, 0) ?? concurrency,
      workers: integerOption('workers', v.workers, 1) ?? 1,
      phases: ['lifecycle'],
    }),
    targets,
    json: v.json,
  };
}

/** The processes whose CPU is read, by party. */
interface Parties {
  readonly temporal: readonly number[];
  readonly postgres: readonly number[];
  readonly workers: readonly number[];
  readonly emulator: readonly number[];
}

function sample(parties: Parties): { cpu: Record<keyof Parties, number | null>; own: number; machine: number | null; at: number } {
  const read = (pids: readonly number[]): number | null => {
    if (pids.length === 0) return null;
    const values = treeCpuSeconds(pids);
    return values.some((v) => v === null) ? null : values.reduce<number>((n, v) => n + (v ?? 0), 0);
  };
  return {
    cpu: { temporal: read(parties.temporal), postgres: read(parties.postgres), workers: read(parties.workers), emulator: read(parties.emulator) },
    own: ownCpuSeconds(),
    machine: machineBusySeconds(),
    at: performance.now(),
  };
}

/** Workers, warm-up, then the measured batch with its CPU readings. */
async function measure(env: BenchEnvironment, options: BenchOptions, temporalPids: () => Parties['temporal'], postgresPids: readonly number[],
  label: string, progress: ProgressSink): Promise<{ batch: LoanBatch; before: ReturnType<typeof sample>; after: ReturnType<typeof sample> }> {
  const taskQueue = `bench-${env.runId}-${label.replace(/\W+/g, '-')}`;
  const workers = await env.startWorkers('lifecycle', taskQueue);
  try {
    const runner = (prefix: string) => async (index: number) => {
      const started = await startLoan(env.client, loanRequest(`${prefix}-${index}`, 'SUCCESS'), { taskQueue });
      return started.handle.result();
    };
    const prefix = `${env.runId}-${label.replace(/\W+/g, '')}`;
    if (options.warmup > 0) await runLoans(options.warmup, options.concurrency, runner(`${prefix}-w`), progress, `${label} warm-up`);
    const parties: Parties = {
      temporal: temporalPids(), postgres: postgresPids, workers: workers.map((w) => w.pid), emulator: [env.emulatorPid],
    };
    const before = sample(parties);
    const batch = await runLoans(options.loans, options.concurrency, runner(prefix), progress, label);
    const after = sample(parties);
    return { batch, before, after };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

async function runTarget(target: Target, options: BenchOptions, progress: ProgressSink): Promise<ClusterBenchRow> {
  const label = target === 'dev' ? 'dev server' : `cluster, ${target} shard${target === 1 ? '' : 's'}`;
  let cluster: Cluster | undefined;
  let dataDir: string | undefined;
  let clusterStartS: number | null = null;
  if (target !== 'dev') {
    dataDir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
    // PostgreSQL runs as its own user and must reach its data below this private directory.
    chmodSync(dataDir, 0o711);
    progress.log(`${label}: starting PostgreSQL and the four Temporal services`);
    const t0 = performance.now();
    cluster = await startCluster({ dataDir, shards: target, onProgress: (line) => progress.log(`  ${line}`) });
    clusterStartS = round((performance.now() - t0) / 1000, 1);
    progress.log(`${label}: ready in ${clusterStartS} s at ${cluster.address}`);
  }
  try {
    const env = await startEnvironment({ ...options, ...(cluster ? { temporal: cluster.address } : {}) }, progress);
    try {
      const temporalPids = (): number[] => (cluster
        ? TEMPORAL_SERVICES.map((s) => childNamed(cluster!.services[s].pgid, 'temporal') ?? -1)
        : env.serverPid ? [env.serverPid] : []);
      const postgresPids = cluster ? [childNamed(cluster.postgres.pgid, 'postgres') ?? -1] : [];
      const { batch, before, after } = await measure(env, options, temporalPids, postgresPids, label, progress);
      const seconds = (after.at - before.at) / 1000;
      const done = batch.count - batch.failed;
      const perLoan = (a: number | null, b: number | null): number | null => (a === null || b === null || done === 0 ? null : round(((b - a) * 1000) / done, 1));
      const sorted = [...batch.latenciesMs].sort((a, b) => a - b);
      return {
        target: label,
        loans: batch.count,
        failed: batch.failed,
        seconds: round(seconds, 1),
        loansPerSecond: round(done / seconds, 2),
        latencyMs: { p50: round(percentile(sorted, 0.5), 0), p99: round(percentile(sorted, 0.99), 0), max: round(sorted.at(-1) ?? 0, 0) },
        cpuMsPerLoan: {
          temporal: perLoan(before.cpu.temporal, after.cpu.temporal),
          postgres: perLoan(before.cpu.postgres, after.cpu.postgres),
          workers: perLoan(before.cpu.workers, after.cpu.workers),
          emulator: perLoan(before.cpu.emulator, after.cpu.emulator),
          harness: perLoan(before.own, after.own) ?? 0,
          machine: perLoan(before.machine, after.machine),
        },
        busyCores: before.machine === null || after.machine === null ? null : round((after.machine - before.machine) / seconds, 2),
        clusterStartS,
      };
    } finally {
      await env.close();
    }
  } finally {
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The report as a markdown table. */
export function renderClusterBench(rows: readonly ClusterBenchRow[], options: BenchOptions): string {
  const cell = (v: number | null): string => (v === null ? '–' : String(v));
  return [
    `Lifecycle loans (SUCCESS, webhooks on), ${options.loans} measured after ${options.warmup} warm-up, concurrency ${options.concurrency}, ${options.workers} worker process(es), one run:`,
    '',
    '| target | loans/s | p50 ms | p99 ms | Temporal CPU ms/loan | PostgreSQL CPU ms/loan | workers CPU ms/loan | emulator CPU ms/loan | harness CPU ms/loan | machine CPU ms/loan | busy cores | failed |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.target} | ${r.loansPerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${cell(r.cpuMsPerLoan.temporal)} | ${cell(r.cpuMsPerLoan.postgres)}`
      + ` | ${cell(r.cpuMsPerLoan.workers)} | ${cell(r.cpuMsPerLoan.emulator)} | ${r.cpuMsPerLoan.harness} | ${cell(r.cpuMsPerLoan.machine)} | ${cell(r.busyCores)} | ${r.failed} |`),
    '',
    ...rows.filter((r) => r.clusterStartS !== null).map((r) => `${r.target}: started in ${r.clusterStartS} s (empty database: schemas, four services, namespace, search attributes).`),
    '',
  ].join('\n');
}

runAsMain(import.meta.url, () => runCommand(COMMAND, process.argv.slice(2), optionsOf, async ({ bench, targets, json }) => {
  const progress = new ProgressBar(process.stderr);
  const rows: ClusterBenchRow[] = [];
  for (const target of targets) rows.push(await runTarget(target, bench, progress));
  process.stdout.write(renderClusterBench(rows, bench));
  if (json) {
    writeFileSync(json, `${JSON.stringify({ startedAt: new Date().toISOString(), options: bench, rows }, null, 2)}\n`);
    process.stderr.write(`JSON report written to ${json}\n`);
  }
  return 0;
}), { failurePrefix: 'bench:cluster failed: ' });
