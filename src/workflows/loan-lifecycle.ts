/**
 * `loanLifecycleWorkflow`: one financed invoice, from borrower registration to repayment, durably.
 * Business outcomes are returned; a technical failure of Defacto (a 4xx) fails the workflow with the
 * failure type of the error class and Defacto's problem details.
 */
import {
  ActivityFailure, ApplicationFailure, CancellationScope, allHandlersFinished, condition, isCancellation, workflowInfo,
} from '@temporalio/workflow';
import { loanSaltId, generatedInvoiceNumber } from '../domain/ids';
import { FINISHED_STEP, type BorrowerStatus, type LoanOutcome } from '../domain/loan';
import type { BorrowerSummary, BusinessProfile } from '../domain/summaries';
import { backoffDelay } from './poll-schedule';
import {
  lifecycleCalls, showDetails, waitForChange, type LifecycleContext, type LoanLifecycleInput,
} from './context';
import { followLoan, settleCancellation } from './follow-loan';
import { loanEnded, loanFailed, loanStarted } from './metrics';
import { LifecycleState } from './lifecycle-state';
import { OperatorCommands, registerHandlers } from './operator-commands';
import { validatedRequest } from './input';
import { createToCompletion, PATCHES, RunPatches } from './patches';
import { translateReasons } from './reasons';
import { describeReasons, eligibilityVerdict } from '../domain/reasons';

export type { LoanLifecycleInput } from './context';

const DAY_MS = 86_400_000;
/** Repayment date when neither the request nor the invoice gives one. */
const DEFAULT_DURATION_DAYS = 30;
const BORROWER_REFUSED: readonly BorrowerStatus[] = ['BLOCKED', 'PROHIBITED', 'DEACTIVATED'];

/** Drives one loan through Defacto's lifecycle; see docs/architecture.md for the sequence. */
export async function loanLifecycleWorkflow(input: LoanLifecycleInput): Promise<LoanOutcome> {
  // Input typed in the Web UI may be anything, even not an object: validation names it, never a TypeError.
  const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
  const { continued, ...given } = isObject ? input : ({} as LoanLifecycleInput);
  // The umbrella patch is the first command of a new run (its only marker). Replaying a run started
  // before it, the validated-input marker is the first command, and the other patches are met right
  // after it, before any local activity (src/workflows/patches.ts).
  const patches = RunPatches.atStart();
  const request = patches.applies(PATCHES.validatedInput) ? validatedRequest(isObject ? given : input) : given;
  patches.meetPatches();
  const { workflowId } = workflowInfo();
  const state = new LifecycleState(workflowId, patches, continued);
  const commands = new OperatorCommands(patches.wakesOnNewerStatus());
  registerHandlers(state, commands);
  const ctx: LifecycleContext = { request, state, commands, patches, workflowId, calls: lifecycleCalls(state, patches) };
  state.onSync(() => showDetails(ctx));
  loanStarted(ctx, continued !== undefined);
  try {
    let outcome: LoanOutcome;
    try {
      outcome = await runLifecycle(ctx);
    } catch (error) {
      if (!isCancellation(error) || !CancellationScope.current().consideredCancelled || !patches.applies(PATCHES.cancellationIsOperatorCommand)) throw error;
      outcome = await CancellationScope.nonCancellable(() => settleCancellationRequest(ctx));
    }
    state.finish(outcome);
    commands.refuseOpen(`the loan already ended ${outcome.status}`);
    state.syncSearchAttributes();
    state.flushSearchAttributes();
    loanEnded(ctx, outcome.status);
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return outcome;
  } catch (error) {
    const failure = asWorkflowFailure(error, state);
    loanFailed(ctx, failure);
    throw failure;
  }
}

async function runLifecycle(ctx: LifecycleContext): Promise<LoanOutcome> {
  const { state } = ctx;
  state.syncSearchAttributes();
  if (!state.isDone('BORROWER_REGISTERED')) {
    const refused = await registerBorrower(ctx);
    if (refused) return refused;
  }
  // Independent reads and the invoice run together: fewer workflow tasks, a shorter history.
  await Promise.all([checkContract(ctx), ensureInvoice(ctx), creditLineBefore(ctx)]);
  state.syncSearchAttributes();
  if (!state.isDone('LOAN_REQUESTED')) await requestLoan(ctx);
  return followLoan(ctx);
}

/** Registers (or finds) the borrower, has the terms signed, and waits until Defacto says READY. */
async function registerBorrower(ctx: LifecycleContext): Promise<LoanOutcome | null> {
  const { state, request, workflowId } = ctx;
  if (!state.facts.borrower) {
    const input = request.borrower;
    const business: BusinessProfile = input.generate
      ? await ctx.calls.reads.generateBusiness({ country: input.country })
      : { identifier: input.identifier, identifierType: input.identifierType, name: input.name, country: input.country };
    if (ctx.patches.applies(PATCHES.eligibilityAndReasons)) {
      const declined = await checkEligibility(ctx, business);
      if (declined) return declined;
    }
    const signedAt = input.generate
      ? (ctx.patches.applies(PATCHES.termsAcceptedAtCreation) ? state.now() : null)
      : input.signedAt ?? null;
    state.start('BORROWER_REGISTERED', signedAt ? 'terms accepted at creation' : undefined);
    state.borrowerCreated(await createToCompletion(ctx.patches, () => ctx.calls.creates.createBorrower({ business, signedAt, workflowId })), business.country);
    state.syncSearchAttributes();
  }
  let borrower = registered(state);
  if (borrower.status === 'TO_SIGN' && borrower.signedAt === null) {
    state.start('BORROWER_REGISTERED');
    state.note('BORROWER_REGISTERED', 'terms signed through /sign');
    state.updateBorrower(await ctx.calls.commandActivities.signBorrower({ borrowerId: borrower.id, signedAt: state.now() }));
    borrower = registered(state);
  }
  // First read at once (readiness usually follows the signature within moments), then back off.
  for (let attempt = 0; borrower.status !== 'READY'; attempt += 1) {
    if (borrower.status !== null && BORROWER_REFUSED.includes(borrower.status)) {
      const reason = borrower.statusReason ?? `BORROWER_${borrower.status}`;
      // Defacto's own code for "cannot borrow in this status" when the borrower carries no reason.
      const reasons = await translateReasons(ctx, [borrower.statusReason ?? 'BORROWER_STATUS'], 'borrower');
      state.fail('BORROWER_REGISTERED', `borrower ${borrower.status}: ${reasons.length > 0 ? describeReasons(reasons) : reason}`);
      return reasons.length > 0
        ? { status: 'DECLINED', loanId: null, denialReason: reason, declinedAt: 'BORROWER', reasons }
        : { status: 'DECLINED', loanId: null, denialReason: reason };
    }
    if (borrower.statusReason !== null) await translateReasons(ctx, [borrower.statusReason], 'borrower');
    if (attempt > 0) await waitForChange(ctx, backoffDelay(ctx.request.loan.pollSchedule, attempt - 1));
    state.updateBorrower(await ctx.calls.reads.getBorrower({ borrowerId: borrower.id }));
    borrower = registered(state);
  }
  state.complete('BORROWER_REGISTERED');
  state.syncSearchAttributes();
  return null;
}

/**
 * The business's pre-eligibility (`POST /eligibility/borrower`, a read) before anything is created at
 * Defacto. Not eligible: the reasons are translated and the financing ends DECLINED, nothing enrolled.
 */
async function checkEligibility(ctx: LifecycleContext, business: BusinessProfile): Promise<LoanOutcome | null> {
  const { state } = ctx;
  if (business.identifierType === null) {
    state.note('BORROWER_REGISTERED', 'eligibility not checked: the business has no identifier type');
    return null;
  }
  const check = state.facts.eligibility
    ?? await ctx.calls.reads.checkEligibility({ identifier: business.identifier, identifierType: business.identifierType });
  state.eligibilityChecked(check);
  const verdict = eligibilityVerdict(check);
  if (verdict.enrol) return null;
  const reasons = await translateReasons(ctx, verdict.reasonCodes, 'eligibility');
  state.fail('BORROWER_REGISTERED', `not eligible, nothing created at Defacto: ${describeReasons(reasons)}`);
  return { status: 'DECLINED', loanId: null, denialReason: verdict.reasonCodes[0] ?? null, declinedAt: 'ELIGIBILITY', reasons };
}

function registered(state: LifecycleState): BorrowerSummary {
  const { borrower } = state.facts;
  if (!borrower) throw ApplicationFailure.nonRetryable('the borrower must exist first', 'LifecycleInvariantError');
  return borrower;
}

/** Records whether the contract link exists; the temporary link itself never enters history. */
async function checkContract(ctx: LifecycleContext): Promise<void> {
  const { state } = ctx;
  const { borrower } = state.facts;
  if (state.isDone('CONTRACT_AVAILABLE') || !borrower) return;
  state.start('CONTRACT_AVAILABLE');
  const contract = await ctx.calls.reads.getContractLink({ borrowerId: borrower.id });
  state.contractChecked(contract);
  if (contract.available) state.complete('CONTRACT_AVAILABLE', 'temporary link obtained (not stored)');
  else state.skip('CONTRACT_AVAILABLE', 'Defacto returned no contract link');
}

async function ensureInvoice(ctx: LifecycleContext): Promise<void> {
  const { state, request, workflowId } = ctx;
  const { borrower } = state.facts;
  if (state.isDone('INVOICE_CREATED') || !borrower) return;
  state.start('INVOICE_CREATED');
  const invoice = request.invoice;
  state.invoiceCreated(await createToCompletion(ctx.patches, () => invoice.generate
    ? ctx.calls.creates.generateInvoice({
        invoiceNumber: generatedInvoiceNumber(workflowId),
        scenario: invoice.scenario,
        country: state.bookkeeping.borrowerCountry ?? 'FRA',
        seller: { identifier: borrower.identifier, identifierType: borrower.identifierType, name: borrower.name },
        workflowId,
      })
    : ctx.calls.creates.createInvoice({ payload: invoice, workflowId })));
  state.complete('INVOICE_CREATED');
}

async function creditLineBefore(ctx: LifecycleContext): Promise<void> {
  const { state } = ctx;
  const { borrower } = state.facts;
  if (state.bookkeeping.creditLineBeforeChecked || !borrower) return;
  state.creditLineBeforeRead(await ctx.calls.reads.getCreditLines({ borrowerIdentifier: borrower.identifier }));
}

/** `POST /loans` with a `salt_id` derived from the workflow ID; dates are fixed here so retries send the same body. */
async function requestLoan(ctx: LifecycleContext): Promise<void> {
  const { state, request, workflowId } = ctx;
  const { borrower, invoice } = state.facts;
  if (!borrower || !invoice) throw ApplicationFailure.nonRetryable('borrower and invoice must exist first', 'LifecycleInvariantError');
  state.start('LOAN_REQUESTED');
  const nowMs = Date.now();
  const durationDays = request.loan.durationDays;
  const toRepayAt = durationDays !== undefined
    ? new Date(nowMs + durationDays * DAY_MS).toISOString()
    : invoice.dueAt ?? new Date(nowMs + DEFAULT_DURATION_DAYS * DAY_MS).toISOString();
  const loan = await createToCompletion(ctx.patches, () => ctx.calls.creates.requestLoan({
    saltId: loanSaltId(workflowId),
    workflowId,
    invoiceId: invoice.id,
    borrower: { identifier: borrower.identifier, identifierType: borrower.identifierType, name: borrower.name },
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    toPayAt: new Date(nowMs).toISOString(),
    toRepayAt,
    autoValidate: request.loan.autoValidate,
  }));
  state.applyLoan(loan);
  state.complete('LOAN_REQUESTED');
  state.start('CONDITIONS_REVIEWED', request.loan.autoValidate ? 'auto_validate: Defacto validates the offer' : undefined);
  state.syncSearchAttributes();
}

/** What a workflow cancellation request says, since the SDK does not hand its reason to the workflow. */
export const CANCELLATION_REQUEST_REASON =
  'workflow cancellation requested (Temporal Web UI, `temporal workflow cancel` or a client; identity and reason in the WorkflowExecutionCancelRequested event)';

/**
 * The workflow was asked to cancel (runs non-cancellable). Before any loan exists nothing more is created
 * (creates in flight ran to completion, so a loan they made is known here and cancelled below); a
 * cancellable loan is cancelled at Defacto; a loan past cancellation is followed to its end, the refusal
 * recorded.
 */
async function settleCancellationRequest(ctx: LifecycleContext): Promise<LoanOutcome> {
  const { state } = ctx;
  if (!state.facts.loan) {
    state.cancelRequested('operator', CANCELLATION_REQUEST_REASON);
    const step = state.currentStep();
    if (step !== FINISHED_STEP) state.complete(step, `canceled (operator): ${CANCELLATION_REQUEST_REASON}`);
    return { status: 'CANCELED', loanId: null, canceledBy: 'operator', reason: CANCELLATION_REQUEST_REASON };
  }
  await settleCancellation(ctx, CANCELLATION_REQUEST_REASON);
  return followLoan(ctx);
}

/**
 * A failed Defacto call becomes the workflow's failure: type = the error class (e.g.
 * `DefactoValidationError`), message naming the step, Defacto's safe problem details attached.
 */
function asWorkflowFailure(error: unknown, state: LifecycleState): unknown {
  if (isCancellation(error) || !(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return error;
  const cause = error.cause;
  const step = state.currentStep();
  if (step !== FINISHED_STEP) state.fail(step, `${cause.type ?? 'failure'}: ${cause.message}`);
  state.syncSearchAttributes();
  state.flushSearchAttributes();
  return ApplicationFailure.create({
    type: cause.type ?? 'DefactoCallFailed',
    message: `${step}: ${cause.message}`,
    details: cause.details ?? [],
    nonRetryable: true,
    cause: error,
  });
}
