/**
 * Imported first by the tracing test: installs this process's OpenTelemetry tracing with an in-memory
 * exporter (every span exported as it ends), before any client, worker or edge is built.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { installTracing } from '../../src/observability/tracing';

/** Every span this process ended. */
export const spans = new InMemorySpanExporter();

export const tracing = installTracing({ serviceName: 'defacto-lending-test', exporter: spans, immediate: true });
