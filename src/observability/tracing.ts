/**
 * OpenTelemetry tracing of the whole path of a loan: the HTTP edge's request span, the Temporal client
 * call it makes (Temporal's client interceptor), the workflow run's span (the trace propagator of
 * ./workflow-tracing.ts inside the workflow, the span exported here through a sink), the activity spans
 * (Temporal's activity interceptors), and each Defacto request (src/defacto/transport.ts), which carries
 * the trace to Defacto as a W3C `traceparent`. Installed once per process; without it every span is a no-op.
 */
import { fileURLToPath } from 'node:url';
import { createTraceState, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { TracingConfig } from '../config';
import type { RunSpan, RunSpanSinks } from './workflow-tracing';

/**
 * The workflow interceptor module (./workflow-tracing.ts: the run's trace context into the headers of what
 * it schedules, its span through {@link runSpanSinks}): it must be bundled with the workflows (see
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

/** The instrumentation scope of the run spans. */
const RUN_SPAN_SCOPE = { name: 'defacto-temporal-lending/workflow' };

/**
 * The sink that exports a run's `RunWorkflow:<type>` span when the run ends (skipped on replay): from the
 * run's start time to now, with the IDs the workflow derived (./workflow-tracing.ts), so that the spans of
 * the activities it scheduled, exported earlier, hang under it.
 */
export function runSpanSinks(tracing: Tracing): InjectedSinks<RunSpanSinks> {
  return {
    workflowTracing: {
      runEnded: {
        fn(info, span: RunSpan) {
          const startTime = millisToHrTime(info.runStartTime.getTime());
          const endTime = millisToHrTime(Math.max(Date.now(), info.runStartTime.getTime()));
          const spanContext = {
            traceId: span.traceId, spanId: span.spanId, traceFlags: span.traceFlags,
            ...(span.traceState ? { traceState: createTraceState(span.traceState) } : {}),
          };
          tracing.processor.onEnd({
            name: `RunWorkflow:${info.workflowType}`,
            kind: SpanKind.INTERNAL,
            spanContext: () => spanContext,
            ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
            startTime,
            endTime,
            duration: hrTimeDuration(startTime, endTime),
            status: span.outcome === 'failed' ? { code: SpanStatusCode.ERROR, message: 'workflow failed' } : { code: SpanStatusCode.OK },
            attributes: {
              temporalWorkflowId: info.workflowId, run_id: info.runId, 'temporal.workflow.outcome': span.outcome,
            },
            links: [],
            events: [],
            ended: true,
            resource: tracing.resource,
            instrumentationLibrary: RUN_SPAN_SCOPE,
            droppedAttributesCount: 0,
            droppedEventsCount: 0,
            droppedLinksCount: 0,
          });
        },
        callDuringReplay: false,
      },
    },
  };
}

/**
 * Worker options for tracing: activity interceptors (a span per attempt, trace IDs in activity log
 * attributes), the client interceptor for calls made from the worker, and the sink that exports the
 * run spans (skipped on replay). The workflow bundle must include {@link WORKFLOW_TRACING_MODULE}.
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
    sinks: runSpanSinks(tracing),
  };
}
