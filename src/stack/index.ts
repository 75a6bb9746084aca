/**
 * The stack builder: the one way the running system is assembled, by `npm start`, the history
 * recorder, the benchmark and its phases, the detection benchmark, the chaos harness and the
 * integration tests. It brings up
 *
 * - Temporal: a dev server started for the run, or an existing Temporal given by address (`--temporal`)
 *   or by the envconfig variables, TLS included (./temporal.ts);
 * - the Defacto emulator: in this process, in a child process (./emulator-child.ts), or an external URL
 *   (./emulator.ts);
 * - loan workers: N processes of the one worker child program (./worker-child.ts), with the production
 *   activities or the null loan's, or in this process (tests) (./workers.ts, on the bundle of ./bundle.ts);
 * - the HTTP edge (back office + webhook receiver), subscribed to Defacto's webhooks (./edge.ts);
 * - Prometheus (Debian's package) scraping the workers' metrics, the edges and the dev server.
 *
 * This file assembles them (`startStack`) and re-exports the parts' types. Every part started through a
 * stack is stopped by its one `stop()`, newest first, and no process outlives it: children exit with
 * their parent and the dev server runs under a watchdog.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { dataConverter } from '../codec/data-converter';
import type { PayloadKeyring } from '../codec/keyring';
import { loadConfig } from '../config';
import { dataProtectionEnv } from '../config/payload-keys';
import { createLogger, type Logger } from '../logging';
import { installTemporalRuntime } from '../temporal-runtime';
import { startPrometheus, type PrometheusOptions, type RunningPrometheus } from '../observability/prometheus';
import { tracingClientInterceptors } from '../observability/tracing';
import { stackBundles } from './bundle';
import { launchEdge, type EdgeHost, type EdgeOptions, type StackEdge } from './edge';
import { launchEmulator, type EmulatorChoice, type StackEmulator } from './emulator';
import { startTemporal, type TemporalOptions } from './temporal';
import { launchWorkers, type WorkerHost, type WorkerSet, type WorkerSetOptions } from './workers';

export type { BundleOptions, StackBundle, StackBundles } from './bundle';
export type { EdgeHost, EdgeOptions, StackEdge } from './edge';
export type { EmulatorChoice, StackEmulator } from './emulator';
export {
  connectionOptionsFor, existingTemporalAddress, ExistingTemporalError, startTemporal, type StackTemporal, type TemporalOptions,
} from './temporal';
export type { WorkerChildReady } from './worker-child';
export type { StackWorker, WorkerHost, WorkerSet, WorkerSetOptions, WorkerStats } from './workers';

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

/**
 * A running stack: what its worker sets run on ({@link WorkerHost}: Temporal, payload keys, the emulator,
 * the work directory, the workflow bundle, a native connection), what its edges run on ({@link EdgeHost}:
 * the client), and the parts started through it.
 */
export interface Stack extends WorkerHost, EdgeHost {
  /**
   * A client on the stack's connection with payload encryption on (the stack's `client` when it encrypts)
   * or off (no payload codec: for workers started with `payloadEncryption: false`).
   */
  clientFor(payloadEncryption: boolean): Client;
  startEmulator(choice: EmulatorChoice): Promise<StackEmulator>;
  startWorkers(options: WorkerSetOptions): Promise<WorkerSet>;
  startEdge(options: EdgeOptions): Promise<StackEdge>;
  /** A Prometheus scraping the given targets with the project's alert rules (Debian's package). */
  startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus>;
  /** Stops every part (newest first), even if one fails to stop; the first failure is rethrown. Idempotent. */
  stop(options?: { readonly keepWorkDir?: boolean }): Promise<void>;
}

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

    let native: Promise<NativeConnection> | undefined;
    const stack: Stack = {
      temporal,
      client,
      payloadKeyring,
      payloadEncryption,
      clientFor,
      emulator,
      workDir,
      workflowBundle: stackBundles(workDir),
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
