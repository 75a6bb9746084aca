/**
 * OpenTelemetry tracing of the whole path of a loan: the HTTP edge's request span, the Temporal client
 * call it makes, the workflow and activity spans (Temporal's OpenTelemetry interceptors, workflow spans
 * exported through a sink), and each Defacto request (src/defacto/transport.ts), which carries the trace
 * to Defacto as a W3C `traceparent`. Installed once per process; without it every span is a no-op.
 */
import { fileURLToPath } from 'node:url';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { TracingConfig } from '../config';

/**
 * The workflow interceptor module (./workflow-tracing.ts: Temporal's OpenTelemetry workflow interceptors,
 * local activities without a span of their own): it must be bundled with the workflows (see
 * `loanWorkflowBundle({ tracing: true })`).
 */
export const WORKFLOW_TRACING_MODULE = fileURLToPath(new URL('./workflow-tracing.ts', import.meta.url));

/** The process's tracing, once installed. */
export interface Tracing {
  readonly serviceName: string;
  readonly resource: Resource;
  readonly processor: SpanProcessor;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** Options of {@link installTracing}. */
export interface InstallTracingOptions {
  readonly serviceName: string;
  readonly exporter: SpanExporter;
  /** Export each span as it ends (tests) instead of in batches. */
  readonly immediate?: boolean;
}

/**
 * Registers the global tracer provider (async-context propagation, W3C trace context). The first call
 * wins: later calls return the tracing already installed.
 */
export function installTracing(options: InstallTracingOptions): Tracing {
  if (installed) return installed;
  const resource = new Resource({ 'service.name': options.serviceName });
  const processor = options.immediate ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(options.exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  installed = {
    serviceName: options.serviceName,
    resource,
    processor,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      installed = undefined;
    },
  };
  return installed;
}

/** Installs tracing as the `OTEL_*` configuration says; `undefined` when it is off. */
export function installTracingFromConfig(config: TracingConfig, defaultServiceName: string): Tracing | undefined {
  if (config.exporter === 'none') return undefined;
  const exporter = config.exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter({ url: config.url });
  return installTracing({ serviceName: config.serviceName ?? defaultServiceName, exporter });
}

/** The installed tracing, if any. */
export function activeTracing(): Tracing | undefined {
  return installed;
}

/** Client interceptors that start workflows, signal and update them inside the caller's trace (none when off). */
export function tracingClientInterceptors(tracing: Tracing | undefined = installed): ClientInterceptors {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : {};
}

/**
 * Worker options for tracing: activity interceptors (a span per attempt, trace IDs in activity log
 * attributes), the client interceptor for calls made from the worker, and the sink that exports the
 * workflow spans (skipped on replay). The workflow bundle must include {@link WORKFLOW_TRACING_MODULE}.
 */
export function tracingWorkerOptions(tracing: Tracing): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    interceptors: {
      client: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.processor, tracing.resource) },
  };
}
