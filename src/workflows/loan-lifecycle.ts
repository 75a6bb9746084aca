/**
 * `loanLifecycleWorkflow`: one financed invoice, from borrower registration to repayment, durably.
 * Business outcomes are returned; a technical failure of Defacto (a 4xx) fails the workflow with the
 * failure type of the error class and Defacto's problem details.
 */
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, isCancellation, workflowInfo,
} from '@temporalio/workflow';
import { loanSaltId, generatedInvoiceNumber } from '../domain/ids';
import { FINISHED_STEP, type BorrowerStatus, type BusinessProfile, type LoanOutcome } from '../domain/loan';
import { backoffDelay } from './poll-schedule';
import {
  commandActivities, creates, reads, waitForChange, type LifecycleContext, type LoanLifecycleInput,
} from './context';
import { followLoan } from './follow-loan';
import { LifecycleState } from './lifecycle-state';
import { OperatorCommands, registerHandlers } from './operator-commands';

export type { LoanLifecycleInput } from './context';

const DAY_MS = 86_400_000;
/** Repayment date when neither the request nor the invoice gives one. */
const DEFAULT_DURATION_DAYS = 30;
const BORROWER_REFUSED: readonly BorrowerStatus[] = ['BLOCKED', 'PROHIBITED', 'DEACTIVATED'];

/** Drives one loan through Defacto's lifecycle; see docs/architecture.md for the sequence. */
export async function loanLifecycleWorkflow(input: LoanLifecycleInput): Promise<LoanOutcome> {
  const { continued, ...request } = input;
  const { workflowId } = workflowInfo();
  const state = new LifecycleState(workflowId, continued);
  const commands = new OperatorCommands();
  registerHandlers(state, commands);
  const ctx: LifecycleContext = { request, state, commands, workflowId };
  try {
    const outcome = await runLifecycle(ctx);
    state.outcome = outcome;
    state.awaitingOperator = false;
    state.skipRemaining(`loan ended ${outcome.status}`);
    commands.refuseOpen(`the loan already ended ${outcome.status}`);
    state.syncSearchAttributes();
    await condition(allHandlersFinished);
    return outcome;
  } catch (error) {
    throw asWorkflowFailure(error, state);
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
  if (!state.borrower) {
    const input = request.borrower;
    const business: BusinessProfile = input.generate
      ? await reads.generateBusiness({ country: input.country })
      : { identifier: input.identifier, identifierType: input.identifierType, name: input.name, country: input.country };
    const signedAt = input.generate ? null : input.signedAt ?? null;
    state.start('BORROWER_REGISTERED', signedAt ? 'terms accepted at creation' : undefined);
    state.borrowerCountry = business.country;
    state.borrower = await creates.createBorrower({ business, signedAt, workflowId });
    state.syncSearchAttributes();
  }
  if (state.borrower.status === 'TO_SIGN' && state.borrower.signedAt === null) {
    state.start('BORROWER_REGISTERED');
    state.steps.BORROWER_REGISTERED = { ...state.steps.BORROWER_REGISTERED, note: 'terms signed through /sign' };
    state.borrower = await commandActivities.signBorrower({ borrowerId: state.borrower.id, signedAt: state.now() });
  }
  // First read at once (readiness usually follows the signature within moments), then back off.
  for (let attempt = 0; state.borrower.status !== 'READY'; attempt += 1) {
    if (state.borrower.status !== null && BORROWER_REFUSED.includes(state.borrower.status)) {
      const reason = state.borrower.statusReason ?? `BORROWER_${state.borrower.status}`;
      state.fail('BORROWER_REGISTERED', `borrower ${state.borrower.status}: ${reason}`);
      return { status: 'DECLINED', loanId: null, denialReason: reason };
    }
    if (attempt > 0) await waitForChange(ctx, backoffDelay(ctx.request.loan.pollSchedule, attempt - 1));
    state.borrower = await reads.getBorrower({ borrowerId: state.borrower.id });
  }
  state.complete('BORROWER_REGISTERED');
  state.syncSearchAttributes();
  return null;
}

/** Records whether the contract link exists; the temporary link itself never enters history. */
async function checkContract(ctx: LifecycleContext): Promise<void> {
  const { state } = ctx;
  if (state.isDone('CONTRACT_AVAILABLE') || !state.borrower) return;
  state.start('CONTRACT_AVAILABLE');
  state.contract = await reads.getContractLink({ borrowerId: state.borrower.id });
  if (state.contract.available) state.complete('CONTRACT_AVAILABLE', 'temporary link obtained (not stored)');
  else state.steps.CONTRACT_AVAILABLE = { ...state.steps.CONTRACT_AVAILABLE, status: 'SKIPPED', note: 'Defacto returned no contract link' };
}

async function ensureInvoice(ctx: LifecycleContext): Promise<void> {
  const { state, request, workflowId } = ctx;
  if (state.isDone('INVOICE_CREATED') || !state.borrower) return;
  state.start('INVOICE_CREATED');
  const invoice = request.invoice;
  state.invoice = invoice.generate
    ? await creates.generateInvoice({
        invoiceNumber: generatedInvoiceNumber(workflowId),
        scenario: invoice.scenario,
        country: state.borrowerCountry ?? 'FRA',
        seller: { identifier: state.borrower.identifier, identifierType: state.borrower.identifierType, name: state.borrower.name },
        workflowId,
      })
    : await creates.createInvoice({ payload: invoice, workflowId });
  state.complete('INVOICE_CREATED');
}

async function creditLineBefore(ctx: LifecycleContext): Promise<void> {
  const { state } = ctx;
  if (state.creditLineBeforeChecked || !state.borrower) return;
  state.creditLineBefore = await reads.getCreditLines({ borrowerIdentifier: state.borrower.identifier });
  state.creditLineBeforeChecked = true;
}

/** `POST /loans` with a `salt_id` derived from the workflow ID; dates are fixed here so retries send the same body. */
async function requestLoan(ctx: LifecycleContext): Promise<void> {
  const { state, request, workflowId } = ctx;
  const { borrower, invoice } = state;
  if (!borrower || !invoice) throw ApplicationFailure.nonRetryable('borrower and invoice must exist first', 'LifecycleInvariantError');
  state.start('LOAN_REQUESTED');
  const nowMs = Date.now();
  const durationDays = request.loan.durationDays;
  const toRepayAt = durationDays !== undefined
    ? new Date(nowMs + durationDays * DAY_MS).toISOString()
    : invoice.dueAt ?? new Date(nowMs + DEFAULT_DURATION_DAYS * DAY_MS).toISOString();
  const loan = await creates.requestLoan({
    saltId: loanSaltId(workflowId),
    workflowId,
    invoiceId: invoice.id,
    borrower: { identifier: borrower.identifier, identifierType: borrower.identifierType, name: borrower.name },
    amountCents: invoice.amountCents,
    currency: invoice.currency,
    toPayAt: new Date(nowMs).toISOString(),
    toRepayAt,
    autoValidate: request.loan.autoValidate,
  });
  state.applyLoan(loan);
  state.complete('LOAN_REQUESTED');
  state.start('CONDITIONS_REVIEWED', request.loan.autoValidate ? 'auto_validate: Defacto validates the offer' : undefined);
  state.syncSearchAttributes();
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
  return ApplicationFailure.create({
    type: cause.type ?? 'DefactoCallFailed',
    message: `${step}: ${cause.message}`,
    details: cause.details ?? [],
    nonRetryable: true,
    cause: error,
  });
}
