/**
 * `npm run worker`: serves the configured task queue with the loan worker (src/loan-worker.ts) until
 * SIGINT/SIGTERM, from the environment's configuration.
 */
import { NativeConnection } from '@temporalio/worker';
import { dataConverter } from './codec/data-converter';
import { loadConfig, redactConfig } from './config';
import { rootLogger } from './logging';
import { defactoClientFromConfig, runWorker } from './loan-worker';
import { installTemporalRuntime } from './temporal-runtime';
import { runAsMain } from './cli';
import { checkNamespace } from './namespace-setup';

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
      dataConverter: dataConverter(config),
    });
    await running.done;
    log.info('loan worker drained');
  } finally {
    await connection.close();
  }
}

runAsMain(import.meta.url, () => main());
