/**
 * Worker sets of the stack: loan workers on one task queue, run as processes of the one worker child
 * program (./worker-child.ts) with the production activities or the null loan's, or in this process
 * (tests). A set restarts the children it kills (the chaos harness) and stops every worker it started.
 */
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { dataConverter } from '../codec/data-converter';
import type { PayloadKeyring } from '../codec/keyring';
import { DefactoClient } from '../defacto';
import { freePort } from '../dev-server';
import { createLogger, type Logger } from '../logging';
import { loanWorkflowBundle, runWorker, type RunningWorker } from '../loans/loan-worker';
import type { StackBundles } from './bundle';
import { childScript, startChild, type ReadyMessage, type StackChild } from './child-process';
import type { StackEmulator } from './emulator';
import { nullActivities } from './null-activities';
import type { StackTemporal } from './temporal';
import type { WorkerChildConfig, WorkerChildReady } from './worker-child';

/** Loan workers on one task queue. */
export interface WorkerSetOptions {
  readonly taskQueue: string;
  /** Number of workers (default 1). */
  readonly count?: number;
  /** `defacto` (default): the production activities; `null`: the null loan's canned results, no Defacto. */
  readonly activities?: 'defacto' | 'null';
  /** The tenant (API key) at Defacto, and its URL (default: the stack's emulator). */
  readonly defacto?: { readonly apiKey: string; readonly baseUrl?: string };
  /** `child` (default): processes of the worker child program; `in-process`: `runWorker` here (tests). */
  readonly run?: 'child' | 'in-process';
  /** Worker tuning; JSON-serialisable for children. */
  readonly workerOptions?: Partial<WorkerOptions>;
  /**
   * Children: read the stack's prebuilt bundle (default; with the tracing interceptors when they trace) or
   * build one in every worker.
   */
  readonly bundle?: 'prebuilt' | 'per-worker';
  /** Children: where their output goes (appended; default `<workDir>/worker-<taskQueue>.log`). */
  readonly logFile?: string;
  /** Children: their LOG_LEVEL (default `warn`). In process: the logger. */
  readonly logLevel?: string;
  /** Children: serve each one's metrics (SDK and business) on a free port of its own (default off). */
  readonly metrics?: boolean;
  /**
   * Children: `inherit` (default) follows this process's OTEL_* variables; `off` never traces; `{ otlpUrl }`
   * exports spans over OTLP/HTTP there (the stack's bundle with the tracing interceptors, unless `per-worker`).
   */
  readonly tracing?: 'inherit' | 'off' | { readonly otlpUrl: string };
  readonly logger?: Logger;
  /** Children: a worker that exits on its own once polling is started again (the chaos harness). */
  readonly restartOnExit?: boolean;
  /**
   * Payload encryption (default: the stack's). `false` runs the workers without a payload codec (their
   * loans must then be started and signalled by `stack.clientFor(false)`; emulator only).
   */
  readonly payloadEncryption?: boolean;
}

/** What happened to the workers of a set. */
export interface WorkerStats {
  starts: number;
  kills: number;
  unexpectedExits: number;
}

/** One worker of a set. */
export interface StackWorker {
  /** Its process (this process for in-process workers). */
  readonly pid: number;
  /** Children: startup and bundle times. */
  readonly ready: WorkerChildReady | undefined;
  /** In process only. */
  readonly running: RunningWorker | undefined;
}

/** Running workers on one task queue. */
export interface WorkerSet {
  readonly taskQueue: string;
  /** Children with `metrics`: `host:port` of each worker's Prometheus endpoint (kept across restarts). */
  readonly metricsAddresses: readonly string[];
  /** The workers now running. */
  readonly workers: readonly StackWorker[];
  readonly stats: WorkerStats;
  /** Children: SIGKILLs worker `index` (no drain) and starts a new one in its place. */
  killAndRestart(index?: number): Promise<void>;
  /** Drains and stops every worker. Idempotent. */
  stop(): Promise<void>;
}

/** The parts of a running stack a worker set runs on. */
export interface WorkerHost {
  readonly temporal: StackTemporal;
  /** The payload keys of every part of the stack. */
  readonly payloadKeyring: PayloadKeyring;
  /** Whether the stack's parts encrypt payloads (PAYLOAD_ENCRYPTION; on by default). */
  readonly payloadEncryption: boolean;
  /** The emulator of the stack, if any: the default Defacto of its workers. */
  readonly emulator: StackEmulator | undefined;
  readonly workDir: string;
  /**
   * The workflow bundle, built on first use; `tracing` (default: whether this process traces) includes
   * Temporal's OpenTelemetry workflow interceptors, which traced workers need.
   */
  readonly workflowBundle: StackBundles;
  /** A native connection for in-process workers, opened on first use. */
  nativeConnection(): Promise<NativeConnection>;
}

/** Starts the workers of `options`; `keysEnv` gives children the stack's payload keys. */
export async function launchWorkers(
  host: WorkerHost, options: WorkerSetOptions, keysEnv: Readonly<Record<string, string | undefined>>,
): Promise<WorkerSet> {
  const count = options.count ?? 1;
  const stats: WorkerStats = { starts: 0, kills: 0, unexpectedExits: 0 };
  const baseUrl = options.defacto?.baseUrl ?? host.emulator?.url;
  if ((options.activities ?? 'defacto') === 'defacto' && (!baseUrl || !options.defacto)) {
    throw new Error('workers with Defacto activities need an API key and a Defacto URL (or an emulator in the stack)');
  }

  if (options.run === 'in-process') {
    const connection = await host.nativeConnection();
    const workflowBundle = await loanWorkflowBundle();
    const running = await Promise.all(Array.from({ length: count }, () => runWorker({
      connection, namespace: host.temporal.namespace, taskQueue: options.taskQueue, workflowBundle, shutdownSignals: [],
      dataConverter: dataConverter({
        dataProtection: { keyring: host.payloadKeyring, payloadEncryption: options.payloadEncryption ?? host.payloadEncryption },
      }),
      logger: options.logger ?? createLogger({ level: 'warn' }), workerOptions: options.workerOptions ?? {},
      ...(options.activities === 'null'
        ? { activities: nullActivities() }
        : { defacto: new DefactoClient({ baseUrl: baseUrl ?? '', apiKey: options.defacto?.apiKey ?? '', retry: 'none' }) }),
    })));
    stats.starts = count;
    let stopped: Promise<void> | undefined;
    return {
      taskQueue: options.taskQueue,
      metricsAddresses: [],
      workers: running.map((r) => ({ pid: process.pid, ready: undefined, running: r })),
      stats,
      killAndRestart: () => Promise.reject(new Error('in-process workers cannot be killed')),
      stop: () => (stopped ??= Promise.all(running.map((r) => r.stop())).then(() => undefined)),
    };
  }

  // A traced child needs the bundle with the tracing interceptors; `inherit` follows this process.
  const tracing = options.tracing === undefined || options.tracing === 'inherit' ? undefined : options.tracing !== 'off';
  const bundle = options.bundle === 'per-worker' ? undefined : await host.workflowBundle({ ...(tracing === undefined ? {} : { tracing }) });
  const config: WorkerChildConfig = {
    taskQueue: options.taskQueue,
    activities: options.activities ?? 'defacto',
    ...(bundle ? { bundle: { codePath: bundle.codePath, sourceMapPath: bundle.sourceMapPath } } : {}),
    ...(options.workerOptions ? { workerOptions: options.workerOptions } : {}),
  };
  const env = {
    ...host.temporal.childEnv,
    // The stack's payload keys (a child's DEFACTO_BASE_URL is set, so its configuration requires keys).
    ...keysEnv,
    PAYLOAD_ENCRYPTION: (options.payloadEncryption ?? host.payloadEncryption) ? 'on' : 'off',
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    LOG_LEVEL: options.logLevel ?? 'warn',
    // Null activities need no Defacto: none is configured (and none inherited).
    DEFACTO_BASE_URL: config.activities === 'defacto' ? baseUrl : undefined,
    DEFACTO_API_KEY: config.activities === 'defacto' ? options.defacto?.apiKey : undefined,
  };
  const metricsAddresses = options.metrics
    ? await Promise.all(Array.from({ length: count }, async () => `127.0.0.1:${await freePort()}`))
    : [];
  const logFile = options.logFile ?? join(host.workDir, `worker-${options.taskQueue}.log`);
  const children: (StackChild<WorkerChildReady & ReadyMessage> | undefined)[] = [];
  let stopped = false;

  const start = async (index: number): Promise<void> => {
    const child = await startChild<WorkerChildReady & ReadyMessage>({
      name: `worker ${index + 1} of ${options.taskQueue}`, script: childScript('worker-child.ts'), config, logFile,
      // Never the default address: several children (and `npm run worker`) would want the same port.
      env: { ...env, ...tracingEnv(options.tracing), WORKER_METRICS_ADDRESS: metricsAddresses[index] ?? 'off' },
    });
    stats.starts += 1;
    children[index] = child;
    void child.exited.then((signal) => {
      if (children[index] === child) children[index] = undefined;
      // A SIGKILL is ours (killAndRestart); anything else while running is a crash.
      if (stopped || signal === 'SIGKILL' || !options.restartOnExit) return;
      stats.unexpectedExits += 1;
      void pause(1_000).then(() => startWithRetries(index));
    });
  };
  const startWithRetries = async (index: number): Promise<void> => {
    for (let attempt = 0; !stopped; attempt += 1) {
      try {
        await start(index);
        return;
      } catch (error) {
        if (!options.restartOnExit) throw error;
        await pause(Math.min(5_000, 500 * 2 ** attempt));
      }
    }
  };

  const set: WorkerSet = {
    taskQueue: options.taskQueue,
    metricsAddresses,
    get workers() {
      return children.flatMap((c) => (c ? [{ pid: c.pid, ready: c.ready, running: undefined }] : []));
    },
    stats,
    async killAndRestart(index = 0) {
      const child = children[index];
      if (!child) return;
      stats.kills += 1;
      child.kill();
      await child.exited;
      if (!stopped) await startWithRetries(index);
    },
    async stop() {
      stopped = true;
      await Promise.all(children.map((c) => c?.stop()));
    },
  };
  try {
    await Promise.all(Array.from({ length: count }, (_, i) => start(i)));
  } catch (error) {
    await set.stop();
    throw error;
  }
  return set;
}

/** The OTEL_* variables of a worker child for {@link WorkerSetOptions.tracing}. */
function tracingEnv(tracing: WorkerSetOptions['tracing']): Record<string, string | undefined> {
  if (tracing === undefined || tracing === 'inherit') return {};
  if (tracing === 'off') return { OTEL_TRACES_EXPORTER: 'none' };
  return { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: tracing.otlpUrl, OTEL_EXPORTER_OTLP_ENDPOINT: undefined };
}
