/**
 * The workflow interceptors of a traced worker, bundled with the workflows (`WORKFLOW_TRACING_MODULE`).
 * They replace the workflow half of Temporal's OpenTelemetry interceptors with a propagator that costs
 * the workflow almost nothing: no OpenTelemetry library in the sandbox, no context manager, no span object,
 * no extra promise or async function around any call.
 *
 * - `execute` reads the caller's W3C trace context from the start headers once, and derives the run's span
 *   ID from the run ID (so every replay and every worker computes the same one, without touching the
 *   workflow's seeded random numbers);
 * - every activity, local activity, child workflow, external signal and continue-as-new the run schedules
 *   carries that run span's context in its headers (one header payload built per run), so the worker's
 *   `RunActivity` spans and their Defacto request spans are its children, and a child workflow's or next
 *   run's span too;
 * - when an activation concludes the run (completed, failed, canceled, continued as new), a sink call hands
 *   the run's IDs to the worker, which exports the `RunWorkflow:<type>` span, from the run's start time to
 *   now (src/observability/tracing.ts, `runSpanSinks`); skipped on replay.
 *
 * Inbound signals, updates and queries get no span of their own; log lines written by the workflow carry the
 * run span's `trace_id` and `span_id`.
 *
 * Replay: headers are not part of a workflow's determinism, and nothing here awaits, so no command moves.
 * Temporal's interceptors add an extra `await` for histories recorded by SDKs older than 1.13.2 (flag
 * `OpenTelemetryInterceporsAvoidsExtraYields`); this project has only ever run SDK 1.24 or later, whose
 * histories all carry that flag, so that behaviour is not needed.
 */
import {
  defaultPayloadConverter, proxySinks, workflowInfo, type ActivityInput, type ConcludeActivationInput,
  type ConcludeActivationOutput, type ContinueAsNewInput, type GetLogAttributesInput, type LocalActivityInput, type Next,
  type SignalWorkflowInput, type Sinks, type StartChildWorkflowExecutionInput, type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor, type WorkflowInterceptors, type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { Payload } from '@temporalio/common';

/** The header Temporal's OpenTelemetry interceptors read and write (`TRACE_HEADER` of @temporalio/interceptors-opentelemetry). */
export const TRACE_HEADER = '_tracer-data';

/** How a run ended, from the command that concluded it. */
export type RunOutcome = 'completed' | 'failed' | 'canceled' | 'continued-as-new';

/** The run span, as the workflow hands it to the worker. */
export interface RunSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** The caller's span (the client's `StartWorkflow`, a parent run); absent for a run that started a trace. */
  readonly parentSpanId?: string;
  /** W3C trace flags (1: sampled). */
  readonly traceFlags: number;
  readonly traceState?: string;
  readonly outcome: RunOutcome;
}

/** The sink the worker registers (`runSpanSinks`). */
export interface RunSpanSinks extends Sinks {
  workflowTracing: {
    runEnded(span: RunSpan): void;
  };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** FNV-1a, 32 bits, from a given offset basis. */
function fnv1a(text: string, basis: number): number {
  let hash = basis;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** 16 hex digits derived from `seed` (never all zeros): a span ID that every replay computes alike. */
export function deterministicSpanId(seed: string): string {
  const id = fnv1a(seed, 0x811c9dc5).toString(16).padStart(8, '0') + fnv1a(`${seed}\u0000`, 0x01234567).toString(16).padStart(8, '0');
  return id === '0000000000000000' ? '0000000000000001' : id;
}

/** The trace context a run continues: from the start headers, or a new trace of its own. */
export function runSpanOf(headers: Record<string, Payload>, runId: string): Omit<RunSpan, 'outcome'> {
  const spanId = deterministicSpanId(`${runId}/run`);
  const encoded = headers[TRACE_HEADER];
  let carrier: { traceparent?: unknown; tracestate?: unknown } | undefined;
  try {
    carrier = encoded ? defaultPayloadConverter.fromPayload(encoded) : undefined;
  } catch {
    carrier = undefined;
  }
  const parent = typeof carrier?.traceparent === 'string' ? TRACEPARENT.exec(carrier.traceparent) : null;
  if (!parent || /^0+$/.test(parent[1] as string) || /^0+$/.test(parent[2] as string)) {
    return { traceId: deterministicSpanId(`${runId}/trace`) + deterministicSpanId(`${runId}/trace/2`), spanId, traceFlags: 1 };
  }
  return {
    traceId: parent[1] as string,
    spanId,
    parentSpanId: parent[2] as string,
    traceFlags: parseInt(parent[3] as string, 16),
    ...(typeof carrier?.tracestate === 'string' && carrier.tracestate ? { traceState: carrier.tracestate } : {}),
  };
}

/** The header payload that makes `span` the parent of what the run schedules. */
export function traceHeader(span: Omit<RunSpan, 'outcome'>): Payload {
  const flags = span.traceFlags.toString(16).padStart(2, '0');
  return defaultPayloadConverter.toPayload({
    traceparent: `00-${span.traceId}-${span.spanId}-${flags}`,
    ...(span.traceState ? { tracestate: span.traceState } : {}),
  });
}

/** The command that concludes a run, if `commands` holds one. */
function outcomeOf(commands: ConcludeActivationInput['commands']): RunOutcome | undefined {
  for (const command of commands) {
    if (command.completeWorkflowExecution) return 'completed';
    if (command.failWorkflowExecution) return 'failed';
    if (command.continueAsNewWorkflowExecution) return 'continued-as-new';
    if (command.cancelWorkflowExecution) return 'canceled';
  }
  return undefined;
}

/** The workflow interceptors factory the bundler registers (`workflowInterceptorModules`); one per run. */
export const interceptors = (): WorkflowInterceptors => {
  let span: Omit<RunSpan, 'outcome'> | undefined;
  let header: Payload | undefined;
  let ended = false;
  const { workflowTracing } = proxySinks<RunSpanSinks>();
  const withTrace = <T extends { readonly headers: Record<string, Payload> }>(input: T): T =>
    header ? { ...input, headers: { ...input.headers, [TRACE_HEADER]: header } } : input;

  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
      span = runSpanOf(input.headers, workflowInfo().runId);
      header = traceHeader(span);
      return next(input);
    },
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) => next(withTrace(input)),
    scheduleLocalActivity: (input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>) =>
      next(withTrace(input)),
    startChildWorkflowExecution: (
      input: StartChildWorkflowExecutionInput, next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
    ) => next(withTrace(input)),
    signalWorkflow: (input: SignalWorkflowInput, next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>) => next(withTrace(input)),
    continueAsNew: (input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>) => next(withTrace(input)),
    getLogAttributes(input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) {
      if (!span) return next(input);
      return next({ trace_id: span.traceId, span_id: span.spanId, trace_flags: span.traceFlags.toString(16).padStart(2, '0'), ...input });
    },
  };
  const internals: WorkflowInternalsInterceptor = {
    concludeActivation(input: ConcludeActivationInput, next: Next<WorkflowInternalsInterceptor, 'concludeActivation'>): ConcludeActivationOutput {
      if (span && !ended) {
        const outcome = outcomeOf(input.commands);
        if (outcome) {
          ended = true;
          if (span.traceFlags & 1) workflowTracing.runEnded({ ...span, outcome });
        }
      }
      return next(input);
    },
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
