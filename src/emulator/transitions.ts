/**
 * Applies state-machine transitions to stored records with their side effects: timestamps, the loan's
 * activity log, credit-line balances and webhook events. The only place statuses change.
 */
import type { LoanStatus, WebhookEventType } from '../defacto/wire';
import { WebhookEventTypeSchema } from '../defacto/wire';
import { recordAccounting } from './accounting';
import { isoTimestamp } from './clock';
import type { EmulatorContext } from './context';
import {
  borrowerMachine, creditHold, invoiceMachine, loanMachine, paymentMachine, type BorrowerTransition,
  type InvoiceTransition, type LoanTransition, type PaymentTransition,
} from './state-machines';
import type { BorrowerRecord, CreditLineRecord, InvoiceRecord, LoanRecord, PaymentRecord } from './records';
import type { TenantState } from './store';
import { creditLineView, invoiceView, loanView, paymentView } from './views';

const EVENT_TYPES = new Set<string>(WebhookEventTypeSchema.options);

function emit(
  ctx: EmulatorContext, tenant: TenantState, entityType: 'loan' | 'invoice' | 'payment' | 'credit_line',
  eventType: string, transitionName: string, status: string, id: string, state: () => Record<string, unknown>,
): void {
  if (!EVENT_TYPES.has(eventType)) return;
  const type = eventType as WebhookEventType;
  if (!ctx.dispatcher.wants(tenant, type)) return;
  ctx.dispatcher.publish(tenant, {
    entity_type: entityType, transition_name: transitionName, status, timestamp: isoTimestamp(ctx.clock.now()), id,
    event_type: type, entity_state: state(),
  });
}

/** Records the creation of a loan (status already `SUBMITTED`): log entry, credit hold, `Loan.SUBMITTED`. */
export function loanCreated(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): void {
  loanMachine.next(null, 'SUBMIT');
  afterLoanMove(ctx, tenant, loan, null, 'SUBMIT', {});
}

/** Moves a loan; throws `TransitionRefusedError` when its status does not allow `transition`. */
export function moveLoan(
  ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, transition: LoanTransition,
  payload: Record<string, unknown> = {},
): void {
  const from = loan.status;
  loan.status = loanMachine.next(from, transition);
  loan.updatedAt = ctx.clock.now();
  afterLoanMove(ctx, tenant, loan, from, transition, payload);
}

function afterLoanMove(
  ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, from: LoanStatus | null, transition: LoanTransition,
  payload: Record<string, unknown>,
): void {
  const now = ctx.clock.now();
  loan.events.push({ status: loan.status, transitionName: transition, at: now, payload: { from_status: from, ...payload } });
  adjustCredit(ctx, tenant, loan, creditHold(loan.status));
  recordAccounting(ctx, tenant, loan, transition);
  emit(ctx, tenant, 'loan', `Loan.${loan.status}`, transition, loan.status, loan.id, () => loanView(ctx, tenant, loan));
}

/** Moves the loan's amount between "pending validation" and "committed" on its borrower's credit line. */
function adjustCredit(
  ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, target: LoanRecord['creditHold'],
): void {
  if (loan.creditHold === target || loan.borrowerId === null) return;
  const borrower = tenant.borrowers.get(loan.borrowerId);
  const line = borrower?.creditLineId ? tenant.creditLines.get(borrower.creditLineId) : undefined;
  if (!line) return;
  // The partner's own line carries every borrower's loans too (§3.21).
  const apply = (hold: LoanRecord['creditHold'], sign: 1 | -1): void => {
    for (const l of [line, tenant.partnerLine]) {
      if (hold === 'pending') l.balancePendingValidation += sign * loan.amount;
      if (hold === 'committed') l.balanceAvailable -= sign * loan.amount;
    }
  };
  apply(loan.creditHold, -1);
  apply(target, 1);
  loan.creditHold = target;
  line.updatedAt = ctx.clock.now();
  tenant.partnerLine.updatedAt = line.updatedAt;
  creditLineEvent(ctx, tenant, line, 'BALANCE_UPDATED');
}

/** Emits a `CreditLine.<name>` event. */
export function creditLineEvent(
  ctx: EmulatorContext, tenant: TenantState, line: CreditLineRecord, name: 'CREATED' | 'BALANCE_UPDATED',
): void {
  emit(ctx, tenant, 'credit_line', `CreditLine.${name}`, name, name, line.id, () => {
    const state: Record<string, unknown> = { ...creditLineView(tenant, line) };
    // Documented quirk (§3.6): CREATED carries the internal business id, not the borrower id.
    if (name === 'CREATED') state.borrower_id = tenant.borrowers.get(line.borrowerId)?.businessId ?? null;
    return state;
  });
}

/** Moves an invoice (new invoices: pass `null` as the current status via `created`). */
export function moveInvoice(
  ctx: EmulatorContext, tenant: TenantState, invoice: InvoiceRecord, transition: InvoiceTransition, created = false,
): void {
  invoice.status = invoiceMachine.next(created ? null : invoice.status, transition);
  invoice.updatedAt = ctx.clock.now();
  emit(ctx, tenant, 'invoice', `Invoice.${invoice.status}`, transition, invoice.status, invoice.id,
    () => invoiceView(ctx, invoice));
}

/** Moves a payment (new payments: `created = true`). */
export function movePayment(
  ctx: EmulatorContext, tenant: TenantState, payment: PaymentRecord, transition: PaymentTransition, created = false,
): void {
  payment.status = paymentMachine.next(created ? null : payment.status, transition);
  payment.updatedAt = ctx.clock.now();
  if (payment.status === 'PAID') payment.paidAt = payment.updatedAt;
  emit(ctx, tenant, 'payment', `Payment.${payment.status}`, transition, payment.status, payment.id,
    () => paymentView(payment));
}

/** Moves a borrower (no borrower webhooks exist, §4.3). */
export function moveBorrower(
  ctx: EmulatorContext, borrower: BorrowerRecord, transition: BorrowerTransition, created = false,
): void {
  borrower.status = borrowerMachine.next(created ? null : borrower.status, transition);
  borrower.updatedAt = ctx.clock.now();
}
