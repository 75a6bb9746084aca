/**
 * Activity-side metrics, recorded through the SDK's activity metric meter (`Context.current().metricMeter`):
 * they land on the worker runtime's Prometheus endpoint with `activity_type`, `task_queue` and `namespace`
 * tags, next to the SDK's own metrics. Nothing is recorded outside an activity.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, msOptionalToNumber } from '@temporalio/common';
import { DEFACTO_CALL_CHANNEL, type DefactoCallEvent } from '../defacto/transport';
import type { MetricName } from '../observability/metric-names';

const name = (metric: MetricName): MetricName => metric;

function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Counts the attempts after the first (Temporal's retries) and the Defacto failures by class, and records
 * the Retry-After delays that the next attempt will honour.
 */
export function withActivityMetrics<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const context = currentActivity();
    if (context && context.info.attempt > 1) context.metricMeter.createCounter(name('defacto_activity_retries_total')).add(1);
    try {
      return await fn(...args);
    } catch (error) {
      if (context && error instanceof ApplicationFailure && error.type?.startsWith('Defacto')) {
        const meter = context.metricMeter;
        meter.createCounter(name('defacto_activity_failures_total')).add(1, { error_class: error.type, retryable: String(!error.nonRetryable) });
        const delayMs = msOptionalToNumber(error.nextRetryDelay);
        if (delayMs !== undefined) meter.createHistogram(name('defacto_retry_after_seconds'), 'float', 's').record(delayMs / 1000);
      }
      throw error;
    }
  };
}

function recordCall(message: unknown): void {
  const context = currentActivity();
  if (!context) return;
  const call = message as DefactoCallEvent;
  const status = call.status === null ? 'none' : String(call.status);
  const meter = context.metricMeter;
  meter.createCounter(name('defacto_requests_total')).add(1, {
    method: call.method, route: call.route, status, error_class: call.errorClass ?? 'none',
  });
  meter
    .createHistogram(name('defacto_request_duration_seconds'), 'float', 's')
    .record(call.durationMs / 1000, { method: call.method, route: call.route, status });
}

let subscribed = false;

/**
 * Records every Defacto request made inside an activity (count by route, status and error class;
 * latency histogram). Process-wide and idempotent; requests made outside activities are left to the
 * edge's own registry.
 */
export function recordDefactoCallsOfActivities(): () => void {
  if (!subscribed) {
    subscribe(DEFACTO_CALL_CHANNEL, recordCall);
    subscribed = true;
  }
  return () => {
    if (subscribed) unsubscribe(DEFACTO_CALL_CHANNEL, recordCall);
    subscribed = false;
  };
}
