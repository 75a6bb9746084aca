/**
 * Entry point of the worker process the chaos harness SIGKILLs and restarts: the production
 * `runWorker` over the configuration in its environment (the harness passes the API key there, never
 * on the command line), with the workflow bundle the harness built once (so a restart takes a second,
 * not a webpack build). Logs are pino JSON lines on stdout, which the harness keeps and scans.
 *
 *   node --import tsx bench/chaos/worker-child.ts --emulator-url URL --bundle FILE
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { rootLogger } from '../../src/logging';
import { installTemporalRuntime } from '../../src/temporal-runtime';
import { defactoClientFromConfig, runWorker } from '../../src/worker';

const { values } = parseArgs({ options: { 'emulator-url': { type: 'string' }, bundle: { type: 'string' } } });
const bundlePath = values.bundle;
if (!bundlePath) throw new Error('--bundle is required');

// The harness holds the other end of the IPC channel: when it dies, so does this worker.
process.on('disconnect', () => process.exit(1));

const config = loadConfig();
const log = rootLogger(config.logLevel);
installTemporalRuntime(log);
const defacto = defactoClientFromConfig(config, { emulatorUrl: values['emulator-url'], logger: log.child({ component: 'defacto' }) });
const connection = await NativeConnection.connect(config.temporal.connection);
const running = await runWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  defacto,
  workflowBundle: { code: readFileSync(bundlePath, 'utf8'), sourceMap: '' },
  logger: log,
  workerOptions: { shutdownGraceTime: '2s' },
});
process.send?.({ type: 'ready' });
await running.done;
await connection.close();
process.disconnect?.();
