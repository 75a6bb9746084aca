/**
 * `npm run server [-- --emulator-url URL]`: the inbound edge as a process. Reads the configuration,
 * connects to Temporal, makes sure Defacto's webhook subscription points here, listens on HTTP_PORT,
 * and closes gracefully (in-flight requests finish) on SIGINT or SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { dataConverter } from '../codec/data-converter';
import { loadConfig, redactConfig } from '../config';
import { rootLogger } from '../logging';
import { defactoClientFromConfig } from '../loan-worker';
import { startHttpEdge } from './edge';
import { runAsMain } from '../cli';

/** Runs the server until SIGINT or SIGTERM. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const config = loadConfig();
  const log = rootLogger(config.logLevel);
  const urlFlag = argv.indexOf('--emulator-url');
  const emulatorUrl = urlFlag >= 0 ? argv[urlFlag + 1] : undefined;
  log.info({ config: redactConfig(config) }, 'starting the HTTP edge');
  if (!config.http.backofficeToken) log.warn('BACKOFFICE_TOKEN is not set: every back-office request will be refused');
  if (!config.http.webhookToken) log.warn('WEBHOOK_TOKEN is not set: webhooks are refused and not subscribed');

  const defacto = defactoClientFromConfig(config, { emulatorUrl, logger: log.child({ component: 'defacto' }) });
  const connection = await Connection.connect(config.temporal.connection);
  try {
    const edge = await startHttpEdge({
      temporalClient: new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) }),
      taskQueue: config.temporal.taskQueue,
      defacto,
      config: {
        backofficeToken: config.http.backofficeToken,
        webhookToken: config.http.webhookToken,
        uiBaseUrl: config.temporal.uiUrl,
        searchTagKey: config.dataProtection.searchTagKey,
      },
      logger: log,
      host: '0.0.0.0',
      port: config.http.port,
      publicUrl: config.http.publicUrl,
    });
    log.info({ url: edge.url, webhooks: edge.subscribed }, 'HTTP edge listening');
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    log.info({ signal }, 'closing the HTTP edge');
    await edge.close();
  } finally {
    await connection.close();
  }
}

runAsMain(import.meta.url, () => main());
