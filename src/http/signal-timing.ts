/**
 * When the edge signals a workflow. A signal that reaches a workflow while a worker runs one of its
 * tasks cannot join that task; if the task completes the workflow, Temporal refuses the completion
 * (`UnhandledCommand`: new events arrived) and the worker runs the task again: a failed task in the
 * history, three more events and twice the work. In the sandbox this is the common case: Defacto's
 * events land while the workflow is already reading the loan they are about.
 *
 * So the edge waits, briefly, for a running task to finish before signalling: a task lasts
 * milliseconds. Then it signals a workflow that is still running, or acknowledges the event of a
 * workflow that has finished. Nothing is dropped that a running workflow could use, and a task that does
 * not finish in time (a worker died holding it) is waited for no longer than `maxWaitMs`: the signal then
 * goes as before. A task only scheduled (queued for a worker) is no reason to wait: the signal joins it.
 */
import { isGrpcServiceError, type Client } from '@temporalio/client';
import protos from '@temporalio/proto';

/** What the edge needs to know of a workflow to time its signal. */
export interface WorkflowTaskState {
  /** The workflow (its latest run) has finished, or does not exist. */
  readonly closed: boolean;
  /** A worker is running one of its workflow tasks. */
  readonly taskRunning: boolean;
}

/** How long and how often to look again while a task is running. */
export interface SignalTiming {
  /** First look again after this long; each later wait doubles, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Signal anyway once a task has been running this long. */
  readonly maxWaitMs: number;
}

/**
 * Workflow tasks take milliseconds, the longest of the lifecycle (four reads from Defacto) well under a
 * second; pauses that double keep the reads few when a loaded worker makes tasks longer, and the cap
 * keeps the wait past the task's end short.
 */
export const DEFAULT_SIGNAL_TIMING: SignalTiming = { firstDelayMs: 10, maxDelayMs: 100, maxWaitMs: 2_000 };

/** Outcome of {@link awaitSignalWindow}: signal now, or the workflow has finished. */
export type SignalWindow = 'open' | 'closed';

/**
 * Looks at the workflow until no task is running (or `maxWaitMs` has passed): `'open'` when it should be
 * signalled now, `'closed'` when it has finished. `now` and `sleep` are injectable for tests.
 */
export async function awaitSignalWindow(
  peek: () => Promise<WorkflowTaskState>,
  timing: SignalTiming = DEFAULT_SIGNAL_TIMING,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => number = () => performance.now(),
): Promise<SignalWindow> {
  const deadline = now() + timing.maxWaitMs;
  for (let delayMs = timing.firstDelayMs; ; delayMs = Math.min(timing.maxDelayMs, delayMs * 2)) {
    const state = await peek();
    if (state.closed) return 'closed';
    if (!state.taskRunning) return 'open';
    const left = deadline - now();
    if (left <= 0) return 'open';
    await sleep(Math.min(delayMs, left));
  }
}

// A CommonJS package: its namespaces come through the default import.
const { WorkflowExecutionStatus, PendingWorkflowTaskState } = protos.temporal.api.enums.v1;
const GRPC_NOT_FOUND = 5;

/**
 * The task state of the workflow's latest run, from `DescribeWorkflowExecution` (a read of the
 * workflow's mutable state: no history event, no billable action, no payload decoded).
 */
export async function peekWorkflowTasks(client: Client, workflowId: string): Promise<WorkflowTaskState> {
  try {
    const described = await client.workflowService.describeWorkflowExecution({
      namespace: client.options.namespace,
      execution: { workflowId },
    });
    return {
      closed: described.workflowExecutionInfo?.status !== WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
      taskRunning: described.pendingWorkflowTask?.state === PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED,
    };
  } catch (error) {
    if (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND) return { closed: true, taskRunning: false };
    throw error;
  }
}
