/**
 * The reconciliation schedule (`loan-reconciliation`): created or updated idempotently by
 * `npm run namespace:setup` and `npm start`, and the latest run's report for the back office.
 */
import {
  type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowNotFoundError,
  type ScheduleOptionsAction,
} from '@temporalio/client';
import type { loanReconciliationWorkflow, ReconciliationInput } from '../workflows';
import type { ReconciliationReport } from '../workflows/reconciliation';

/** The schedule's ID. */
export const RECONCILIATION_SCHEDULE_ID = 'loan-reconciliation';
/** Default interval between runs. */
export const RECONCILIATION_INTERVAL = '15 minutes';

/** Settings of the schedule. */
export interface ReconciliationScheduleOptions {
  readonly taskQueue: string;
  readonly every?: string;
  readonly input?: ReconciliationInput;
}

/** Creates the schedule, or brings an existing one to these settings. Returns what it did. */
export async function ensureReconciliationSchedule(client: Client, options: ReconciliationScheduleOptions): Promise<'created' | 'updated'> {
  const every = options.every ?? RECONCILIATION_INTERVAL;
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: 'loanReconciliationWorkflow', // by name: the HTTP server need not load workflow code
    workflowId: 'loan-reconciliation-run',
    taskQueue: options.taskQueue,
    args: [options.input ?? {}],
  };
  const spec = { intervals: [{ every: every as `${number} minutes` }] };
  // One run at a time: a long run is never overlapped by the next.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' as const };
  try {
    await client.schedule.create({ scheduleId: RECONCILIATION_SCHEDULE_ID, spec, action, policies });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action, policies }));
    return 'updated';
  }
}

/** The latest scheduled run: its workflow, status and (once completed) report. */
export interface LatestReconciliation {
  readonly workflowId: string;
  readonly startedAt: string;
  readonly status: string;
  readonly report: ReconciliationReport | null;
}

/** The most recent run of the schedule, or null when there is no schedule or no run yet. */
export async function latestReconciliation(client: Client): Promise<LatestReconciliation | null> {
  let description;
  try {
    description = await client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
  const last = description.info.recentActions.at(-1);
  if (!last) return null;
  const { workflowId } = last.action.workflow;
  const handle = client.workflow.getHandle<typeof loanReconciliationWorkflow>(workflowId);
  try {
    const { status } = await handle.describe();
    const report = status.name === 'COMPLETED' || status.name === 'CONTINUED_AS_NEW'
      ? await handle.result().catch(() => null)
      : null;
    return { workflowId, startedAt: last.takenAt.toISOString(), status: status.name, report };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}
