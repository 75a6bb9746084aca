/**
 * The one worker child program: a loan worker in its own process, started by the stack builder
 * (src/stack/workers.ts) for `npm start`, the benchmark, the detection benchmark and the chaos harness.
 * The Temporal connection (address, namespace, TLS, API key) and the Defacto target come from the
 * environment, read by `loadConfig` exactly as `npm run worker` reads them, so secrets never sit on the
 * command line; the one argument (JSON, {@link WorkerChildConfig}) says what to run.
 *
 * `defacto` activities are the production worker (`runWorker`); `null` activities run the same
 * workflow bundle with the canned activities of the null loan (no Defacto behind them).
 */
import { readFileSync } from 'node:fs';
import { NativeConnection, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { dataConverter } from '../codec/data-converter';
import { loadConfig } from '../config';
import { rootLogger } from '../logging';
import { installTemporalRuntime } from '../temporal-runtime';
import { installTracingFromConfig } from '../observability/tracing';
import { defactoClientFromConfig, loanWorkflowBundle, runWorker } from '../loans/loan-worker';
import { serveChild } from './child-process';
import { nullActivities } from './null-activities';

/** What the child runs (the one command-line argument, JSON). */
export interface WorkerChildConfig {
  readonly taskQueue: string;
  readonly activities: 'defacto' | 'null';
  /** A bundle built once by the parent; absent → this process bundles src/workflows itself. */
  readonly bundle?: { readonly codePath: string; readonly sourceMapPath?: string };
  /** Worker tuning (JSON-serialisable options: slots, cache, pollers, shutdown grace time). */
  readonly workerOptions?: Partial<WorkerOptions>;
}

/** What the child reports once polling. */
export interface WorkerChildReady {
  readonly type: 'ready';
  /** From process start to polling. */
  readonly startupMs: number;
  /** Time spent obtaining the workflow bundle (reading it, or building it). */
  readonly bundleMs: number;
}

serveChild(async () => {
  const spec = JSON.parse(process.argv[2] ?? '{}') as WorkerChildConfig;
  const config = loadConfig();
  const logger = rootLogger(config.logLevel);
  // WORKER_METRICS_ADDRESS: a free port when the stack asked for metrics, `off` otherwise.
  installTemporalRuntime(logger, { metricsAddress: config.observability.workerMetricsAddress });
  const tracing = installTracingFromConfig(config.observability.tracing, 'defacto-lending-worker');
  const bundleStarted = performance.now();
  const workflowBundle: WorkflowBundleWithSourceMap = spec.bundle
    ? {
      code: readFileSync(spec.bundle.codePath, 'utf8'),
      sourceMap: spec.bundle.sourceMapPath ? readFileSync(spec.bundle.sourceMapPath, 'utf8') : '',
    }
    : await loanWorkflowBundle();
  const bundleMs = performance.now() - bundleStarted;
  const connection = await NativeConnection.connect(config.temporal.connection);
  try {
    const running = await runWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: spec.taskQueue,
      dataConverter: dataConverter(config),
      workflowBundle,
      shutdownSignals: [],
      logger,
      workerOptions: spec.workerOptions ?? {},
      lending: config.lending,
      ...(spec.activities === 'null'
        ? { activities: nullActivities() }
        : { defacto: defactoClientFromConfig(config, { logger: logger.child({ component: 'defacto' }) }) }),
    });
    // performance.now() counts from this process's start.
    return {
      ready: { startupMs: performance.now(), bundleMs } satisfies Omit<WorkerChildReady, 'type'>,
      stop: async () => {
        await running.stop();
        await connection.close();
        await tracing?.shutdown();
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
});
