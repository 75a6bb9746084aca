/**
 * When the edge signals a workflow. A signal that reaches a workflow while a worker runs one of its
 * tasks cannot join that task; if the task completes the workflow, Temporal refuses the completion
 * (`UnhandledCommand`: new events arrived) and the worker runs the task again: a failed task in the
 * history, three more events and twice the work. In the sandbox this is the common case: Defacto sends
 * `TO_REPAY` and `CLOSED` as soon as the loan is requested, while the workflow is finishing that
 * request and then reading the loan the events are about.
 *
 * So the edge first looks at the workflow. An idle one is signalled at once, a finished one is not. A
 * busy one (a workflow task queued or running: a polling worker starts a queued one at any moment, too
 * soon to count on the signal joining it; or an activity under way: the workflow acts on nothing before
 * its result, and the task that result brings re-reads the loan anyway) is waited on: the edge asks
 * Temporal to answer when the workflow finishes (a long poll, one request however long it waits) and
 * looks again when that has not happened within `closeWaitMs`. A workflow still busy after `maxWaitMs`
 * (a long activity, a worker that died holding a task) is signalled as before. Nothing is dropped that
 * a running workflow could use.
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

/** The two questions the edge asks Temporal about the workflow it is about to signal. */
export interface WorkflowWatch {
  /** Its state now. */
  peek(): Promise<WorkflowState>;
  /** Whether its run finishes within `ms` (a run that continues as new has not finished: its successor runs). */
  closesWithin(ms: number): Promise<boolean>;
}

/** How long the edge waits on a busy workflow. */
export interface SignalTiming {
  /** Longest wait for the workflow to finish before looking at it again. */
  readonly closeWaitMs: number;
  /** Signal anyway once the workflow has been busy this long. */
  readonly maxWaitMs: number;
}

/**
 * A busy spell (an activity's last request, then the task its result brings) lasts a few hundred
 * milliseconds on a loaded worker, and in the sandbox usually ends the workflow: the close wait answers
 * the moment it does, so a webhook costs Temporal two requests (the look, the wait) rather than one per
 * look every 50–200 ms. A workflow that goes to sleep instead (busy, then waiting on a timer) is looked
 * at again within `closeWaitMs` and signalled then.
 */
export const DEFAULT_SIGNAL_TIMING: SignalTiming = { closeWaitMs: 1_000, maxWaitMs: 2_000 };

/** Outcome of {@link awaitSignalWindow}: signal now, or the workflow has finished. */
export type SignalWindow = 'open' | 'closed';

/**
 * Looks at the workflow until it is not busy (or `maxWaitMs` has passed), waiting for it to finish in
 * between: `'open'` when it should be signalled now, `'closed'` when it has finished. `now` is injectable
 * for tests.
 */
export async function awaitSignalWindow(
  watch: WorkflowWatch,
  timing: SignalTiming = DEFAULT_SIGNAL_TIMING,
  now: () => number = () => performance.now(),
): Promise<SignalWindow> {
  const deadline = now() + timing.maxWaitMs;
  for (;;) {
    const state = await watch.peek();
    if (state.closed) return 'closed';
    if (!state.busy) return 'open';
    const left = deadline - now();
    if (left <= 0) return 'open';
    if (await watch.closesWithin(Math.min(timing.closeWaitMs, left))) return 'closed';
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

const EventType = protos.temporal.api.enums.v1.EventType;
const CLOSE_EVENT = protos.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;

/**
 * Temporal's frontend ends a long poll this long before the caller's deadline, with an empty answer (its
 * tail room, so the answer arrives in time). The deadline is set this much past the wait: the wait ends in
 * that answer rather than in a deadline error, and a server with less tail room still stops in time.
 */
const LONG_POLL_TAIL_ROOM_MS = 1_000;

/**
 * Whether the workflow's current run finishes within about `ms`: a long poll for its close event
 * (`GetWorkflowExecutionHistory`, waiting for the close event only) that the server answers empty after
 * `ms`. A run that continued as new has a successor still running: not finished.
 *
 * Temporal caps the long polls of one API in flight per namespace on each frontend (`frontend.namespaceCount`,
 * 1,200 by default, shared with clients awaiting workflow results). Past the cap it refuses the poll
 * (`RESOURCE_EXHAUSTED`); the edge then simply waits `ms` and reads the state again, as a webhook storm
 * (a thousand loans closing at once) should not turn into 5xx answers and redeliveries.
 */
export async function workflowClosesWithin(
  client: Client,
  workflowId: string,
  ms: number,
  pause: (ms: number) => Promise<unknown> = sleepFor,
): Promise<boolean> {
  try {
    const { history } = await client.connection.withDeadline(Date.now() + ms + LONG_POLL_TAIL_ROOM_MS, () =>
      client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId },
        waitNewEvent: true,
        historyEventFilterType: CLOSE_EVENT,
        skipArchival: true,
      }));
    const last = history?.events?.at(-1);
    if (!last) return false;
    return last.eventType !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
  } catch (error) {
    const code = grpcCode(error);
    if (code === GrpcStatus.DEADLINE_EXCEEDED) return false;
    if (code === GrpcStatus.NOT_FOUND) return true;
    if (code === GrpcStatus.RESOURCE_EXHAUSTED) {
      await pause(ms);
      return false;
    }
    throw error;
  }
}

/** The {@link WorkflowWatch} of one workflow, through the edge's Temporal client. */
export function watchWorkflow(client: Client, workflowId: string): WorkflowWatch {
  return {
    peek: () => peekWorkflow(client, workflowId),
    closesWithin: (ms) => workflowClosesWithin(client, workflowId, ms),
  };
}
