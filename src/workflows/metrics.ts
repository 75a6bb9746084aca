/**
 * Business metrics of the loan lifecycle, emitted through a workflow sink (`loanMetrics`, registered by
 * `workflowMetricSinks()` in src/observability/workflow-metrics.ts): the worker records them with its
 * runtime's metric meter, on the Prometheus endpoint of the SDK's own metrics. Emitting adds no command
 * to history. Nothing is emitted while a workflow replays, and each emission carries a key unique within
 * the run, which the worker counts once: the final workflow task runs again, live, when the server
 * rejects its completion because a signal arrived meanwhile (UNHANDLED_COMMAND), and the SDK's own
 * workflow `metricMeter` would then count the loan's end twice.
 *
 * Transitions are found by comparing the state with what this run already reported, so the lifecycle
 * code only calls {@link observeLoan} at the points where time may pass (before a wait, at the end).
 */
import { ContinueAsNew, isCancellation, proxySinks, TemporalFailure, workflowInfo, type Sinks } from '@temporalio/workflow';
import { LIFECYCLE_STEPS, type LifecycleStep } from '../domain/loan';
import type { MetricName } from '../observability/metric-names';
import type { LifecycleContext } from './context';
import type { LifecycleState } from './lifecycle-state';

/** What this run has already reported for a loan. */
interface Reported {
  readonly steps: Set<LifecycleStep>;
  awaiting: boolean;
  late: boolean;
}

const reported = new WeakMap<LifecycleState, Reported>();

/** Metric tags (label values). */
export type MetricLabels = Readonly<Record<string, string>>;

/** The sink the worker implements; `key` identifies the emission within the run (counted once). */
export interface LoanMetricsSinks extends Sinks {
  loanMetrics: {
    count(name: MetricName, labels: MetricLabels, key: string): void;
    record(name: MetricName, value: number, labels: MetricLabels, key: string): void;
  };
}

const { loanMetrics } = proxySinks<LoanMetricsSinks>();

// Replay never reaches the worker's sink; checking here first saves the crossing out of the sandbox.
function count(name: MetricName, labels: MetricLabels, key: string): void {
  if (!workflowInfo().unsafe.isReplaying) loanMetrics.count(name, labels, key);
}

function record(name: MetricName, value: number, labels: MetricLabels, key: string): void {
  if (!workflowInfo().unsafe.isReplaying) loanMetrics.record(name, value, labels, key);
}

function finished(state: LifecycleState, step: LifecycleStep): boolean {
  const status = state.facts.steps[step].status;
  return status === 'DONE' || status === 'FAILED';
}

/** What an earlier run (before continue-as-new) already reported: everything the state shows so far. */
function reportedFor(state: LifecycleState): Reported {
  let entry = reported.get(state);
  if (!entry) {
    entry = {
      steps: new Set(LIFECYCLE_STEPS.filter((step) => finished(state, step))),
      awaiting: state.facts.awaitingOperator,
      late: state.facts.repaymentLate,
    };
    reported.set(state, entry);
  }
  return entry;
}

const seconds = (fromIso: string, toMs: number): number => Math.max(0, (toMs - Date.parse(fromIso)) / 1000);

/** Counts a new loan (not a continued run) and takes note of what the carried state already holds. */
export function loanStarted(ctx: LifecycleContext, continued: boolean): void {
  reportedFor(ctx.state);
  if (!continued) count('defacto_loans_started_total', {}, 'started');
}

/** Reports the steps that ended, the operator wait that began or ended, and a repayment turning late. */
export function observeLoan(ctx: LifecycleContext): void {
  const { state } = ctx;
  const seen = reportedFor(state);
  const nowMs = Date.now();
  for (const step of LIFECYCLE_STEPS) {
    if (seen.steps.has(step) || !finished(state, step)) continue;
    seen.steps.add(step);
    const { startedAt, completedAt, status } = state.facts.steps[step];
    if (!startedAt || !completedAt) continue;
    record('defacto_loan_step_duration_seconds', seconds(startedAt, Date.parse(completedAt)), { step, status }, `step:${step}`);
  }
  if (state.facts.awaitingOperator && !seen.awaiting) {
    seen.awaiting = true;
    count('defacto_operator_reviews_started_total', {}, 'review-started');
  } else if (!state.facts.awaitingOperator && seen.awaiting) {
    seen.awaiting = false;
    const deadlineAt = state.facts.review?.deadlineAt;
    if (deadlineAt) {
      // The wait began when the deadline was set: deadline minus the review window (both in history).
      const since = Date.parse(deadlineAt) - ctx.request.loan.deadlines.conditionsReviewMs;
      record('defacto_operator_wait_seconds', Math.max(0, (nowMs - since) / 1000), { decision: state.facts.review?.decision ?? 'none' }, 'review-ended');
    }
  }
  if (state.facts.repaymentLate && !seen.late) {
    seen.late = true;
    count('defacto_repayments_late_total', {}, 'late');
  }
}

/** Counts the loan's end with its business outcome. */
export function loanEnded(ctx: LifecycleContext, outcome: string): void {
  observeLoan(ctx);
  count('defacto_loans_ended_total', { outcome }, 'ended');
}

/**
 * Counts a loan that ends on a failure: FAILED when the workflow fails, WORKFLOW_CANCELED when it was
 * canceled. Continue-as-new and workflow-task errors (retried by Temporal) end nothing.
 */
export function loanFailed(ctx: LifecycleContext, failure: unknown): void {
  if (failure instanceof ContinueAsNew) return;
  if (isCancellation(failure)) loanEnded(ctx, 'WORKFLOW_CANCELED');
  else if (failure instanceof TemporalFailure) loanEnded(ctx, 'FAILED');
}

/** Records the time from the edge receiving a webhook (`receivedAt`, edge clock) to this wake-up. */
export function wokeOnWebhook(receivedAt: string | null): void {
  if (!receivedAt) return;
  const at = Date.parse(receivedAt);
  if (!Number.isFinite(at)) return;
  // One wake per webhook receipt time: the same wake re-executed after a rejected completion is one.
  record('defacto_webhook_wake_latency_seconds', Math.max(0, (Date.now() - at) / 1000), {}, `wake:${receivedAt}`);
}
