/**
 * Installs Temporal's process-wide Runtime with our pino logger. Must run before the first
 * NativeConnection or Worker of the process; later calls are no-ops.
 */
import { Runtime } from '@temporalio/worker';
import { temporalLoggerFrom, type Logger } from './logging';

let installed = false;

/**
 * Routes SDK and worker logs, activity/workflow `log` calls and the native core's own lines (forwarded
 * instead of printed to stderr) through `logger`.
 */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: temporalLoggerFrom(logger), telemetryOptions: { logging: { forward: {} } } });
  } catch {
    // A Runtime already exists (someone created a connection first): keep it rather than crash.
  }
}
