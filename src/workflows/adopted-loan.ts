/**
 * `adoptedLoanWorkflow`: follows a loan that already exists at Defacto (created by another system, or
 * whose own workflow was terminated or failed) to its end, with the outcomes, operator commands and
 * search attributes of `loanLifecycleWorkflow`. It reads the loan, its borrower and its invoice, seeds
 * the lifecycle state as if it had made them, then runs the same `followLoan`. Started by
 * reconciliation under `loan-adopted-<loanId>`, at most once per loan.
 */
import {
  ActivityFailure, ApplicationFailure, CancellationScope, allHandlersFinished, condition, isCancellation, proxyActivities, workflowInfo,
} from '@temporalio/workflow';
import type { LoanOutcome } from '../domain/loan';
import type { LoanOptions, LoanRequest } from '../domain/schemas';
import type { ReconciliationActivities } from '../activities/reconciliation-types';
import { readOptions } from './activity-options';
import { RunPatches } from './patches';
import { lifecycleCalls, showDetails, type LifecycleContext } from './context';
import { followLoan, settleCancellation } from './follow-loan';
import { loanEnded } from './metrics';
import { CANCELLATION_REQUEST_REASON } from './loan-lifecycle';
import { LifecycleState, type CarriedState } from './lifecycle-state';
import { OperatorCommands, registerHandlers } from './operator-commands';

const { readLoanForAdoption } = proxyActivities<ReconciliationActivities>(readOptions);

/** Input of {@link adoptedLoanWorkflow}. */
export interface AdoptedLoanInput {
  readonly loanId: string;
  /** Why it was adopted (e.g. `workflow TERMINATED`); shown in the LOAN_REQUESTED step's note. */
  readonly reason?: string;
  /**
   * How the loan is handled (poll schedule, deadlines, policy). An adopted offer under review always
   * waits for an operator: the decision the original workflow would have taken is unknown.
   */
  readonly loan: LoanOptions;
  /** State carried over by continue-as-new. */
  readonly continued?: Partial<CarriedState>;
}

/** The workflow ID of the adoption of `loanId`. */
export function adoptedWorkflowId(loanId: string): string {
  return `loan-adopted-${loanId}`;
}

/** Follows an existing loan to its end; returns the same outcome as `loanLifecycleWorkflow`. */
export async function adoptedLoanWorkflow(input: AdoptedLoanInput): Promise<LoanOutcome> {
  // The umbrella patch first (a new run's only marker); a run started before it meets its patches as it did.
  const patches = RunPatches.atStart();
  patches.meetPatches();
  const { workflowId } = workflowInfo();
  const state = new LifecycleState(workflowId, patches, input.continued);
  const commands = new OperatorCommands(patches.wakesOnNewerStatus());
  registerHandlers(state, commands);
  const loanOptions: LoanOptions = {
    ...input.loan,
    acceptancePolicy: { ...input.loan.acceptancePolicy, requireOperatorApproval: true },
  };
  // followLoan reads only `loan`; the borrower and invoice of an adopted loan are Defacto's, not a request's.
  const request: LoanRequest = {
    borrower: { generate: true, country: 'FRA' },
    invoice: { generate: true, scenario: 'SUCCESS' },
    loan: loanOptions,
  };
  const ctx: LifecycleContext = {
    request, state, commands, patches, workflowId, calls: lifecycleCalls(state, patches),
    nextRunInput: (carried) => ({ ...input, continued: carried }),
  };
  state.onSync(() => showDetails(ctx));
  try {
    let outcome: LoanOutcome;
    try {
      if (!input.continued) await seed(ctx, input);
      outcome = await followLoan(ctx);
    } catch (error) {
      // As for the lifecycle: a cancellation request through Temporal is an operator command.
      if (!isCancellation(error) || !CancellationScope.current().consideredCancelled || !ctx.state.facts.loan) throw error;
      outcome = await CancellationScope.nonCancellable(async () => {
        await settleCancellation(ctx, CANCELLATION_REQUEST_REASON);
        return followLoan(ctx);
      });
    }
    state.finish(outcome);
    commands.refuseOpen(`the loan already ended ${outcome.status}`);
    state.syncSearchAttributes();
    state.flushSearchAttributes();
    // Its start was counted by the lifecycle that was terminated or failed (or by no workflow of ours).
    loanEnded(ctx, outcome.status);
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return outcome;
  } catch (error) {
    if (isCancellation(error) || !(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) throw error;
    state.syncSearchAttributes();
    state.flushSearchAttributes();
    throw ApplicationFailure.create({
      type: error.cause.type ?? 'DefactoCallFailed', message: `adoption: ${error.cause.message}`,
      details: error.cause.details ?? [], nonRetryable: true, cause: error,
    });
  }
}

/** The steps before the loan request are Defacto's facts: read once, marked done. */
async function seed(ctx: LifecycleContext, input: AdoptedLoanInput): Promise<void> {
  const { state } = ctx;
  const found = await readLoanForAdoption({ loanId: input.loanId });
  const note = `adopted from Defacto${input.reason ? ` (${input.reason})` : ''}`;
  if (found.borrower) state.updateBorrower(found.borrower);
  state.complete('BORROWER_REGISTERED', note);
  state.skip('CONTRACT_AVAILABLE', 'not checked for an adopted loan');
  if (found.invoice) state.invoiceCreated(found.invoice);
  state.complete('INVOICE_CREATED', note);
  state.creditLineBeforeRead(null);
  state.applyLoan(found.loan);
  state.complete('LOAN_REQUESTED', note);
  state.syncSearchAttributes();
}
