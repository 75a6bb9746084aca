/**
 * `POST /loans` (digest §3.13, §9): idempotent on `salt_id`, accepts the OpenAPI shape and the guide's
 * shape (inline invoice, `to_account`, no amount/dates: derived from the invoice), then decides
 * asynchronously (default) or inline (`wait_for_validation`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AccountCreation, InvalidParam } from '../defacto/wire';
import { AccountCreationSchema, ApiPostLoanSchema, RequiredInvoiceCreationSchema } from '../defacto/wire';
import { SALT_ID_CONFLICT_STATUS, SALT_ID_REPLAY_STATUS } from './assumptions';
import type { EmulatorContext } from './context';
import { feesFor } from './fees';
import { accountDetails, createInvoice } from './invoice-service';
import { borrowerRef, resolveBorrower } from './loan-borrower';
import { decide, scheduleDecision } from './loan-engine';
import { ProblemError, validationFailed } from './problems';
import { scenarioOfIban } from './scenario';
import type { BusinessRef, CounterpartyRef, InvoiceRecord, LoanRecord, RepaymentMode } from './records';
import type { TenantState } from './store';
import { loanCreated, moveLoan } from './transitions';

/** The lenient request body: required OAS fields become optional (derived), `to_account` aliases `loan_to`. */
export const PostLoanBodySchema = ApiPostLoanSchema.extend({
  amount: ApiPostLoanSchema.shape.amount.optional(),
  to_pay_at: ApiPostLoanSchema.shape.to_pay_at.optional(),
  to_repay_at: ApiPostLoanSchema.shape.to_repay_at.optional(),
  loan_to: AccountCreationSchema.optional(),
  to_account: AccountCreationSchema.optional(),
  invoices: z.array(RequiredInvoiceCreationSchema.extend({ is_draft: z.boolean().nullish() })).max(1).optional(),
});
type PostLoanBody = z.infer<typeof PostLoanBodySchema>;

/** Canonical hash of a JSON body: key order does not matter. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function refOf(c: CounterpartyRef): BusinessRef {
  return { id: c.businessId, identifier: c.identifier, identifierType: c.identifierType, name: c.name, vatNumber: c.vatNumber };
}

/** Result of a loan request: the loan and the HTTP status to answer with. */
export interface LoanRequestResult {
  readonly loan: LoanRecord;
  readonly status: number;
}

/** The loan already requested with this `salt_id` (same body), or a 409 when the body differs. */
function replayedLoan(tenant: TenantState, saltId: string | null, bodyHash: string): LoanRecord | undefined {
  if (saltId === null) return undefined;
  const known = tenant.loanBySalt.get(saltId);
  const loan = known ? tenant.loans.get(known.loanId) : undefined;
  if (!known || !loan) return undefined;
  if (known.bodyHash !== bodyHash) {
    throw new ProblemError(SALT_ID_CONFLICT_STATUS, 'idempotency_conflict',
      'This salt_id was already used with a different request body.', [], { loan_id: loan.id });
  }
  return loan;
}

/**
 * Amount, account and dates of the loan: given, else derived from its invoice; one 422 naming what is
 * missing or wrong, by the field the caller actually sent (`invoices.0.due_at`, not a derived `to_repay_at`).
 */
function loanTerms(body: PostLoanBody, source: InvoiceSource | undefined, now: number) {
  const problems: InvalidParam[] = [];
  const account = body.loan_to ?? body.to_account ?? source?.toAccount ?? undefined;
  const derivedAmount = source?.toPayAmount != null
    ? { value: source.toPayAmount, name: source.names.toPayAmount }
    : source?.totalAmount != null ? { value: source.totalAmount, name: source.names.totalAmount } : undefined;
  const amount = body.amount ?? derivedAmount?.value;
  const amountName = body.amount != null ? 'amount' : derivedAmount?.name ?? 'amount';
  const toPayAt = body.to_pay_at ? Date.parse(body.to_pay_at) : now;
  const toRepayRaw = body.to_repay_at ?? source?.dueAt ?? undefined;
  const toRepayName = body.to_repay_at ? 'to_repay_at' : source?.names.dueAt ?? 'to_repay_at';
  const toRepayAt = toRepayRaw ? Date.parse(toRepayRaw) : Number.NaN;
  if (amount === undefined) problems.push({ name: 'amount', reason: 'field required' });
  else if (amount <= 0) problems.push({ name: amountName, reason: 'must be positive' });
  if (!account) problems.push({ name: 'loan_to', reason: 'field required' });
  if (!toRepayRaw) problems.push({ name: 'to_repay_at', reason: 'field required' });
  else if (toRepayAt <= toPayAt) {
    problems.push({ name: toRepayName, reason: body.to_repay_at ? 'must be after to_pay_at' : 'the invoice is due before the loan would be paid out (to_pay_at)' });
  }
  if (problems.length > 0 || amount === undefined || !account) throw validationFailed('Body', problems);
  return { account, amount, toPayAt, toRepayAt };
}

/** The loan's borrower as first known: the explicit `borrower`, else the invoice's seller. */
function borrowerOf(body: PostLoanBody, invoice: InvoiceRecord | undefined): { candidates: string[]; fallback: BusinessRef } {
  const candidates: string[] = [];
  if (body.borrower?.identifier) candidates.push(body.borrower.identifier);
  if (invoice?.seller?.identifier) candidates.push(invoice.seller.identifier);
  if (invoice?.buyer?.identifier) candidates.push(invoice.buyer.identifier);
  const fallback: BusinessRef = body.borrower
    ? { id: null, identifier: body.borrower.identifier, identifierType: body.borrower.identifier_type ?? null, name: null, vatNumber: null }
    : invoice?.seller ? refOf(invoice.seller) : { id: null, identifier: '', identifierType: null, name: null, vatNumber: null };
  return { candidates, fallback };
}

/** Handles one `POST /loans` body (already JSON-parsed; validated here). */
export function requestLoan(
  ctx: EmulatorContext, tenant: TenantState, rawBody: unknown, body: PostLoanBody, repaymentMode?: RepaymentMode,
): LoanRequestResult {
  const saltId = body.salt_id ?? null;
  const bodyHash = saltId === null ? '' : canonicalHash(rawBody);
  const replayed = replayedLoan(tenant, saltId, bodyHash);
  if (replayed) return { loan: replayed, status: SALT_ID_REPLAY_STATUS };

  const source = invoiceSource(tenant, body);
  const now = ctx.clock.now();
  const { account, amount, toPayAt, toRepayAt } = loanTerms(body, source, now);
  const invoice = source?.existing ?? (body.invoices?.[0]
    ? createInvoice(ctx, tenant, body.invoices[0], { forceSubmit: true }) : undefined);
  const loanTo = accountDetails(account);
  const { candidates, fallback } = borrowerOf(body, invoice);

  const id = randomUUID();
  const short = id.slice(0, 8).toUpperCase();
  const loan: LoanRecord = {
    id, seq: ctx.store.nextSeq(), createdAt: now, updatedAt: now, status: 'SUBMITTED', amount,
    currency: body.currency ?? invoice?.currency ?? 'EUR', loanType: body.loan_type ?? 'INVOICE_BASED_FINANCING',
    borrowerId: null, borrowerCandidates: candidates, borrower: fallback,
    beneficiary: invoice?.seller ? refOf(invoice.seller) : fallback,
    invoiceIds: invoice ? [invoice.id] : [], loanTo,
    loanToReferences: body.loan_to_references ?? (invoice?.invoiceNumber ? [invoice.invoiceNumber] : []),
    repaymentFromReferences: body.repayment_from_references ?? [],
    repaymentToReferences: [`DFT-${short}`], loanFromReferences: [`DEFACTO-${short}`], repaymentMethod: 'SCT',
    toPayAt, toRepayAt, contractualRepaymentAt: null, submittedAt: now, paidAt: null, repaidNominalAt: null,
    closedAt: null, feesEstimated: feesFor(amount, toPayAt, toRepayAt), repaidAmount: 0, repaidNominalAmount: 0,
    paidInterestsAmount: 0, denialReason: null, contractUrl: null, transferContractUrl: null,
    metadata: body.metadata ?? null, notificationEmails: body.notification_emails ?? [],
    borrowerFinancialProductId: body.borrower_financial_product_id ?? null, scenario: scenarioOfIban(loanTo.account_number),
    autoValidate: body.auto_validate === true, repaymentMode: repaymentMode ?? ctx.repaymentModeOf(tenant), saltId,
    postponed: false, creditHold: 'none', events: [],
  };
  if (resolveBorrower(tenant, loan)) {
    const b = tenant.borrowers.get(loan.borrowerId ?? '');
    if (b && !invoice) loan.beneficiary = borrowerRef(b);
  }
  tenant.loans.add(loan);
  ctx.store.loanTenant.set(loan.id, tenant.key);
  if (saltId !== null) tenant.loanBySalt.set(saltId, { loanId: loan.id, bodyHash });
  invoice?.loanIds.push(loan.id);
  loanCreated(ctx, tenant, loan);

  if (body.wait_for_validation === true && decide(ctx, tenant, loan)) return { loan, status: 201 };
  moveLoan(ctx, tenant, loan, 'PEND');
  scheduleDecision(ctx, tenant, loan, ctx.timing.decisionDelayMs);
  return { loan, status: 201 };
}

/** What the loan needs from its invoice, read before anything is created. */
interface InvoiceSource {
  existing?: InvoiceRecord;
  toAccount: AccountCreation | null;
  toPayAmount: number | null;
  totalAmount: number | null;
  dueAt: string | null;
  /** The request fields these values come from, for error messages. */
  names: { toPayAmount: string; totalAmount: string; dueAt: string };
}

/** The invoice to finance: an existing one (`invoice_ids`) or one to create inline (`invoices`). */
function invoiceSource(tenant: TenantState, body: PostLoanBody): InvoiceSource | undefined {
  const ids = body.invoice_ids ?? [];
  const inline = body.invoices ?? [];
  const problems: InvalidParam[] = [];
  if (ids.length + inline.length > 1) problems.push({ name: 'invoice_ids', reason: 'one invoice per loan: give one invoice_id or one inline invoice' });
  const type = body.loan_type ?? 'INVOICE_BASED_FINANCING';
  if (type === 'INVOICE_BASED_FINANCING' && ids.length + inline.length === 0) {
    problems.push({ name: 'invoices', reason: 'invoice-based financing needs invoice_ids or invoices' });
  }
  const existing = ids[0] !== undefined ? tenant.invoices.get(ids[0]) : undefined;
  if (ids[0] !== undefined && (!existing || existing.status === 'DELETED')) {
    problems.push({ name: 'invoice_ids.0', reason: 'unknown invoice' });
  }
  if (problems.length > 0) throw validationFailed('Body', problems);
  if (existing) {
    const name = 'invoice_ids.0';
    return {
      existing, toAccount: existing.toAccount, toPayAmount: existing.toPayAmount, totalAmount: existing.totalAmount,
      dueAt: existing.dueAt, names: { toPayAmount: name, totalAmount: name, dueAt: name },
    };
  }
  const given = inline[0];
  if (!given) return undefined;
  return {
    toAccount: given.to_account ?? null, toPayAmount: given.to_pay_amount ?? null, totalAmount: given.total_amount, dueAt: given.due_at,
    names: { toPayAmount: 'invoices.0.to_pay_amount', totalAmount: 'invoices.0.total_amount', dueAt: 'invoices.0.due_at' },
  };
}
