/**
 * Every metric the project emits, written once: name, kind, labels, help text and histogram buckets.
 * The worker's Temporal runtime (bucket overrides), the HTTP edge's registry, the alert rules, the
 * Grafana dashboard and the docs all refer to these names; test/observability checks that they agree.
 * Durations are in seconds. Workflow-side metrics go through the SDK's replay-safe workflow meter.
 */

/** Buckets for Defacto and HTTP latencies (seconds). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Buckets for lifecycle durations, from a fast sandbox step to a 90-day repayment (seconds). */
const LIFECYCLE_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3_600, 14_400, 86_400, 604_800, 2_592_000, 7_776_000];

/** Where a metric is emitted: workflow code, activities (both on the worker's endpoint) or the HTTP edge. */
export type MetricSource = 'workflow' | 'activity' | 'edge' | 'activity+edge';

/** One metric's definition. */
export interface MetricDefinition {
  readonly kind: 'counter' | 'histogram';
  readonly help: string;
  readonly labels: readonly string[];
  readonly source: MetricSource;
  readonly buckets?: readonly number[];
}

/** The project's own metrics (Temporal's SDK and server metrics come in addition, prefixed `temporal_`). */
export const METRICS = {
  defacto_loans_started_total: {
    kind: 'counter', source: 'workflow', labels: [],
    help: 'Loan lifecycles started (first run only; continue-as-new does not count again).',
  },
  defacto_loans_ended_total: {
    kind: 'counter', source: 'workflow', labels: ['outcome'],
    help: 'Loan lifecycles ended, by outcome: CLOSED, DECLINED, CANCELED, PAYMENT_FAILED, or FAILED (a Defacto call failed for good).',
  },
  defacto_loan_step_duration_seconds: {
    kind: 'histogram', source: 'workflow', labels: ['step', 'status'], buckets: LIFECYCLE_BUCKETS,
    help: 'Workflow time from the start of a lifecycle step to its end (status DONE or FAILED).',
  },
  defacto_operator_reviews_started_total: {
    kind: 'counter', source: 'workflow', labels: [],
    help: 'Loan offers that started waiting for an operator decision.',
  },
  defacto_operator_wait_seconds: {
    kind: 'histogram', source: 'workflow', labels: ['decision'], buckets: LIFECYCLE_BUCKETS,
    help: 'Time an offer waited for an operator, by how it ended: approved, rejected, canceled, or expired (the review deadline passed).',
  },
  defacto_repayments_late_total: {
    kind: 'counter', source: 'workflow', labels: [],
    help: 'Loans whose repayment was still outstanding past the repayment follow-up window.',
  },
  defacto_webhook_wake_latency_seconds: {
    kind: 'histogram', source: 'workflow', labels: [], buckets: LATENCY_BUCKETS,
    help: 'Time from the HTTP edge receiving a Defacto webhook to the loan workflow waking on it.',
  },
  defacto_requests_total: {
    kind: 'counter', source: 'activity+edge', labels: ['method', 'route', 'status', 'error_class'],
    help: 'HTTP requests to Defacto by route template, status ("none" when no answer) and error class ("none" on success).',
  },
  defacto_request_duration_seconds: {
    kind: 'histogram', source: 'activity+edge', labels: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS,
    help: 'Latency of HTTP requests to Defacto.',
  },
  defacto_activity_retries_total: {
    kind: 'counter', source: 'activity', labels: [],
    help: 'Activity attempts after the first (Temporal retried a Defacto call); tagged with activity_type.',
  },
  defacto_activity_failures_total: {
    kind: 'counter', source: 'activity', labels: ['error_class', 'retryable'],
    help: 'Activity attempts that failed on a Defacto error, by error class and whether Temporal retries it.',
  },
  defacto_retry_after_seconds: {
    kind: 'histogram', source: 'activity', labels: [], buckets: LATENCY_BUCKETS,
    help: 'Retry-After delays honoured (the next attempt waits this long instead of the back-off).',
  },
  http_request_duration_seconds: {
    kind: 'histogram', source: 'edge', labels: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS,
    help: 'Requests served by the HTTP edge, by route template and status (the _count series is the request rate).',
  },
  defacto_webhooks_received_total: {
    kind: 'counter', source: 'edge', labels: [],
    help: 'Webhook deliveries received from Defacto (before any check).',
  },
  defacto_webhooks_refused_total: {
    kind: 'counter', source: 'edge', labels: ['reason'],
    help: 'Webhook deliveries refused: unauthorized (wrong token), malformed (not a Defacto event), or error (answered 5xx for redelivery).',
  },
  defacto_webhooks_deduplicated_total: {
    kind: 'counter', source: 'edge', labels: [],
    help: 'Webhook deliveries of an event already signalled recently (acknowledged without a second signal).',
  },
  defacto_webhooks_routed_total: {
    kind: 'counter', source: 'edge', labels: ['outcome'],
    help: 'Accepted webhook events by routing outcome: signalled, ignored, unknown_loan, unknown_workflow.',
  },
  edge_signals_sent_total: {
    kind: 'counter', source: 'edge', labels: ['signal', 'outcome'],
    help: 'Signals the edge sent to loan workflows (outcome ok, not_found, error).',
  },
} as const satisfies Record<string, MetricDefinition>;

/** A metric name of the project. */
export type MetricName = keyof typeof METRICS;

/** The definition of `name`, widened for generic use. */
export function metric(name: MetricName): MetricDefinition {
  return METRICS[name];
}

/**
 * Temporal SDK (worker) metrics the alerts and the dashboard use. They come from the SDK's core with
 * the `temporal_` prefix; latencies are histograms in milliseconds.
 */
export const TEMPORAL_SDK_METRICS = [
  'temporal_workflow_task_execution_failed',
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_workflow_completed',
  'temporal_activity_execution_failed',
  'temporal_num_pollers',
] as const;

/** Histogram bucket overrides for the Temporal runtime's Prometheus exporter (our histograms in seconds). */
export function runtimeHistogramBuckets(): Record<string, number[]> {
  const overrides: Record<string, number[]> = {};
  for (const [name, definition] of Object.entries(METRICS) as [MetricName, MetricDefinition][]) {
    if (definition.kind === 'histogram' && definition.source !== 'edge' && definition.buckets) overrides[name] = [...definition.buckets];
  }
  return overrides;
}
