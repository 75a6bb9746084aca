/**
 * A loan worker in its own process, so the benchmark can read its CPU seconds and peak RSS from /proc.
 * `lifecycle` mode is the production worker (`runWorker` of src/worker.ts, activities against the
 * emulator); `null` mode runs the same workflow bundle with the canned activities of the null loan.
 */
import { readFileSync } from 'node:fs';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DefactoClient } from '../../src/defacto';
import { createLogger } from '../../src/logging';
import { installTemporalRuntime } from '../../src/temporal-runtime';
import { loanWorkflowBundle, runWorker } from '../../src/worker';
import { serveChild } from '../lib/children';
import { workerOptionsOf, type WorkerTuning } from '../lib/tuning';
import { nullActivities } from '../null-activities';

/** Configuration passed as the one command-line argument (JSON). */
export interface WorkerProcessConfig {
  readonly mode: 'lifecycle' | 'null';
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  /** Lifecycle mode: the emulator and the tenant's API key. */
  readonly emulatorUrl?: string;
  readonly apiKey?: string;
  /** A bundle built once by the parent; absent → this process bundles src/workflows itself. */
  readonly bundle?: { readonly codePath: string; readonly sourceMapPath: string };
  readonly tuning: WorkerTuning;
}

/** What the worker reports once polling. */
export interface WorkerReady {
  readonly type: 'ready';
  /** From process start to polling. */
  readonly startupMs: number;
  /** Time spent obtaining the workflow bundle (reading it, or building it). */
  readonly bundleMs: number;
}

serveChild(async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as WorkerProcessConfig;
  const logger = createLogger({ level: 'warn' });
  installTemporalRuntime(logger);
  const bundleStarted = performance.now();
  const workflowBundle: WorkflowBundleWithSourceMap = config.bundle
    ? { code: readFileSync(config.bundle.codePath, 'utf8'), sourceMap: readFileSync(config.bundle.sourceMapPath, 'utf8') }
    : await loanWorkflowBundle();
  const bundleMs = performance.now() - bundleStarted;
  const connection = await NativeConnection.connect({ address: config.address });
  const workerOptions = workerOptionsOf(config.tuning);

  let stop: () => Promise<void>;
  if (config.mode === 'null') {
    const worker = await Worker.create({
      ...workerOptions,
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      workflowBundle,
      activities: nullActivities(),
    });
    const done = worker.run();
    stop = async () => {
      worker.shutdown();
      await done;
    };
  } else {
    if (!config.emulatorUrl || !config.apiKey) throw new Error('lifecycle mode needs emulatorUrl and apiKey');
    const defacto = new DefactoClient({ baseUrl: config.emulatorUrl, apiKey: config.apiKey, retry: 'none' });
    const running = await runWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      defacto,
      workflowBundle,
      shutdownSignals: [],
      logger,
      workerOptions,
    });
    stop = () => running.stop();
  }
  // performance.now() counts from this process's start.
  const ready: Omit<WorkerReady, 'type'> = { startupMs: performance.now(), bundleMs };
  return {
    ready: { ...ready },
    stop: async () => {
      await stop();
      await connection.close();
    },
  };
});

