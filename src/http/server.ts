/**
 * `npm run server`: the inbound edge as a process. Reads the configuration, connects to Temporal, makes
 * sure Defacto's webhook subscription points here, listens on HTTP_PORT, and closes gracefully
 * (in-flight requests finish) on SIGINT or SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { runAsMain } from '../cli';
import { dataConverter } from '../codec/data-converter';
import { runCommand } from '../command-line';
import { loadConfig } from '../config';
import { redactConfig } from '../config/redaction';
import { defactoClientFromConfig } from '../loans/loan-worker';
import { rootLogger } from '../logging';
import { installTracingFromConfig, tracingClientInterceptors } from '../observability/tracing';
import { startHttpEdge } from './edge';

const SERVER_COMMAND = {
  usage: 'npm run server -- [--emulator-url URL]',
  description: "Serves the back-office API (/loans, bearer BACKOFFICE_TOKEN) and Defacto's webhook receiver on HTTP_PORT until\n"
    + 'SIGINT or SIGTERM; subscribes Defacto to HTTP_PUBLIC_URL when WEBHOOK_TOKEN is set.\n'
    + 'Configuration from the environment (README, "Configuration"): HTTP_PORT, BACKOFFICE_TOKEN, TEMPORAL_ADDRESS, …',
  options: {
    'emulator-url': { type: 'string', value: 'URL', help: 'the Defacto emulator to call when DEFACTO_BASE_URL is not set (npm run emulator)' },
  },
} as const;

runAsMain(import.meta.url, () => runCommand(SERVER_COMMAND, process.argv.slice(2), (v) => v['emulator-url'], async (emulatorUrl) => {
  const config = loadConfig();
  const log = rootLogger(config.logLevel);
  const tracing = installTracingFromConfig(config.observability.tracing, 'defacto-lending-edge');
  const defacto = defactoClientFromConfig(config, { emulatorUrl, logger: log.child({ component: 'defacto' }) });
  log.info({ config: redactConfig(config) }, 'starting the HTTP edge');
  if (!config.http.backofficeToken) log.warn('BACKOFFICE_TOKEN is not set: every back-office request will be refused');
  if (!config.http.webhookToken) log.warn('WEBHOOK_TOKEN is not set: webhooks are refused and not subscribed');
  const connection = await Connection.connect(config.temporal.connection);
  try {
    const edge = await startHttpEdge({
      temporalClient: new Client({
        connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config), interceptors: tracingClientInterceptors(tracing),
      }),
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
    await tracing?.shutdown();
  }
  return 0;
}));
