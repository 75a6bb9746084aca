/**
 * Drives loans the way a platform would: start through the HTTP edge, play the operator when the
 * scenario has one, and wait for the workflow's result through Temporal, all while parts of the system
 * restart. A closed loop keeps `concurrency` loans in flight.
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { LoanOutcome } from '../../src/domain/loan';
import type { loanLifecycleWorkflow } from '../../src/workflows';
import type { EdgeApi } from './edge-api';
import type { LoanRun } from './invariants';
import { LOAN_KIND_SPECS, loanRequestFor } from './scenarios';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What driving a loan needs. */
export interface DriveContext {
  readonly client: Client;
  readonly edge: EdgeApi;
  readonly loanDeadlineMs: number;
  /** Operator window of the workflow (longer than the loan deadline: the harness decides in time). */
  readonly reviewWindowMs: number;
}

/** The workflow's result, retried through Temporal restarts until `deadlineAt`. */
export async function awaitOutcome(client: Client, workflowId: string, deadlineAt: number): Promise<{ outcome?: LoanOutcome; failure?: string }> {
  const handle = client.workflow.getHandle<typeof loanLifecycleWorkflow>(workflowId);
  for (;;) {
    const attemptDeadline = Math.min(deadlineAt, Date.now() + 30_000);
    try {
      return { outcome: await client.withDeadline(attemptDeadline, () => handle.result()) };
    } catch (error) {
      if (error instanceof WorkflowFailedError) {
        return { failure: `workflow failed: ${error.cause?.name ?? ''} ${error.cause?.message ?? error.message}`.trim() };
      }
      if (Date.now() >= deadlineAt) return { failure: 'still running at its deadline' };
      await pause(500);
    }
  }
}

/** Starts one loan, operates it if its kind says so, and records its outcome on `loan`. */
export async function driveLoan(ctx: DriveContext, loan: LoanRun): Promise<void> {
  const startedAt = Date.now();
  const deadlineAt = startedAt + ctx.loanDeadlineMs;
  loan.startedAt = startedAt;
  loan.deadlineAt = deadlineAt;
  try {
    loan.workflowId = await ctx.edge.startLoan(loanRequestFor(loan.kind, loan.reference, ctx.reviewWindowMs), deadlineAt);
  } catch (error) {
    loan.failure = `not started: ${error instanceof Error ? error.message : String(error)}`;
    loan.finishedAt = Date.now();
    return;
  }
  const workflowId = loan.workflowId;
  const action = LOAN_KIND_SPECS[loan.kind].operator;
  // A workflow that ended without an outcome (terminated) takes no decision: the operator stops trying.
  let ended = false;
  const operator = action
    ? holdFor(loan, deadlineAt).then(() => (loan.terminated ? 'terminated' as const : ctx.edge.operate(workflowId, action, deadlineAt, () => ended))).then(
        (result) => { loan.operator = result; },
        (error: unknown) => { loan.operator = `failed: ${error instanceof Error ? error.message : String(error)}`; },
      )
    : Promise.resolve();
  const result = await awaitOutcome(ctx.client, workflowId, deadlineAt);
  ended = result.outcome === undefined;
  loan.finishedAt = Date.now();
  if (result.outcome) loan.outcome = result.outcome;
  if (result.failure) loan.failure = result.failure;
  await operator;
}

/** A loan planned for termination keeps its operator waiting until it is terminated (or released). */
async function holdFor(loan: LoanRun, deadlineAt: number): Promise<void> {
  while (loan.holdOperator && !loan.terminated && Date.now() < deadlineAt) await pause(250);
}

/** Live counts of a pool, for progress lines and for planning disruptions. */
export interface PoolState {
  launched: number;
  finished: number;
  readonly total: number;
}

/** Runs `fn` over `items` with at most `concurrency` in flight; `onChange` after each start and finish. */
export async function runPool<T>(
  items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>, onChange: (state: PoolState) => void = () => undefined,
): Promise<PoolState> {
  const state: PoolState = { launched: 0, finished: 0, total: items.length };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      state.launched += 1;
      onChange(state);
      await fn(item);
      state.finished += 1;
      onChange(state);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return state;
}
