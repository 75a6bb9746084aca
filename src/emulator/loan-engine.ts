/**
 * What happens to a loan after it is requested (digest §4.1 recommended timeline): the decision, the
 * disbursement steps, the repayment per scenario and repayment mode. Every step re-checks the status it
 * expects, so a loan cancelled in between simply stops.
 */
import { randomUUID } from 'node:crypto';
import type { AccountDetails } from '../defacto/wire';
import {
  FAIL_SCENARIO_FAILURE_REASON, MAX_LOAN_AMOUNT_CENTS, MAX_LOAN_DURATION_DAYS, ONE_DAY_LATER_REPAYMENT_DELAY_MS,
  REJECT_SCENARIO_DENIAL_REASON,
} from './assumptions';
import type { EmulatorContext } from './context';
import { billedDays, feesFor } from './fees';
import { invalidTransition } from './problems';
import { loanHoldsInvoice, loanMachine } from './state-machines';
import type { LoanRecord, PaymentRecord } from './records';
import { pushIndex, type TenantState } from './store';
import { resolveBorrower } from './loan-borrower';
import { moveInvoice, moveLoan, movePayment } from './transitions';
import { DEFACTO_LOAN_FROM, DEFACTO_REPAYMENT_TO } from './views';

type Decision = { kind: 'accept' } | { kind: 'decline'; reason: string } | { kind: 'wait' };

/** Evaluates the decline rules in `DECLINE_RULE_ORDER`. */
export function evaluate(tenant: TenantState, loan: LoanRecord): Decision {
  if (loan.amount > MAX_LOAN_AMOUNT_CENTS) return { kind: 'decline', reason: 'EXCESSIVE_AMOUNT_LOAN_REQUEST' };
  if (billedDays(loan.toPayAt, loan.toRepayAt) > MAX_LOAN_DURATION_DAYS) {
    return { kind: 'decline', reason: 'EXCESSIVE_DURATION_LOAN_REQUEST' };
  }
  if (invoiceFinancedElsewhere(tenant, loan)) return { kind: 'decline', reason: 'INVOICE_ALREADY_FINANCED' };
  if (loan.borrowerId === null) resolveBorrower(tenant, loan);
  const borrower = loan.borrowerId === null ? undefined : tenant.borrowers.get(loan.borrowerId);
  if (!borrower) return { kind: 'decline', reason: 'BUSINESS_UNKNOWN' };
  if (borrower.status === 'TO_SIGN') return { kind: 'decline', reason: 'BORROWER_TO_SIGN' };
  if (borrower.status === 'BLOCKED' || borrower.status === 'DEACTIVATED' || borrower.status === 'PROHIBITED') {
    return { kind: 'decline', reason: 'BORROWER_STATUS' };
  }
  const line = borrower.creditLineId ? tenant.creditLines.get(borrower.creditLineId) : undefined;
  if (borrower.status !== 'READY' || !line) return { kind: 'wait' };
  const involved = [loan.borrower.identifier, loan.beneficiary.identifier];
  for (const id of loan.invoiceIds) {
    const inv = tenant.invoices.get(id);
    if (inv?.buyer) involved.push(inv.buyer.identifier);
    if (inv?.seller) involved.push(inv.seller.identifier);
  }
  if (involved.some((identifier) => tenant.eligibility.get(identifier) === 'NOT_ELIGIBLE')) {
    return { kind: 'decline', reason: 'DOES_NOT_MATCH_ELIGIBILITY_CRITERIA' };
  }
  if (loan.amount > line.balanceAvailable) return { kind: 'decline', reason: 'AMOUNT_SUPERIOR_TO_AVAILABLE_BALANCE' };
  if (loan.scenario === 'REJECT') return { kind: 'decline', reason: REJECT_SCENARIO_DENIAL_REASON };
  return { kind: 'accept' };
}

function invoiceFinancedElsewhere(tenant: TenantState, loan: LoanRecord): boolean {
  for (const invoiceId of loan.invoiceIds) {
    const number = tenant.invoices.get(invoiceId)?.invoiceNumber;
    const sameInvoices = number ? tenant.invoicesByNumber.get(number) ?? [invoiceId] : [invoiceId];
    for (const id of sameInvoices) {
      for (const otherId of tenant.invoices.get(id)?.loanIds ?? []) {
        if (otherId === loan.id) continue;
        const other = tenant.loans.get(otherId);
        if (other && other.seq < loan.seq && loanHoldsInvoice(other.status)) return true;
      }
    }
  }
  return false;
}

/**
 * Decides a loan still awaiting a decision. Returns false when the decision must wait (borrower signed
 * but not READY yet); the caller then keeps it PENDING_VALIDATION and tries again later.
 */
export function decide(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): boolean {
  if (loan.status !== 'SUBMITTED' && loan.status !== 'PENDING_VALIDATION') return true;
  const decision = evaluate(tenant, loan);
  if (decision.kind === 'wait') return false;
  if (decision.kind === 'decline') {
    loan.denialReason = decision.reason;
    moveLoan(ctx, tenant, loan, 'DECLINE', { denial_reason: decision.reason });
  } else if (loan.autoValidate) {
    moveLoan(ctx, tenant, loan, 'AUTO_VALIDATE');
    afterValidation(ctx, tenant, loan);
  } else {
    moveLoan(ctx, tenant, loan, 'ACCEPT');
  }
  return true;
}

/** Schedules the asynchronous decision (default mode). */
export function scheduleDecision(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, delayMs: number): void {
  ctx.clock.schedule(delayMs, () => {
    if (!decide(ctx, tenant, loan)) scheduleDecision(ctx, tenant, loan, Math.max(10, ctx.timing.stepDelayMs));
  });
}

/** The partner's consent: TO_VALIDATE → VALIDATED, then the disbursement starts. */
export function validateLoan(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): void {
  if (!loanMachine.can(loan.status, 'VALIDATE')) {
    throw invalidTransition(`A loan can be validated only in TO_VALIDATE; this one is ${loan.status}.`, { status: loan.status });
  }
  moveLoan(ctx, tenant, loan, 'VALIDATE');
  tenant.counters.validations += 1;
  afterValidation(ctx, tenant, loan);
}

/** The partner's cancellation (PENDING_VALIDATION, TO_VALIDATE, VALIDATED, SCHEDULED). */
export function cancelLoan(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): void {
  if (!loanMachine.can(loan.status, 'CANCEL')) {
    throw invalidTransition(`A loan can be cancelled only before its money is sent; this one is ${loan.status}.`, { status: loan.status });
  }
  cancelNow(ctx, tenant, loan, 'PARTNER');
  tenant.counters.cancels += 1;
}

function cancelNow(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, by: string): void {
  moveLoan(ctx, tenant, loan, 'CANCEL', { canceled_by: by });
  for (const payment of tenant.paymentsByLoan.get(loan.id) ?? []) {
    if (payment.status === 'SCHEDULED' || payment.status === 'PROPOSED') movePayment(ctx, tenant, payment, 'CANCEL');
  }
}

function afterValidation(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): void {
  loan.contractUrl = `${ctx.baseUrl}/_emulator/contracts/${loan.id}.pdf`;
  loan.contractualRepaymentAt = loan.toRepayAt;
  const step = ctx.timing.stepDelayMs;
  ctx.clock.schedule(step, () => {
    if (loan.status !== 'VALIDATED') return;
    if (loan.scenario === 'CANCEL') { cancelNow(ctx, tenant, loan, 'SANDBOX_SCENARIO_CANCEL'); return; }
    const payment = newPayment(ctx, tenant, loan, 'LOAN_PAYMENT', loan.amount, DEFACTO_LOAN_FROM, loan.loanTo);
    payment.scheduledAt = ctx.clock.now();
    movePayment(ctx, tenant, payment, 'SCHEDULE', true);
    moveLoan(ctx, tenant, loan, 'SCHEDULE', { payment_id: payment.id });
    ctx.clock.schedule(step, () => {
      if (loan.status !== 'SCHEDULED' || payment.status !== 'SCHEDULED') return;
      movePayment(ctx, tenant, payment, 'INSTRUCT');
      moveLoan(ctx, tenant, loan, 'INITIATE', { payment_id: payment.id });
      ctx.clock.schedule(step, () => {
        if (payment.status !== 'INSTRUCTED') return;
        movePayment(ctx, tenant, payment, 'SEND');
        ctx.clock.schedule(step, () => settleDisbursement(ctx, tenant, loan, payment));
      });
    });
  });
}

function settleDisbursement(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, payment: PaymentRecord): void {
  if (loan.status !== 'INITIATED' || payment.status !== 'IN_TRANSIT') return;
  if (loan.scenario === 'FAIL') {
    payment.failureReason = FAIL_SCENARIO_FAILURE_REASON;
    movePayment(ctx, tenant, payment, 'FAIL');
    moveLoan(ctx, tenant, loan, 'DETECT_ISSUE', { payment_id: payment.id, failure_reason: FAIL_SCENARIO_FAILURE_REASON });
    return;
  }
  movePayment(ctx, tenant, payment, 'PAY');
  loan.paidAt = ctx.clock.now();
  moveLoan(ctx, tenant, loan, 'PAY', { payment_id: payment.id });
  scheduleRepayment(ctx, tenant, loan);
}

/** Sandbox mode: per scenario; production mode: at `to_repay_at` (or earlier via `/_emulator/repayments`). */
export function scheduleRepayment(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): void {
  if (loan.repaymentMode === 'production') {
    ctx.clock.scheduleAt(loan.toRepayAt, () => {
      if (ctx.clock.now() >= loan.toRepayAt) receiveRepayment(ctx, tenant, loan);
    });
  } else if (loan.scenario === 'SUCCESS_ONE_DAY_LATER') {
    ctx.clock.scheduleAt((loan.paidAt ?? ctx.clock.now()) + ONE_DAY_LATER_REPAYMENT_DELAY_MS, () => receiveRepayment(ctx, tenant, loan));
  } else {
    ctx.clock.schedule(ctx.timing.stepDelayMs, () => receiveRepayment(ctx, tenant, loan));
  }
}

/**
 * The borrower's credit transfer arrives (amount + fees, `REPAYMENT_FULL`), then settles and closes the
 * loan one step later. Returns false when the loan is not TO_REPAY or a repayment is already under way.
 */
export function receiveRepayment(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): boolean {
  if (loan.status !== 'TO_REPAY') return false;
  const existing = (tenant.paymentsByLoan.get(loan.id) ?? []).some(
    (p) => p.paymentType === 'REPAYMENT_FULL' && (p.status === 'IN_TRANSIT' || p.status === 'PAID'));
  if (existing) return false;
  const fees = feesFor(loan.amount, loan.paidAt ?? loan.toPayAt, ctx.clock.now());
  const borrower = loan.borrowerId ? tenant.borrowers.get(loan.borrowerId) : undefined;
  const from: AccountDetails = borrower?.input.account_number
    ? { account_number: borrower.input.account_number, account_number_type: 'iban', bank_identifier: 'FK2FACTO', bank_identifier_type: 'bic' }
    : loan.loanTo;
  const payment = newPayment(ctx, tenant, loan, 'REPAYMENT_FULL', loan.amount + fees, from, DEFACTO_REPAYMENT_TO);
  payment.fromReferences = [...loan.repaymentToReferences];
  payment.toReferences = [...loan.repaymentToReferences];
  movePayment(ctx, tenant, payment, 'RECEIVE', true);
  ctx.clock.schedule(ctx.timing.stepDelayMs, () => {
    if (loan.status !== 'TO_REPAY' || payment.status !== 'IN_TRANSIT') return;
    movePayment(ctx, tenant, payment, 'PAY');
    const now = ctx.clock.now();
    loan.repaidAmount = loan.amount + fees;
    loan.repaidNominalAmount = loan.amount;
    loan.paidInterestsAmount = fees;
    loan.repaidNominalAt = now;
    loan.closedAt = now;
    moveLoan(ctx, tenant, loan, 'CLOSE', { payment_id: payment.id });
    for (const id of loan.invoiceIds) {
      const invoice = tenant.invoices.get(id);
      if (invoice?.status === 'VERIFIED') moveInvoice(ctx, tenant, invoice, 'MARK_PAID');
    }
  });
  return true;
}

function newPayment(
  ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, type: PaymentRecord['paymentType'], amount: number,
  from: AccountDetails, to: AccountDetails,
): PaymentRecord {
  const now = ctx.clock.now();
  const payment: PaymentRecord = {
    id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, loanId: loan.id,
    invoiceIds: [...loan.invoiceIds], amount, currency: loan.currency, status: 'SCHEDULED', paymentType: type,
    paymentMethod: 'SCT', scheduledAt: now, paidAt: null, from, to, fromReferences: [...loan.loanFromReferences],
    toReferences: [...loan.loanToReferences], failureReason: null,
  };
  tenant.payments.add(payment);
  pushIndex(tenant.paymentsByLoan, loan.id, payment);
  return payment;
}

