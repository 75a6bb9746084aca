/**
 * The system under chaos, built by the stack builder (src/stack): Temporal (a dev server persisted to a
 * SQLite file, so it can restart in place; the run's own multi-service cluster on PostgreSQL with
 * `--cluster` (./cluster-target.ts); or the existing Temporal of `--temporal`), the Defacto emulator, the
 * HTTP edge (back office + webhook receiver) and the worker processes, each restarted whenever it dies.
 * Every part's output lands in a log file under the run's directory.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { DefactoClient } from '../../src/defacto';
import type { EmulatorOptions } from '../../src/emulator/app';
import { createLogger, type Logger } from '../../src/logging';
import { startStack, type StackTemporal, type WorkerSet } from '../../src/stack';
import { installTemporalRuntime } from '../../src/temporal-runtime';
import { startChaosCluster, type ChaosCluster, type TemporalFault } from './cluster-target';

/** Secrets of a run: fresh random values, so a scan for them has no false positive. */
export interface ChaosSecrets {
  readonly apiKey: string;
  readonly backofficeToken: string;
  readonly webhookToken: string;
}

/** What {@link startChaosStack} needs. */
export interface ChaosStackOptions {
  readonly dir: string;
  readonly seed: number;
  readonly timing: EmulatorOptions['timing'];
  /** An existing Temporal (`host:port`); a dev server on a database file by default. */
  readonly temporal?: string | undefined;
  /** Start the run's own cluster on PostgreSQL instead (src/cluster). */
  readonly cluster?: boolean;
  /** Worker processes on the task queue (default 1). */
  readonly workers?: number;
  /** Progress lines (the cluster's start). */
  readonly say?: (line: string) => void;
}

/** The running system. */
export interface ChaosStack {
  readonly secrets: ChaosSecrets;
  /** Unique per run, so that runs on a long-lived Temporal never meet. */
  readonly taskQueue: string;
  readonly temporal: StackTemporal;
  readonly client: Client;
  readonly emulatorUrl: string;
  readonly workers: WorkerSet;
  /** The workflow bundle the workers run (also used to replay the histories). */
  readonly bundleCode: string;
  /** Base URL of the HTTP edge (the port survives restarts). */
  readonly edgeUrl: string;
  /** Every log file written during the run. */
  logFiles(): string[];
  /**
   * The faults Temporal itself can be put through, in order: the dev server's restart on its database
   * file and port; on the cluster, history and matching SIGKILLs and a PostgreSQL restart. None on an
   * existing Temporal.
   */
  readonly temporalFaults: readonly TemporalFault[];
  /** Closes and starts the HTTP edge on the same port; returns the downtime in ms. */
  restartEdge(): Promise<number>;
  close(): Promise<void>;
}

function fileLogger(file: string, level: string): Logger {
  return createLogger({ level }, pino.destination({ dest: file, sync: true, mkdir: true }));
}

/** Starts every part; the caller must `close()` it. */
export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  const { dir } = options;
  const secrets: ChaosSecrets = {
    apiKey: `chaos-api-key-${randomBytes(12).toString('hex')}`,
    backofficeToken: `chaos-backoffice-${randomBytes(12).toString('hex')}`,
    webhookToken: `chaos-webhook-${randomBytes(12).toString('hex')}`,
  };
  const taskQueue = `chaos-${options.seed}-${randomBytes(3).toString('hex')}`;
  const [harnessLog, edgeLog, workerLog] = ['harness.log', 'edge.log', 'worker.log'].map((f) => join(dir, f)) as [string, string, string];
  // The replay of the histories at the end runs here: its runtime logs to the harness log.
  installTemporalRuntime(fileLogger(harnessLog, 'warn'));
  const cluster: ChaosCluster | undefined = options.cluster ? await startChaosCluster(dir, options.say ?? (() => undefined)) : undefined;
  const stack = await startStack({
    workDir: dir,
    temporal: { address: cluster?.cluster.address ?? options.temporal, devServer: { dbFilename: join(dir, 'temporal.db') } },
    emulator: {
      run: 'in-process',
      options: { ...(options.timing === undefined ? {} : { timing: options.timing }), seed: options.seed, repayment: 'sandbox' },
    },
  }).catch(async (error: unknown) => {
    await cluster?.stop();
    throw error;
  });
  try {
    const emulatorUrl = stack.emulator!.url;
    const edgeLogger = fileLogger(edgeLog, 'info');
    const edge = await stack.startEdge({
      taskQueue, logger: edgeLogger, backofficeToken: secrets.backofficeToken, webhookToken: secrets.webhookToken,
      defacto: new DefactoClient({ baseUrl: emulatorUrl, apiKey: secrets.apiKey, timeoutMs: 10_000, logger: edgeLogger.child({ component: 'defacto' }) }),
    });
    const workers = await stack.startWorkers({
      taskQueue, defacto: { apiKey: secrets.apiKey }, logFile: workerLog, logLevel: 'info', restartOnExit: true, count: options.workers ?? 1,
      workerOptions: { shutdownGraceTime: '2s' },
    });
    return {
      secrets,
      taskQueue,
      temporal: stack.temporal,
      client: stack.client,
      emulatorUrl,
      workers,
      bundleCode: (await stack.workflowBundle()).code,
      edgeUrl: edge.url,
      logFiles: () => [harnessLog, edgeLog, workerLog, ...stack.temporal.logFiles, ...(cluster?.logFiles ?? [])],
      temporalFaults: cluster?.faults
        ?? (stack.temporal.devServer ? [{ label: 'restart of the Temporal dev server', run: () => stack.temporal.restart() }] : []),
      restartEdge: () => edge.restart(),
      close: async () => {
        try {
          await stack.stop();
        } finally {
          await cluster?.stop();
        }
      },
    };
  } catch (error) {
    await stack.stop().catch(() => undefined);
    await cluster?.stop();
    throw error;
  }
}
