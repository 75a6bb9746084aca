/**
 * The loan worker: the lifecycle workflow (one prebuilt bundle per process) and its activities over one
 * Defacto client. `runWorker` is reused by `npm start`, tests and benchmarks; run this file directly
 * (`npm run worker`) to serve the task queue from the environment's configuration.
 */
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from './activities';
import { ConfigError, loadConfig, redactConfig, type AppConfig } from './config';
import { DefactoClient } from './defacto';
import { rootLogger, type Logger } from './logging';
import { installTemporalRuntime } from './temporal-runtime';
import { runAsMain } from './cli';
import { checkNamespace } from './namespace-setup';

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle of `src/workflows`, built once per process and shared by every worker in it. */
export function loanWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const quiet = (): void => undefined;
  bundle ??= bundleWorkflowCode({
    workflowsPath,
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
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

/** Everything a loan worker needs. */
export interface RunWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly defacto: DefactoClient;
  /** A prebuilt bundle; by default {@link loanWorkflowBundle}. */
  readonly workflowBundle?: WorkflowBundleWithSourceMap;
  /** Signals that start a graceful drain (default SIGINT and SIGTERM; `[]` to leave signals alone). */
  readonly shutdownSignals?: readonly NodeJS.Signals[];
  readonly logger?: Logger;
  /** Extra worker tuning (tests shorten the shutdown grace time, for instance). */
  readonly workerOptions?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowBundle' | 'workflowsPath'>>;
}

/** A polling worker: `stop()` drains in-flight tasks then resolves; `done` settles when the worker ends. */
export interface RunningWorker {
  readonly worker: Worker;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Creates the worker and starts polling. Resolves once polling started; a drain (signal or `stop()`)
 * lets running activities finish and hands workflow tasks back to the server, so another worker picks
 * the loans up where they are.
 */
export async function runWorker(options: RunWorkerOptions): Promise<RunningWorker> {
  const log = options.logger ?? rootLogger();
  const worker = await Worker.create({
    ...options.workerOptions,
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle ?? (await loanWorkflowBundle()),
    activities: createActivities({ defacto: options.defacto, log: log.child({ component: 'activities' }) }),
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

/** `npm run worker [-- --emulator-url URL]`: serves the configured task queue until SIGINT/SIGTERM. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const config = loadConfig();
  const log = rootLogger(config.logLevel);
  installTemporalRuntime(log);
  const urlFlag = argv.indexOf('--emulator-url');
  const emulatorUrl = urlFlag >= 0 ? argv[urlFlag + 1] : undefined;
  const defacto = defactoClientFromConfig(config, { emulatorUrl, logger: log.child({ component: 'defacto' }) });
  log.info({ config: redactConfig(config) }, 'starting loan worker');
  const connection = await NativeConnection.connect(config.temporal.connection);
  try {
    const check = await checkNamespace(connection, config.temporal.namespace);
    if (check.status === 'unverifiable') log.warn({ reason: check.reason }, 'cannot list the namespace\'s search attributes; starting without checking them');
    const running = await runWorker({
      connection, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, defacto, logger: log,
    });
    await running.done;
    log.info('loan worker drained');
  } finally {
    await connection.close();
  }
}

runAsMain(import.meta.url, () => main());
