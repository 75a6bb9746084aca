/**
 * The filter tables of every list the emulator serves (digest §3.7, §3.12, §3.15, §3.20–§3.22): one table
 * per list, parsed and validated once by `list-filters.ts`.
 */
import {
  InvoiceStatusSchema, LoanStatusSchema, LoanTypeSchema, PaymentMethodSchema, PaymentStatusSchema, PaymentTypeSchema,
} from '../defacto/wire';
import { RECONCILED_PAYMENT_STATUSES } from './assumptions';
import type { ListSpec } from './list-filters';
import type { SortSpec } from './pagination';
import type { BorrowerRecord, CreditLineRecord, InvoiceRecord, LoanRecord, PaymentRecord, WebhookRecord } from './records';
import type { TenantState } from './store';

const byId = <T>(get: (tenant: TenantState) => { get(id: string): T | undefined }) =>
  (ids: readonly string[], tenant: TenantState): T[] => ids.flatMap((id) => { const r = get(tenant).get(id); return r ? [r] : []; });
const bySeq = <T extends { seq: number }>(items: T[]): T[] => items.sort((a, b) => a.seq - b.seq);

/** `GET /borrowers`. */
export const BORROWER_LIST: ListSpec<BorrowerRecord, TenantState> = {
  filters: {
    borrower_id: { kind: 'any_of', get: (b) => b.id },
    borrower_identifier: { kind: 'any_of', get: (b) => b.input.identifier },
    identifier: { kind: 'any_of', get: (b) => b.input.identifier },
    from_signed_at: { kind: 'from', get: (b) => b.signedAt },
    to_signed_at: { kind: 'before', get: (b) => b.signedAt },
  },
  indexes: {
    borrower_identifier: (ids, tenant) => bySeq(ids.flatMap((identifier) => {
      const id = tenant.borrowerByIdentifier.get(identifier);
      const found = id ? tenant.borrowers.get(id) : undefined;
      return found ? [found] : [];
    })),
  },
};

/** When each loan financing the invoice was paid out (null: not yet). */
const loansPaidAt = (invoice: InvoiceRecord, tenant: TenantState): (number | null)[] =>
  invoice.loanIds.map((id) => tenant.loans.get(id)?.paidAt ?? null);

/** `GET /invoices`. */
export const INVOICE_LIST: ListSpec<InvoiceRecord, TenantState> = {
  filters: {
    buyer: { kind: 'any_of', get: (i) => i.buyer?.identifier },
    seller: { kind: 'any_of', get: (i) => i.seller?.identifier },
    invoice_id: { kind: 'any_of', get: (i) => i.id },
    invoice_number: { kind: 'any_of', get: (i) => i.invoiceNumber },
    status: { kind: 'any_of', get: (i) => i.status, allowed: InvoiceStatusSchema.options },
    linked_to_loan: { kind: 'flag', get: (i) => i.loanIds.length > 0 },
    linked_to_loan_paid_after: { kind: 'from', get: loansPaidAt },
    linked_to_loan_paid_before: { kind: 'before', get: loansPaidAt },
    query: { kind: 'text', get: (i) => [i.invoiceNumber, i.buyer?.name, i.seller?.name, i.id, String(i.totalAmount)] },
  },
  indexes: {
    invoice_number: (numbers, tenant) => bySeq(numbers.flatMap((n) => byId((t) => t.invoices)(tenant.invoicesByNumber.get(n) ?? [], tenant))),
  },
};

const LOAN_SORTS: Record<string, SortSpec<LoanRecord>> = {
  'created_at:asc': { key: (l) => l.seq, direction: 'asc', bySeq: true },
  'created_at:desc': { key: (l) => l.seq, direction: 'desc', bySeq: true },
  'to_pay_at:asc': { key: (l) => l.toPayAt, direction: 'asc' },
  'to_pay_at:desc': { key: (l) => l.toPayAt, direction: 'desc' },
  'to_repay_at:asc': { key: (l) => l.toRepayAt, direction: 'asc' },
  'to_repay_at:desc': { key: (l) => l.toRepayAt, direction: 'desc' },
};

function loanText(loan: LoanRecord, tenant: TenantState): string[] {
  const numbers = loan.invoiceIds.map((id) => tenant.invoices.get(id)?.invoiceNumber ?? '');
  return [loan.id, loan.status, String(loan.amount), String(loan.feesEstimated), loan.beneficiary.name ?? '', loan.borrower.name ?? '', ...numbers];
}

/** `GET /loans`. Emulator loans have no guarantor; the emulator never calls guarantees. */
export const LOAN_LIST: ListSpec<LoanRecord, TenantState> = {
  filters: {
    id: { kind: 'any_of', get: (l) => l.id },
    borrower: { kind: 'any_of', get: (l) => l.borrower.identifier },
    guarantor: { kind: 'never' },
    status: { kind: 'any_of', get: (l) => l.status, allowed: LoanStatusSchema.options },
    loan_type: { kind: 'any_of', get: (l) => l.loanType, allowed: LoanTypeSchema.options },
    query: { kind: 'text', get: loanText },
    to_pay_at_from: { kind: 'from', get: (l) => l.toPayAt },
    to_pay_at_to: { kind: 'before', get: (l) => l.toPayAt },
    to_repay_at_from: { kind: 'from', get: (l) => l.toRepayAt },
    to_repay_at_to: { kind: 'before', get: (l) => l.toRepayAt },
    to_repay_at_within_days: { kind: 'within_days', get: (l) => l.toRepayAt },
    contractual_repayment_date_from: { kind: 'from', get: (l) => l.contractualRepaymentAt },
    contractual_repayment_date_to: { kind: 'before', get: (l) => l.contractualRepaymentAt },
    guarantee_called: { kind: 'never_true' },
    postponed: { kind: 'flag', get: (l) => l.postponed },
  },
  sorts: LOAN_SORTS,
};

const METHOD_ORDER = PaymentMethodSchema.options;
/** `GET /payments`. Sandbox payments never relate to deposits, intents or bills, and have no account ids. */
export const PAYMENT_LIST: ListSpec<PaymentRecord, TenantState> = {
  filters: {
    loan_id: { kind: 'any_of', get: (p) => p.loanId },
    id: { kind: 'any_of', get: (p) => p.id },
    status: { kind: 'any_of', get: (p) => p.status, allowed: PaymentStatusSchema.options },
    payment_type: { kind: 'any_of', get: (p) => p.paymentType, allowed: PaymentTypeSchema.options },
    payment_method: { kind: 'any_of', get: (p) => p.paymentMethod, allowed: PaymentMethodSchema.options },
    references: { kind: 'any_of', get: (p) => [...p.fromReferences, ...p.toReferences] },
    deposit_id: { kind: 'never' },
    payment_intent_id: { kind: 'never' },
    from_account_id: { kind: 'never' },
    to_account_id: { kind: 'never' },
    from_date: { kind: 'from', get: (p) => p.createdAt },
    to_date: { kind: 'before', get: (p) => p.createdAt },
    paid_after: { kind: 'from', get: (p) => p.paidAt },
    paid_before: { kind: 'before', get: (p) => p.paidAt },
    updated_after: { kind: 'from', get: (p) => p.updatedAt },
    is_reconciled: { kind: 'flag', get: (p) => RECONCILED_PAYMENT_STATUSES.includes(p.status) },
    include_loans: { kind: 'always_true' },
    include_bills: { kind: 'no_effect', check: 'bool' },
    include_payment_intents: { kind: 'no_effect', check: 'bool' },
  },
  sorts: {
    'amount:asc': { key: (p) => p.amount, direction: 'asc' },
    'amount:desc': { key: (p) => p.amount, direction: 'desc' },
    'payment_method:asc': { key: (p) => METHOD_ORDER.indexOf(p.paymentMethod), direction: 'asc' },
    'payment_method:desc': { key: (p) => METHOD_ORDER.indexOf(p.paymentMethod), direction: 'desc' },
    'scheduled_at:asc': { key: (p) => p.scheduledAt ?? 0, direction: 'asc' },
    'scheduled_at:desc': { key: (p) => p.scheduledAt ?? 0, direction: 'desc' },
  },
  indexes: {
    loan_id: (ids, tenant) => (ids.length === 1
      ? tenant.paymentsByLoan.get(ids[0]!) ?? []
      : bySeq(ids.flatMap((id) => tenant.paymentsByLoan.get(id) ?? []))),
  },
};

/** `GET /credit_lines`. */
export const CREDIT_LINE_LIST: ListSpec<CreditLineRecord, TenantState> = {
  filters: {
    borrower: { kind: 'any_of', get: (c) => c.borrowerIdentifier },
    id: { kind: 'any_of', get: (c) => c.id },
  },
  indexes: {
    borrower: (identifiers, tenant) => bySeq(identifiers.flatMap((identifier) => {
      const id = tenant.creditLineByBorrowerIdentifier.get(identifier);
      const line = id ? tenant.creditLines.get(id) : undefined;
      return line ? [line] : [];
    })),
  },
};

/** `GET /webhooks` (the API declares no filters; `to_url` is the emulator's convenience). */
export const WEBHOOK_LIST: ListSpec<WebhookRecord, TenantState> = {
  filters: { to_url: { kind: 'any_of', get: (w) => w.toUrl } },
};
