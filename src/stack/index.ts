/**
 * The stack builder: the one way the running system is assembled, by `npm start`, the history
 * recorder, the benchmark and its phases, the detection benchmark, the chaos harness and the
 * integration tests. It brings up
 *
 * - Temporal: a dev server started for the run, or an existing Temporal given by address (`--temporal`)
 *   or by the envconfig variables, TLS included (./temporal.ts);
 * - the Defacto emulator: in this process, in a child process (./emulator-child.ts), or an external URL;
 * - loan workers: N processes of the one worker child program (./worker-child.ts), with the production
 *   activities or the null loan's, or in this process (tests);
 * - the HTTP edge (back office + webhook receiver), subscribed to Defacto's webhooks;
 * - Prometheus (Debian's package) scraping the workers' metrics, the edges and the dev server.
 *
 * Every part started through a stack is stopped by its one `stop()`, newest first, and no process
 * outlives it: children exit with their parent and the dev server runs under a watchdog.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { dataConverter } from '../codec/data-converter';
import type { PayloadKeyring } from '../codec/keyring';
import { loadConfig } from '../config';
import { dataProtectionEnv } from '../config/payload-keys';
import { DefactoClient } from '../defacto';
import { buildEmulator, type EmulatorOptions } from '../emulator/app';
import { startHttpEdge, type HttpEdge } from '../http/edge';
import { createLogger, type Logger } from '../logging';
import { loanWorkflowBundle, runWorker, type RunningWorker } from '../loans/loan-worker';
import { installTemporalRuntime } from '../temporal-runtime';
import { freePort } from '../dev-server';
import { startPrometheus, type PrometheusOptions, type RunningPrometheus } from '../observability/prometheus';
import { activeTracing, tracingClientInterceptors } from '../observability/tracing';
import { startChild, type ReadyMessage, type StackChild } from './child-process';
import type { EmulatorChildConfig } from './emulator-child';
import { nullActivities } from './null-activities';
import { startTemporal, type StackTemporal, type TemporalOptions } from './temporal';
import type { WorkerChildConfig, WorkerChildReady } from './worker-child';

export {
  connectionOptionsFor, existingTemporalAddress, ExistingTemporalError, startTemporal, type StackTemporal, type TemporalOptions,
} from './temporal';
export type { WorkerChildReady } from './worker-child';

const script = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** Where Defacto comes from. */
export type EmulatorChoice =
  | { readonly run: 'in-process'; readonly options?: EmulatorOptions }
  | { readonly run: 'child'; readonly options?: EmulatorChildConfig }
  | { readonly url: string };

/** What {@link startStack} brings up besides Temporal; more parts can be added later through the stack's methods. */
export interface StackOptions {
  readonly temporal?: TemporalOptions;
  readonly emulator?: EmulatorChoice;
  /** Logs of the children and the workflow bundle; a fresh temporary directory by default, removed by `stop()`. */
  readonly workDir?: string;
  /**
   * The Temporal runtime's logger, installed when this process first needs the native runtime (in-process
   * workers); the first install of the process wins. Without in-process workers the stack never loads it,
   * so nothing native keeps the process alive after `stop()`.
   */
  readonly logger?: Logger;
  /**
   * The payload keys of every part of the stack: its client and edge, in-process workers, and worker
   * children (given through their environment). Default: the configuration's.
   */
  readonly payloadKeyring?: PayloadKeyring;
  /** Payload encryption of every part of the stack (default: the configuration's, PAYLOAD_ENCRYPTION). */
  readonly payloadEncryption?: boolean;
}

/** A running emulator (or the external Defacto URL, with no process of ours behind it). */
export interface StackEmulator {
  readonly url: string;
  /** The process serving it (this one when in process), undefined for an external URL. */
  readonly pid: number | undefined;
  /** In process only: the app (for `inject`). */
  readonly app: FastifyInstance | undefined;
  stop(): Promise<void>;
}

/**
 * The workflow bundle of src/workflows, built once per stack (and once more with the tracing interceptors
 * when traced workers ask for it) and written to its work directory.
 */
export interface StackBundle {
  readonly code: string;
  readonly codePath: string;
  readonly sourceMapPath: string;
  /** How long building it took. */
  readonly buildMs: number;
}

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

/** The HTTP edge of the stack. */
export interface EdgeOptions {
  readonly taskQueue: string;
  /** The client its routes and webhook handling use (its tenant is the one subscribed). */
  readonly defacto: DefactoClient;
  /** The Temporal client it starts and signals workflows with (default: the stack's; `stack.clientFor(false)` for plaintext workers). */
  readonly temporalClient?: Client;
  /** Default: fresh random tokens. */
  readonly backofficeToken?: string;
  readonly webhookToken?: string;
  /** Ensure the webhook subscription at Defacto (default true). */
  readonly subscribe?: boolean;
  readonly logger?: Logger;
  readonly port?: number;
}

/** A running edge; `restart()` keeps its port (and retries while Defacto answers with faults). */
export interface StackEdge {
  readonly url: string;
  readonly backofficeToken: string;
  readonly webhookToken: string;
  readonly subscribed: boolean;
  /** Closes and starts it again on the same port; resolves the downtime in ms. */
  restart(): Promise<number>;
  stop(): Promise<void>;
}

/** A running stack. */
export interface Stack {
  readonly temporal: StackTemporal;
  /** A client on the stack's Temporal and namespace, with the stack's data converter. */
  readonly client: Client;
  /** The payload keys of every part of the stack. */
  readonly payloadKeyring: PayloadKeyring;
  /** Whether the stack's parts encrypt payloads (PAYLOAD_ENCRYPTION; on by default). */
  readonly payloadEncryption: boolean;
  /**
   * A client on the stack's connection with payload encryption on (the stack's `client` when it encrypts)
   * or off (no payload codec: for workers started with `payloadEncryption: false`).
   */
  clientFor(payloadEncryption: boolean): Client;
  /** The emulator of {@link StackOptions.emulator}, if any. */
  readonly emulator: StackEmulator | undefined;
  readonly workDir: string;
  /**
   * The workflow bundle, built on first use; `tracing` (default: whether this process traces) includes
   * Temporal's OpenTelemetry workflow interceptors, which traced workers need.
   */
  workflowBundle(options?: { readonly tracing?: boolean }): Promise<StackBundle>;
  /** A native connection for in-process workers, opened on first use. */
  nativeConnection(): Promise<NativeConnection>;
  startEmulator(choice: EmulatorChoice): Promise<StackEmulator>;
  startWorkers(options: WorkerSetOptions): Promise<WorkerSet>;
  startEdge(options: EdgeOptions): Promise<StackEdge>;
  /** A Prometheus scraping the given targets with the project's alert rules (Debian's package). */
  startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus>;
  /** Stops every part (newest first), even if one fails to stop; the first failure is rethrown. Idempotent. */
  stop(options?: { readonly keepWorkDir?: boolean }): Promise<void>;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Brings the stack up; on failure, whatever was started is stopped again. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'loan-stack-'));
  mkdirSync(workDir, { recursive: true });
  const ownsWorkDir = options.workDir === undefined;
  // Stop functions, newest first.
  const parts: (() => Promise<void>)[] = [];
  const track = <T extends { stop(): Promise<void> }>(part: T): T => {
    parts.unshift(() => part.stop());
    return part;
  };
  let stopping: Promise<void> | undefined;
  const stopAll = (keepWorkDir = false): Promise<void> => (stopping ??= (async () => {
    const failures: unknown[] = [];
    for (const stop of parts.splice(0)) await stop().catch((error: unknown) => failures.push(error));
    if (ownsWorkDir && !keepWorkDir) rmSync(workDir, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  })());

  try {
    const [temporal, emulator] = await Promise.all([
      startTemporal(options.temporal).then(track),
      options.emulator ? launchEmulator(options.emulator, workDir).then(track) : undefined,
    ]);
    const connection = await Connection.connect(temporal.connectionOptions as ConnectionOptions);
    parts.unshift(() => connection.close());
    const config = loadConfig();
    const payloadKeyring = options.payloadKeyring ?? config.dataProtection.keyring;
    const payloadEncryption = options.payloadEncryption ?? config.dataProtection.payloadEncryption;
    // With tracing installed in this process, workflows are started and signalled inside the caller's trace.
    const clients = new Map<boolean, Client>();
    const clientFor = (encrypt: boolean): Client => {
      let found = clients.get(encrypt);
      if (!found) {
        found = new Client({
          connection, namespace: temporal.namespace,
          dataConverter: dataConverter({ dataProtection: { keyring: payloadKeyring, payloadEncryption: encrypt } }),
          interceptors: tracingClientInterceptors(),
        });
        clients.set(encrypt, found);
      }
      return found;
    };
    const client = clientFor(payloadEncryption);
    const childKeysEnv = dataProtectionEnv(payloadKeyring, config.dataProtection.searchTagKey);

    const bundles = new Map<boolean, Promise<StackBundle>>();
    let native: Promise<NativeConnection> | undefined;
    const stack: Stack = {
      temporal,
      client,
      payloadKeyring,
      payloadEncryption,
      clientFor,
      emulator,
      workDir,
      workflowBundle: (bundleOptions = {}) => {
        // With tracing on here, the children (same OTEL_* environment) trace too: bundle its interceptors.
        const tracing = bundleOptions.tracing ?? activeTracing() !== undefined;
        let bundle = bundles.get(tracing);
        if (!bundle) {
          bundle = (async () => {
            const started = performance.now();
            const built = await loanWorkflowBundle({ tracing });
            const buildMs = performance.now() - started;
            const name = tracing ? 'workflow-bundle-traced' : 'workflow-bundle';
            const codePath = join(workDir, `${name}.js`);
            const sourceMapPath = join(workDir, `${name}.js.map`);
            writeFileSync(codePath, built.code);
            writeFileSync(sourceMapPath, built.sourceMap);
            return { code: built.code, codePath, sourceMapPath, buildMs };
          })();
          bundles.set(tracing, bundle);
        }
        return bundle;
      },
      nativeConnection: () => (native ??= (async () => {
        installTemporalRuntime(options.logger ?? createLogger({ level: 'warn' }));
        return NativeConnection.connect(temporal.connectionOptions);
      })().then((c) => {
        parts.unshift(() => c.close());
        return c;
      })),
      startEmulator: async (choice) => track(await launchEmulator(choice, workDir)),
      startWorkers: async (set) => track(await launchWorkers(stack, set, childKeysEnv)),
      startEdge: async (edge) => track(await launchEdge(stack, edge, config.dataProtection.searchTagKey)),
      startPrometheus: async (prometheus) => track(await startPrometheus(prometheus)),
      stop: (stopOptions = {}) => stopAll(stopOptions.keepWorkDir),
    };
    return stack;
  } catch (error) {
    await stopAll(false).catch(() => undefined);
    throw error;
  }
}

async function launchEmulator(choice: EmulatorChoice, workDir: string): Promise<StackEmulator> {
  if ('url' in choice) return { url: choice.url.replace(/\/+$/, ''), pid: undefined, app: undefined, stop: () => Promise.resolve() };
  if (choice.run === 'in-process') {
    const app = await buildEmulator({ logger: false, ...choice.options });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    let closing: Promise<void> | undefined;
    return { url, pid: process.pid, app, stop: () => (closing ??= app.close()) };
  }
  const child = await startChild<ReadyMessage & { url: string }>({
    name: 'emulator', script: script('emulator-child.ts'), config: choice.options ?? {}, logFile: join(workDir, 'emulator.log'),
  });
  return { url: child.ready.url, pid: child.pid, app: undefined, stop: () => child.stop() };
}

async function launchWorkers(
  stack: Stack, options: WorkerSetOptions, keysEnv: Readonly<Record<string, string | undefined>>,
): Promise<WorkerSet> {
  const count = options.count ?? 1;
  const stats: WorkerStats = { starts: 0, kills: 0, unexpectedExits: 0 };
  const baseUrl = options.defacto?.baseUrl ?? stack.emulator?.url;
  if ((options.activities ?? 'defacto') === 'defacto' && (!baseUrl || !options.defacto)) {
    throw new Error('workers with Defacto activities need an API key and a Defacto URL (or an emulator in the stack)');
  }

  if (options.run === 'in-process') {
    const connection = await stack.nativeConnection();
    const workflowBundle = await loanWorkflowBundle();
    const running = await Promise.all(Array.from({ length: count }, () => runWorker({
      connection, namespace: stack.temporal.namespace, taskQueue: options.taskQueue, workflowBundle, shutdownSignals: [],
      dataConverter: dataConverter({
        dataProtection: { keyring: stack.payloadKeyring, payloadEncryption: options.payloadEncryption ?? stack.payloadEncryption },
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
  const bundle = options.bundle === 'per-worker' ? undefined : await stack.workflowBundle({ ...(tracing === undefined ? {} : { tracing }) });
  const config: WorkerChildConfig = {
    taskQueue: options.taskQueue,
    activities: options.activities ?? 'defacto',
    ...(bundle ? { bundle: { codePath: bundle.codePath, sourceMapPath: bundle.sourceMapPath } } : {}),
    ...(options.workerOptions ? { workerOptions: options.workerOptions } : {}),
  };
  const env = {
    ...stack.temporal.childEnv,
    // The stack's payload keys (a child's DEFACTO_BASE_URL is set, so its configuration requires keys).
    ...keysEnv,
    PAYLOAD_ENCRYPTION: (options.payloadEncryption ?? stack.payloadEncryption) ? 'on' : 'off',
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    LOG_LEVEL: options.logLevel ?? 'warn',
    // Null activities need no Defacto: none is configured (and none inherited).
    DEFACTO_BASE_URL: config.activities === 'defacto' ? baseUrl : undefined,
    DEFACTO_API_KEY: config.activities === 'defacto' ? options.defacto?.apiKey : undefined,
  };
  const metricsAddresses = options.metrics
    ? await Promise.all(Array.from({ length: count }, async () => `127.0.0.1:${await freePort()}`))
    : [];
  const logFile = options.logFile ?? join(stack.workDir, `worker-${options.taskQueue}.log`);
  const children: (StackChild<WorkerChildReady & ReadyMessage> | undefined)[] = [];
  let stopped = false;

  const start = async (index: number): Promise<void> => {
    const child = await startChild<WorkerChildReady & ReadyMessage>({
      name: `worker ${index + 1} of ${options.taskQueue}`, script: script('worker-child.ts'), config, logFile,
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

async function launchEdge(stack: Stack, options: EdgeOptions, searchTagKey: Buffer): Promise<StackEdge> {
  const backofficeToken = options.backofficeToken ?? randomBytes(16).toString('hex');
  const webhookToken = options.webhookToken ?? randomBytes(16).toString('hex');
  const listen = (port: number): Promise<HttpEdge> => startHttpEdge({
    temporalClient: options.temporalClient ?? stack.client,
    taskQueue: options.taskQueue,
    defacto: options.defacto,
    logger: options.logger ?? createLogger({ level: 'warn' }),
    host: '127.0.0.1',
    port,
    subscribe: options.subscribe ?? true,
    config: { backofficeToken, webhookToken, searchTagKey, ...(stack.temporal.uiUrl ? { uiBaseUrl: stack.temporal.uiUrl } : {}) },
  });
  let edge = await listen(options.port ?? 0);
  const port = Number(new URL(edge.url).port);
  return {
    url: edge.url,
    backofficeToken,
    webhookToken,
    subscribed: edge.subscribed,
    async restart() {
      const down = Date.now();
      await edge.close();
      // The subscription check talks to Defacto, which may be injecting faults: retry for up to a minute.
      for (let attempt = 0; ; attempt += 1) {
        try {
          edge = await listen(port);
          return Date.now() - down;
        } catch (error) {
          if (attempt >= 30) throw error;
          await pause(Math.min(2_000, 200 * 2 ** attempt));
        }
      }
    },
    stop: () => edge.close(),
  };
}
