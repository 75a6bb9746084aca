/**
 * Worker tuning the benchmark varies (slots, cache, pollers, bundle) and the defaults it settled on; the
 * runs that chose them are in bench/results/tuning.md.
 */
import type { WorkerOptions } from '@temporalio/worker';

/** The knobs, all optional (absent = the SDK's default). */
export interface WorkerTuning {
  readonly maxConcurrentWorkflowTaskExecutions?: number;
  readonly maxConcurrentActivityTaskExecutions?: number;
  readonly maxCachedWorkflows?: number;
  /** Concurrent workflow-task long polls. */
  readonly workflowTaskPollers?: number;
  /** Concurrent activity-task long polls. */
  readonly activityTaskPollers?: number;
}

/**
 * The tuning chosen from the runs in bench/results/tuning.md: the SDK's defaults (40 workflow-task
 * slots, 100 activity slots, 10 + 10 pollers, a cache sized from the heap: about 2,300 workflows on a
 * 4 GB heap). Fewer slots or pollers lowered the null loan's ceiling, a smaller cache cut RSS per parked
 * loan but doubled the wake-up time and tripled its CPU, a second worker process on two cores only
 * added RSS. The bundle is built once and handed to every worker (`prebuiltBundle`).
 */
export const DEFAULT_TUNING: WorkerTuning = {};

/** The worker options a tuning stands for. */
export function workerOptionsOf(tuning: WorkerTuning): Partial<WorkerOptions> {
  return {
    ...(tuning.maxConcurrentWorkflowTaskExecutions !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions } : {}),
    ...(tuning.maxConcurrentActivityTaskExecutions !== undefined
      ? { maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions } : {}),
    ...(tuning.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: tuning.maxCachedWorkflows } : {}),
    ...(tuning.workflowTaskPollers !== undefined
      ? { workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: tuning.workflowTaskPollers } } : {}),
    ...(tuning.activityTaskPollers !== undefined
      ? { activityTaskPollerBehavior: { type: 'simple-maximum', maximum: tuning.activityTaskPollers } } : {}),
  } as Partial<WorkerOptions>;
}

/** A one-line description, e.g. `wft=40 act=100 cache=default`. */
export function describeTuning(tuning: WorkerTuning): string {
  const v = (n: number | undefined): string => (n === undefined ? 'default' : String(n));
  return `wft slots=${v(tuning.maxConcurrentWorkflowTaskExecutions)} activity slots=${v(tuning.maxConcurrentActivityTaskExecutions)}`
    + ` cache=${v(tuning.maxCachedWorkflows)} wft pollers=${v(tuning.workflowTaskPollers)} activity pollers=${v(tuning.activityTaskPollers)}`;
}
