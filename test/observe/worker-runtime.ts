/**
 * Imported first by the observability tests: installs this process's Temporal runtime with a Prometheus
 * endpoint on a free port, before test/helpers/temporal.ts installs a runtime without one.
 */
import { freePort } from '../../src/dev-server';
import { createLogger } from '../../src/logging';
import { installTemporalRuntime } from '../../src/temporal-runtime';

/** `host:port` of this process's worker metrics endpoint. */
export const workerMetricsAddress = `127.0.0.1:${await freePort()}`;

if (!installTemporalRuntime(createLogger({ level: 'warn' }), { metricsAddress: workerMetricsAddress })) {
  throw new Error('a Temporal runtime was installed before worker-runtime.ts: import it first');
}
