/**
 * The workflow side of tracing without the OpenTelemetry libraries: the run continues the trace its start
 * headers carry (Temporal's header, W3C `traceparent`), derives the same span ID on every replay, hands
 * that context on in the format Temporal's activity interceptor reads, and the worker's sink exports the
 * run span under the caller's span.
 */
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Resource } from '@opentelemetry/resources';
import { extractContextFromHeaders, TRACE_HEADER as TEMPORAL_TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowInfo } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { runSpanSinks, type Tracing } from '../../src/observability/tracing';
import { deterministicSpanId, runSpanOf, traceHeader, TRACE_HEADER } from '../../src/observability/workflow-tracing';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const headers = (carrier: Record<string, string>) => ({ [TRACE_HEADER]: defaultPayloadConverter.toPayload(carrier) });

describe('the workflow trace propagator', () => {
  it('uses the header Temporal\'s OpenTelemetry interceptors use', () => {
    expect(TRACE_HEADER).toBe(TEMPORAL_TRACE_HEADER);
  });

  it('continues the caller\'s trace with a span ID derived from the run ID alone', () => {
    const span = runSpanOf(headers({ traceparent: PARENT, tracestate: 'vendor=1' }), 'run-1');
    expect(span).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c', parentSpanId: 'b7ad6b7169203331', spanId: deterministicSpanId('run-1/run'),
      traceFlags: 1, traceState: 'vendor=1',
    });
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(runSpanOf(headers({ traceparent: PARENT }), 'run-1').spanId).toBe(span.spanId);
    expect(runSpanOf(headers({ traceparent: PARENT }), 'run-2').spanId).not.toBe(span.spanId);
  });

  it('starts a trace of its own, sampled, when the start carried none or a malformed one', () => {
    for (const start of [{}, headers({ traceparent: 'garbage' }), headers({ traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' })]) {
      const span = runSpanOf(start, 'run-3');
      expect(span.parentSpanId).toBeUndefined();
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.traceFlags).toBe(1);
      expect(runSpanOf(start, 'run-3')).toEqual(span);
    }
  });

  it('writes a header Temporal\'s activity interceptor reads as the run span\'s context', () => {
    // The activity side extracts with the global propagator, which a traced process registers.
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const span = runSpanOf(headers({ traceparent: PARENT.replace(/-01$/, '-00') }), 'run-4');
      const extracted = extractContextFromHeaders({ [TRACE_HEADER]: traceHeader(span) }) ?? context.active();
      const remote = trace.getSpanContext(extracted);
      expect(remote).toMatchObject({ traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.NONE, isRemote: true });
    } finally {
      propagation.disable();
    }
  });
});

describe('the run-span sink', () => {
  it('exports RunWorkflow:<type> from the run start to now, under the caller\'s span', () => {
    const exporter = new InMemorySpanExporter();
    const tracing = { resource: new Resource({ 'service.name': 'test' }), processor: new SimpleSpanProcessor(exporter) } as unknown as Tracing;
    const { workflowTracing } = runSpanSinks(tracing);
    const runStartTime = new Date(Date.now() - 2_000);
    const info = { workflowType: 'loanLifecycleWorkflow', workflowId: 'loan-1', runId: 'run-1', runStartTime } as unknown as WorkflowInfo;
    const span = runSpanOf(headers({ traceparent: PARENT }), 'run-1');
    void workflowTracing.runEnded.fn(info, { ...span, outcome: 'failed' });
    expect(workflowTracing.runEnded.callDuringReplay).toBe(false);
    const [exported, ...rest] = exporter.getFinishedSpans();
    expect(rest).toHaveLength(0);
    expect(exported?.name).toBe('RunWorkflow:loanLifecycleWorkflow');
    expect(exported?.parentSpanId).toBe('b7ad6b7169203331');
    expect(exported?.spanContext()).toMatchObject({ traceId: span.traceId, spanId: span.spanId });
    expect(exported?.attributes).toMatchObject({ temporalWorkflowId: 'loan-1', run_id: 'run-1', 'temporal.workflow.outcome': 'failed' });
    expect(exported?.status.code).toBe(2);
    const seconds = (exported?.duration[0] ?? 0) + (exported?.duration[1] ?? 0) / 1e9;
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    expect(seconds).toBeLessThan(10);
  });
});
