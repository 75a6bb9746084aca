/**
 * Accounting events (`GET /events`, digest §3.24): which loan transitions produce which event, recorded
 * once when the loan moves, and their view.
 */
import { randomUUID } from 'node:crypto';
import type { AccountingEvent, AccountingEventType } from '../defacto/wire';
import { isoTimestamp } from './clock';
import type { EmulatorContext } from './context';
import type { LoanTransition } from './state-machines';
import type { AccountingEventRecord, LoanRecord } from './records';
import type { TenantState } from './store';

/** Events per loan transition, with the amounts they carry (ASSUMPTION: the sandbox has no deposits). */
const EVENTS_OF: Partial<Record<LoanTransition, readonly [AccountingEventType, (loan: LoanRecord) => [number | null, number | null]][]>> = {
  VALIDATE: [['LOAN_VALIDATED', (l) => [l.amount, null]]],
  AUTO_VALIDATE: [['LOAN_VALIDATED', (l) => [l.amount, null]]],
  CANCEL: [['LOAN_CANCELED', (l) => [l.amount, null]]],
  PAY: [['LOAN_DISBURSEMENT_PAID', (l) => [l.amount, null]]],
  CLOSE: [
    ['LOAN_REPAYMENT_NOMINAL_PAID', (l) => [l.repaidNominalAmount, null]],
    ['LOAN_REPAYMENT_FEES_PAID', (l) => [null, l.paidInterestsAmount]],
  ],
};

/** Records the accounting events of a loan transition. */
export function recordAccounting(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord, transition: LoanTransition): void {
  const now = ctx.clock.now();
  for (const [type, amounts] of EVENTS_OF[transition] ?? []) {
    const [principalAmount, feesAmount] = amounts(loan);
    tenant.accountingEvents.add({ id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, loanId: loan.id, type, principalAmount, feesAmount });
  }
}

/** `ApiEvent`. */
export function accountingEventView(tenant: TenantState, e: AccountingEventRecord): AccountingEvent {
  return {
    event_at: isoTimestamp(e.createdAt),
    event_type: e.type,
    event_payload: {
      loan_id: e.loanId, metadata: tenant.loans.get(e.loanId)?.metadata ?? {},
      principal_amount: e.principalAmount, fees_amount: e.feesAmount, deposit_amount: null,
    },
  };
}
