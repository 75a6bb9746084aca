/**
 * Installs Temporal's process-wide Runtime with our pino logger and, when asked, a Prometheus endpoint.
 * Must run before the first NativeConnection or Worker of the process; later calls are no-ops.
 */
import { Runtime } from '@temporalio/worker';
import { temporalLoggerFrom, type Logger } from './logging';
import { runtimeHistogramBuckets } from './observability/metric-names';

let installed = false;

/** Options of {@link installTemporalRuntime}. */
export interface TemporalRuntimeOptions {
  /**
   * `host:port` of a Prometheus endpoint (`/metrics`) serving the SDK's own metrics and the business
   * metrics that workflows and activities emit through the SDK's metric meters.
   */
  readonly metricsAddress?: string | undefined;
}

/**
 * Routes SDK and worker logs, activity/workflow `log` calls and the native core's own lines (forwarded
 * instead of printed to stderr) through `logger`. Returns false when a Runtime already existed (its
 * options, the metrics endpoint included, are then those of the first install).
 */
export function installTemporalRuntime(logger: Logger, options: TemporalRuntimeOptions = {}): boolean {
  if (installed) return false;
  installed = true;
  const metrics = options.metricsAddress
    ? { metrics: { prometheus: { bindAddress: options.metricsAddress, histogramBucketOverrides: runtimeHistogramBuckets() } } }
    : {};
  try {
    Runtime.install({ logger: temporalLoggerFrom(logger), telemetryOptions: { logging: { forward: {} }, ...metrics } });
    return true;
  } catch {
    // A Runtime already exists (someone created a connection first): keep it rather than crash.
    return false;
  }
}
