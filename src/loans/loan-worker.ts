/**
 * The loan worker as a library: the workflow bundle (built once per process), the Defacto client the
 * configuration describes, and `runWorker`, which polls a task queue with the lifecycle's workflow and
 * activities. Shared by `npm run worker` (src/worker.ts), the stack builder and its worker child
 * (src/stack), and the tests.
 */
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode, type NativeConnection, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { Client } from '@temporalio/client';
import type { DataConverter, MetricMeter } from '@temporalio/common';
import { LifecycleStepKey, LoanIdKey, LoanStatusKey } from '../workflows/search-attributes';
import { createActivities, createReconciliationActivities, type LendingSettings, type LoanActivities } from '../activities';
import { FAILURE_CONVERTER_PATH } from '../codec/data-converter';
import { ConfigError, type AppConfig } from '../config';
import { DefactoClient } from '../defacto';
import { rootLogger, type Logger } from '../logging';
import {
  activeTracing, tracingClientInterceptors, tracingWorkerOptions, WORKFLOW_TRACING_MODULE, type Tracing,
} from '../observability/tracing';
import { workflowMetricSinks } from '../observability/workflow-metrics';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const bundles = new Map<boolean, Promise<WorkflowBundleWithSourceMap>>();

/**
 * The workflow bundle of `src/workflows`, built once per process and shared by every worker in it. It
 * carries the project's failure converter (failure messages and stack traces go into encrypted payloads).
 * With `tracing` (default: when this process traces), it includes the tracing workflow interceptors (the
 * run's trace context into what it schedules, its span exported through the worker's sink, see
 * {@link tracingWorkerOptions}).
 */
export function loanWorkflowBundle(options: { readonly tracing?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  const tracing = options.tracing ?? activeTracing() !== undefined;
  const quiet = (): void => undefined;
  let bundle = bundles.get(tracing);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      failureConverterPath: FAILURE_CONVERTER_PATH,
      ...(tracing ? { workflowInterceptorModules: [WORKFLOW_TRACING_MODULE] } : {}),
      logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
    bundles.set(tracing, bundle);
  }
  return bundle;
}

/** The Defacto client the configuration describes; with the embedded emulator, the caller gives its URL. */
export function defactoClientFromConfig(config: AppConfig, options: { emulatorUrl?: string | undefined; logger?: Logger } = {}): DefactoClient {
  const target = config.defacto;
  const baseUrl = target.kind === 'remote' ? target.baseUrl : options.emulatorUrl;
  if (!baseUrl) {
    throw new ConfigError(
      'DEFACTO_BASE_URL is not set: start the emulator (npm run emulator) and pass --emulator-url http://127.0.0.1:4010, or point DEFACTO_BASE_URL at Defacto',
    );
  }
  return new DefactoClient({
    baseUrl,
    apiKey: target.apiKey,
    timeoutMs: target.timeoutMs,
    retry: 'none',
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/**
 * Everything a loan worker needs: Defacto (the production activities over that client), or the
 * activities themselves (the benchmark's null loan).
 */
export type RunWorkerOptions = WorkerSettings & (
  | { readonly defacto: DefactoClient; readonly activities?: undefined }
  | { readonly activities: LoanActivities; readonly defacto?: undefined }
);

/** The settings of {@link RunWorkerOptions} besides the activities. */
export interface WorkerSettings {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  /** The project's data converter (`dataConverter(config)`): payloads are encrypted with the active key. */
  readonly dataConverter: DataConverter;
  /** A prebuilt bundle; by default {@link loanWorkflowBundle}. */
  readonly workflowBundle?: WorkflowBundleWithSourceMap;
  /** Signals that start a graceful drain (default SIGINT and SIGTERM; `[]` to leave signals alone). */
  readonly shutdownSignals?: readonly NodeJS.Signals[];
  readonly logger?: Logger;
  /**
   * Tracing of workflows and activities (default: the tracing installed in this process, if any); `null`
   * runs untraced even when the process traces.
   */
  readonly tracing?: Tracing | null;
  /** Where the lifecycle's business metrics go (default: the Temporal runtime's meter, served with the SDK's metrics). */
  readonly metricMeter?: MetricMeter;
  /** Translation language and repay-now callback of the activities (`config.lending`; default: the configuration's defaults). */
  readonly lending?: LendingSettings;
  /** Extra worker tuning (tests shorten the shutdown grace time, for instance). */
  readonly workerOptions?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowBundle' | 'workflowsPath' | 'dataConverter'>>;
}

/** A polling worker: `stop()` drains in-flight tasks then resolves; `done` settles when the worker ends. */
export interface RunningWorker {
  readonly worker: Worker;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * How long a workflow task waits on this worker's sticky queue before any worker may take it (SDK default
 * 10 s). When a worker dies, its loans' next tasks wait this long: short, so another worker takes over
 * within seconds; on a live worker a task starts within milliseconds, far below it.
 */
export const STICKY_SCHEDULE_TO_START_TIMEOUT = '2 seconds';

/**
 * Creates the worker and starts polling. Resolves once polling started; a drain (signal or `stop()`)
 * lets running activities finish and hands workflow tasks back to the server, so another worker picks
 * the loans up where they are.
 */
export async function runWorker(options: RunWorkerOptions): Promise<RunningWorker> {
  const log = options.logger ?? rootLogger();
  const tracing = options.tracing === undefined ? activeTracing() : options.tracing ?? undefined;
  const traced = tracing ? tracingWorkerOptions(tracing) : undefined;
  const worker = await Worker.create({
    stickyQueueScheduleToStartTimeout: STICKY_SCHEDULE_TO_START_TIMEOUT,
    ...options.workerOptions,
    ...(traced ? { interceptors: traced.interceptors } : {}),
    // The lifecycle's business metrics (and, when tracing, the run spans) leave the sandbox through sinks.
    sinks: { ...options.workerOptions?.sinks, ...traced?.sinks, ...workflowMetricSinks(options.metricMeter) },
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: options.dataConverter,
    workflowBundle: options.workflowBundle ?? (await loanWorkflowBundle({ tracing: tracing !== undefined })),
    activities: options.activities ?? {
      ...createActivities({ defacto: options.defacto, log: log.child({ component: 'activities' }), lending: options.lending }),
      // Reconciliation reads visibility and starts adoptions on this worker's own namespace and task queue.
      ...createReconciliationActivities({
        defacto: options.defacto,
        temporal: new Client({
          connection: options.connection,
          namespace: options.namespace,
          ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
          interceptors: tracingClientInterceptors(tracing),
        }),
        taskQueue: options.taskQueue,
        log: log.child({ component: 'reconciliation' }),
        keys: { loanId: LoanIdKey, loanStatus: LoanStatusKey, lifecycleStep: LifecycleStepKey },
      }),
    },
  });
  const stop = (): void => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  const signals = options.shutdownSignals ?? ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.once(signal, stop);
  const done = worker.run().finally(() => {
    for (const signal of signals) process.off(signal, stop);
  });
  log.info({ taskQueue: options.taskQueue, namespace: options.namespace }, 'loan worker polling');
  return {
    worker,
    done,
    async stop() {
      stop();
      await done;
    },
  };
}
