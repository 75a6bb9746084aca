/**
 * When the edge signals a workflow. A signal that reaches a workflow while a worker runs one of its
 * tasks cannot join that task; if the task completes the workflow, Temporal refuses the completion
 * (`UnhandledCommand`: new events arrived) and the worker runs the task again: a failed task in the
 * history, three more events and twice the work. In the sandbox this is the common case: Defacto sends
 * `TO_REPAY` and `CLOSED` as soon as the loan is requested, while the workflow is finishing that
 * request and then reading the loan the events are about.
 *
 * So the edge waits, briefly, while the workflow is busy: a workflow task queued or running (a polling
 * worker starts a queued one at any moment, too soon to count on the signal joining it), or an activity
 * under way (the workflow acts on nothing before its result, and the task that result brings re-reads
 * the loan anyway). Then it signals a workflow that is still running, or acknowledges the event of a
 * workflow that has finished. Nothing is dropped that a running workflow could use, and a workflow still
 * busy after `maxWaitMs` (a long activity, a worker that died holding a task) is signalled as before.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import { GrpcStatus, grpcCode } from './grpc-status';

/** What the edge needs to know of a workflow to time its signal. */
export interface WorkflowState {
  /** The workflow (its latest run) has finished, or does not exist. */
  readonly closed: boolean;
  /** A workflow task is queued or running, or an activity is scheduled or running. */
  readonly busy: boolean;
}

/** How long and how often to look again while the workflow is busy. */
export interface SignalTiming {
  /** First look again after this long; each later wait doubles, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Signal anyway once the workflow has been busy this long. */
  readonly maxWaitMs: number;
}

/**
 * A busy spell (an activity's last request, then the task its result brings) lasts about 150 ms on a
 * loaded worker: looking again after 50, 100, then every 200 ms takes three or four reads of the
 * workflow (each costs the edge and the server a round trip), and the signal goes at most 200 ms after
 * the spell ends.
 */
export const DEFAULT_SIGNAL_TIMING: SignalTiming = { firstDelayMs: 50, maxDelayMs: 200, maxWaitMs: 2_000 };

/** Outcome of {@link awaitSignalWindow}: signal now, or the workflow has finished. */
export type SignalWindow = 'open' | 'closed';

/**
 * Looks at the workflow until it is not busy (or `maxWaitMs` has passed): `'open'` when it should be
 * signalled now, `'closed'` when it has finished. `now` and `sleep` are injectable for tests.
 */
export async function awaitSignalWindow(
  peek: () => Promise<WorkflowState>,
  timing: SignalTiming = DEFAULT_SIGNAL_TIMING,
  sleep: (ms: number) => Promise<unknown> = sleepFor,
  now: () => number = () => performance.now(),
): Promise<SignalWindow> {
  const deadline = now() + timing.maxWaitMs;
  for (let delayMs = timing.firstDelayMs; ; delayMs = Math.min(timing.maxDelayMs, delayMs * 2)) {
    const state = await peek();
    if (state.closed) return 'closed';
    if (!state.busy) return 'open';
    const left = deadline - now();
    if (left <= 0) return 'open';
    await sleep(Math.min(delayMs, left));
  }
}

// A CommonJS package: its namespaces come through the default import.
const RUNNING = protos.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

/**
 * The state of the workflow's latest run, from `DescribeWorkflowExecution` (a read of the workflow's
 * mutable state: no history event, no billable action, no payload decoded).
 */
export async function peekWorkflow(client: Client, workflowId: string): Promise<WorkflowState> {
  try {
    const described = await client.workflowService.describeWorkflowExecution({
      namespace: client.options.namespace,
      execution: { workflowId },
    });
    return {
      closed: described.workflowExecutionInfo?.status !== RUNNING,
      busy: described.pendingWorkflowTask != null || (described.pendingActivities?.length ?? 0) > 0,
    };
  } catch (error) {
    if (grpcCode(error) === GrpcStatus.NOT_FOUND) return { closed: true, busy: false };
    throw error;
  }
}
