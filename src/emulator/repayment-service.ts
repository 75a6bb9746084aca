/**
 * Repayment-side reads and the pay-by-link (digest §3.21, §3.24, §3.25): the partner's credit line and a
 * credit line by id, accounting events, instalments of disbursed loans, and `POST /repay/now`, whose link
 * the borrower follows to pay (`GET /_emulator/pay-by-link/{id}` stands for the bank's PISP page).
 */
import { createHash, randomUUID } from 'node:crypto';
import type {
  AccountingEvent, ApiCreditLine, ApiInstallment, ApiTenantCreditLine, Page, RepayNowRequest, RepayNowResponse,
} from '../defacto/wire';
import { AccountingEventTypeSchema } from '../defacto/wire';
import { accountingEventView } from './accounting';
import { isoTimestamp } from './clock';
import type { EmulatorContext } from './context';
import { feesFor } from './fees';
import { listPage, type ListSpec } from './list-filters';
import { receiveRepayment } from './loan-engine';
import type { PageRequest } from './pagination';
import { invalidTransition, notFound, validationFailed } from './problems';
import type { AccountingEventRecord, LoanRecord, PayLinkRecord } from './records';
import type { TenantState } from './store';
import { creditLineView, DEFACTO_REPAYMENT_TO, paymentView } from './views';

/** `GET /credit_line` (deprecated): the partner's own line, with what its loans still owe. */
export function partnerCreditLine(ctx: EmulatorContext, tenant: TenantState): ApiTenantCreditLine {
  const owed = tenant.loans.items.filter((l) => l.status === 'TO_REPAY' || l.status === 'TO_REPAY_FEES')
    .reduce((sum, l) => sum + outstanding(ctx, l), 0);
  return { ...creditLineView(tenant, tenant.partnerLine), amount_to_repay: owed, coming_up_monthly_fees: null };
}

/** `GET /credit_line/{credit_line_id}` (deprecated); `at` is checked but the emulator keeps no balance history. */
export function creditLineById(tenant: TenantState, id: string, at: string | undefined): ApiCreditLine {
  if (at !== undefined && Number.isNaN(Date.parse(at))) throw validationFailed('Query', [{ name: 'at', reason: 'expected an ISO 8601 date-time' }]);
  const line = tenant.creditLines.get(id);
  if (!line) throw notFound('credit line', id);
  return creditLineView(tenant, line);
}

const EVENT_LIST: ListSpec<AccountingEventRecord, TenantState> = {
  filters: {
    event_type: { kind: 'any_of', get: (e) => e.type, allowed: AccountingEventTypeSchema.options },
    loan_id: { kind: 'any_of', get: (e) => e.loanId },
    from_date: { kind: 'from', get: (e) => e.createdAt },
    to_date: { kind: 'before', get: (e) => e.createdAt },
  },
};

/** `GET /events`. */
export function listAccountingEvents(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<AccountingEvent> {
  return listPage(EVENT_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.accountingEvents.items, (e) => accountingEventView(tenant, e));
}

/** Principal plus the fees accrued until now (what repaying in full today costs). */
function outstanding(ctx: EmulatorContext, loan: LoanRecord): number {
  return loan.amount + feesFor(loan.amount, loan.paidAt ?? loan.toPayAt, ctx.clock.now());
}

const INSTALLMENT_LIST: ListSpec<LoanRecord, TenantState> = {
  filters: {
    loan_ids: { kind: 'any_of', get: (l) => l.id },
    installment_plan_ids: { kind: 'never' },
    to_pay_at_gt: { kind: 'after', get: (l) => l.toRepayAt },
    to_pay_at_lt: { kind: 'before', get: (l) => l.toRepayAt },
    paid_at_gt: { kind: 'after', get: (l) => l.repaidNominalAt },
    paid_at_lt: { kind: 'before', get: (l) => l.repaidNominalAt },
    updated_at_gt: { kind: 'after', get: (l) => l.updatedAt },
    updated_at_lt: { kind: 'before', get: (l) => l.updatedAt },
  },
};

/** A stable instalment id derived from the loan's (one in-fine instalment per disbursed loan). */
function installmentId(loanId: string): string {
  const hex = createHash('sha256').update(`installment:${loanId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function installmentView(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): ApiInstallment {
  const repayments = (tenant.paymentsByLoan.get(loan.id) ?? []).filter((p) => p.paymentType.startsWith('REPAYMENT'));
  const borrower = loan.borrowerId ? tenant.borrowers.get(loan.borrowerId) : undefined;
  const reference = loan.repaymentToReferences[0] ?? loan.id;
  return {
    id: installmentId(loan.id),
    reference,
    scheduled_at: isoTimestamp(loan.toRepayAt),
    due_amount: loan.status === 'CLOSED' ? loan.repaidAmount : loan.amount + feesFor(loan.amount, loan.paidAt ?? loan.toPayAt, loan.toRepayAt),
    paid_amount: loan.repaidAmount,
    currency: loan.currency,
    payment_method: loan.repaymentMethod,
    last_repayment_date: loan.repaidNominalAt === null ? null : isoTimestamp(loan.repaidNominalAt),
    from_account_detail: borrower?.input.account_number
      ? { account_number: borrower.input.account_number, account_number_type: 'iban', bank_identifier: 'FK2FACTO', bank_identifier_type: 'bic' }
      : null,
    to_account_detail: DEFACTO_REPAYMENT_TO,
    attempts: repayments.map((p) => {
      const view = paymentView(p);
      return {
        payment_id: p.id, amount: p.amount, currency: p.currency, status: p.status, payment_type: p.paymentType,
        payment_method: p.paymentMethod, reference, scheduled_at: view.scheduled_at ?? isoTimestamp(p.createdAt),
        paid_at: view.paid_at ?? null, failure_reason: p.failureReason,
      };
    }),
  };
}

/** `GET /installments`: one in-fine instalment per disbursed loan. */
export function listInstallments(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<ApiInstallment> {
  const disbursed = tenant.loans.items.filter((l) => l.paidAt !== null);
  return listPage(INSTALLMENT_LIST, request, { data: tenant, now: ctx.clock.now() }, disbursed, (l) => installmentView(ctx, tenant, l));
}

/** Loans to repay, earliest `to_repay_at` first, then oldest. */
function loansToRepay(tenant: TenantState): LoanRecord[] {
  return tenant.loans.items.filter((l) => l.status === 'TO_REPAY').sort((a, b) => a.toRepayAt - b.toRepayAt || a.seq - b.seq);
}

/** The loans `amount` repays in full, in repayment order (REPAY_NOW_ALLOCATION). */
function allocate(ctx: EmulatorContext, tenant: TenantState, amount: number): LoanRecord[] {
  const covered: LoanRecord[] = [];
  let left = amount;
  for (const loan of loansToRepay(tenant)) {
    const owed = outstanding(ctx, loan);
    if (owed > left) continue;
    covered.push(loan);
    left -= owed;
  }
  return covered;
}

/** `POST /repay/now`: a pay-by-link for an amount that repays at least one loan in full. */
export function repayNow(ctx: EmulatorContext, tenant: TenantState, request: RepayNowRequest): RepayNowResponse {
  const toRepay = loansToRepay(tenant);
  if (toRepay.length === 0) throw invalidTransition('No loan is waiting for repayment.');
  if (allocate(ctx, tenant, request.amount).length === 0) {
    const smallest = Math.min(...toRepay.map((l) => outstanding(ctx, l)));
    throw validationFailed('Body', [{ name: 'amount', reason: `repays no loan in full (the smallest outstanding today is ${smallest} cents)` }]);
  }
  const now = ctx.clock.now();
  const link = tenant.payLinks.add({
    id: randomUUID(), seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, amount: request.amount,
    callbackUrl: request.base_callback_url, status: 'OPEN', loanIds: [],
  });
  ctx.store.payLinkTenant.set(link.id, tenant.key);
  return { url: `${ctx.baseUrl}/_emulator/pay-by-link/${link.id}` };
}

/** The borrower pays through the link (once): every loan its amount covers is repaid in full. */
export function payByLink(ctx: EmulatorContext, linkId: string): { link: PayLinkRecord; redirect: string } {
  const key = ctx.store.payLinkTenant.get(linkId);
  const tenant = key ? ctx.store.findTenant(key) : undefined;
  const link = tenant?.payLinks.get(linkId);
  if (!tenant || !link) throw notFound('pay-by-link', linkId);
  if (link.status === 'OPEN') {
    const loans = allocate(ctx, tenant, link.amount).filter((loan) => receiveRepayment(ctx, tenant, loan));
    link.loanIds = loans.map((l) => l.id);
    link.status = 'PAID';
    link.updatedAt = ctx.clock.now();
  }
  const redirect = new URL(link.callbackUrl, ctx.baseUrl);
  redirect.searchParams.set('pay_by_link_id', link.id);
  redirect.searchParams.set('status', link.loanIds.length > 0 ? 'PAID' : 'FAILED');
  return { link, redirect: redirect.toString() };
}
