/**
 * `npm run worker`: serves the configured task queue with the loan worker (src/loans/loan-worker.ts)
 * until SIGINT or SIGTERM, then drains, from the environment's configuration.
 */
import { NativeConnection } from '@temporalio/worker';
import { runAsMain } from './cli';
import { dataConverter } from './codec/data-converter';
import { runCommand } from './command-line';
import { loadConfig } from './config';
import { redactConfig } from './config/redaction';
import { defactoClientFromConfig, runWorker } from './loans/loan-worker';
import { rootLogger } from './logging';
import { checkNamespace } from './namespace-setup';
import { installTracingFromConfig } from './observability/tracing';
import { installTemporalRuntime } from './temporal-runtime';

const WORKER_COMMAND = {
  usage: 'npm run worker -- [--emulator-url URL]',
  description: 'Serves the loan lifecycle (workflow and activities) on TEMPORAL_TASK_QUEUE until SIGINT or SIGTERM, then drains.\n'
    + 'Configuration from the environment (README, "Configuration"): DEFACTO_BASE_URL, DEFACTO_API_KEY, TEMPORAL_ADDRESS, …',
  options: {
    'emulator-url': { type: 'string', value: 'URL', help: 'the Defacto emulator to call when DEFACTO_BASE_URL is not set (npm run emulator)' },
  },
} as const;

runAsMain(import.meta.url, () => runCommand(WORKER_COMMAND, process.argv.slice(2), (v) => v['emulator-url'], async (emulatorUrl) => {
  const config = loadConfig();
  const log = rootLogger(config.logLevel);
  // Before the Temporal runtime exists: a configuration error ends the process at once.
  const defacto = defactoClientFromConfig(config, { emulatorUrl, logger: log.child({ component: 'defacto' }) });
  installTemporalRuntime(log, { metricsAddress: config.observability.workerMetricsAddress });
  const tracing = installTracingFromConfig(config.observability.tracing, 'defacto-lending-worker');
  log.info({ config: redactConfig(config) }, 'starting loan worker');
  const metrics = config.observability.workerMetricsAddress;
  if (metrics) log.info({ metrics: `http://${metrics}/metrics` }, 'worker metrics (SDK and business) served');
  const connection = await NativeConnection.connect(config.temporal.connection);
  try {
    const check = await checkNamespace(connection, config.temporal.namespace);
    if (check.status === 'unverifiable') log.warn({ reason: check.reason }, 'cannot list the namespace\'s search attributes; starting without checking them');
    const running = await runWorker({
      connection, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, defacto, logger: log,
      dataConverter: dataConverter(config), lending: config.lending,
    });
    await running.done;
    log.info('loan worker drained');
  } finally {
    await connection.close();
    await tracing?.shutdown();
  }
  return 0;
}));
