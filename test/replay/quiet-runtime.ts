/**
 * Temporal's Runtime for the replay tests, with core (Rust) log lines forwarded to a silent logger.
 * Replaying the incompatible fixtures makes core warn once per history ("Failing workflow task …
 * Nondeterminism error"); the tests assert those errors from the replay results, and printed straight
 * to the console (core's default) they would bury the test report.
 */
import { Runtime } from '@temporalio/worker';
import { createLogger, temporalLoggerFrom } from '../../src/logging';

/** Installs the quiet Runtime; call before the first connection or worker of the process. */
export function installQuietTemporalRuntime(): void {
  try {
    Runtime.install({
      logger: temporalLoggerFrom(createLogger({ level: 'silent' })),
      telemetryOptions: { logging: { forward: {} } },
    });
  } catch {
    // A Runtime already exists in this process: keep it.
  }
}
