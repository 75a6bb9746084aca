/**
 * The workflow interceptors of a traced worker, bundled with the workflows (`WORKFLOW_TRACING_MODULE`):
 * Temporal's OpenTelemetry workflow interceptors (a span for the run, each signal, update and query, each
 * activity, child workflow and continue-as-new), except that a local activity gets no `StartActivity`
 * span of its own. The lifecycle reads Defacto through a dozen local activities per loan; their
 * `RunActivity` span (the worker's activity interceptor) and their Defacto request spans stay in the
 * loan's trace, as children of the span that scheduled them (the run, or the signal being handled).
 * Dropping the extra workflow span halves the spans a loan's workflow makes, each of which costs its
 * workflow task the span's bookkeeping and a crossing out of the sandbox.
 */
import {
  OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor, OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import { headersWithContext } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import { getActivator, SdkFlags } from '@temporalio/interceptors-opentelemetry/lib/workflow/workflow-imports.js';
import type { LocalActivityInput, Next, WorkflowInterceptors, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';

/** Temporal's outbound interceptor, local activities carrying the active trace context without a span of their own. */
class LocalActivitiesWithoutSpans extends OpenTelemetryOutboundInterceptor {
  override async scheduleLocalActivity(
    input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ): Promise<unknown> {
    const headers = headersWithContext(input.headers);
    // As Temporal's interceptor does: histories recorded before this SDK flag expect the extra yield.
    if (!getActivator().hasFlag(SdkFlags.OpenTelemetryInterceporsAvoidsExtraYields)) await Promise.resolve();
    return next({ ...input, headers });
  }
}

/** The workflow interceptors factory the bundler registers (`workflowInterceptorModules`). */
export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new OpenTelemetryInboundInterceptor()],
  outbound: [new LocalActivitiesWithoutSpans()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
