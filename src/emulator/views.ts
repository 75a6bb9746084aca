/**
 * Response shapes built from stored records, typed with the shared wire types so the emulator cannot
 * drift from what the client checks. Documents are never inlined: invoices expose a `document_url`.
 */
import { createHash } from 'node:crypto';
import type {
  AccountDetails, ApiBorrower, ApiCreditLine, ApiInvoice, Counterparty, LightBusiness, LoanApi, LoanApiEvent,
  MinimalLoanApi, PaymentApi, Webhook,
} from '../defacto/wire';
import { SANDBOX_BIC } from '../defacto/wire';
import { CONTRACT_URL_TTL_S, FEES_DAILY_RATE_PERCENT } from './assumptions';
import { isoTimestamp } from './clock';
import type { EmulatorContext } from './context';
import { feesFor } from './fees';
import { ibanFromBban } from './scenario';
import type {
  BorrowerRecord, BusinessRef, CounterpartyRef, CreditLineRecord, InvoiceRecord, LoanEventRecord, LoanRecord, PaymentRecord, WebhookRecord,
} from './records';
import type { TenantState } from './store';

/** Defacto's disbursement account (fake, valid IBAN). */
export const DEFACTO_LOAN_FROM: AccountDetails = {
  account_number: ibanFromBban('FR', '1695800001' + '00000000001' + '12'),
  account_number_type: 'iban', bank_identifier: 'QNTOFRP1', bank_identifier_type: 'bic',
};
/** Defacto's collection account where repayments are sent (fake, valid IBAN). */
export const DEFACTO_REPAYMENT_TO: AccountDetails = {
  account_number: ibanFromBban('FR', '1695800001' + '00000000002' + '09'),
  account_number_type: 'iban', bank_identifier: 'QNTOFRP1', bank_identifier_type: 'bic',
};

const iso = (ms: number | null): string | null => (ms === null ? null : isoTimestamp(ms));

/** A business snapshot as embedded in loans. */
export function businessView(ref: BusinessRef): LightBusiness {
  return { id: ref.id, identifier: ref.identifier, identifier_type: ref.identifierType, name: ref.name, vat_number: ref.vatNumber };
}

/** A pre-signed-looking, expiring contract link (§3.8). */
export function contractUrl(contractId: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const signature = createHash('sha256').update(`${contractId}:${stamp}`).digest('hex');
  return `https://defacto-sandbox-contracts.s3.eu-west-3.amazonaws.com/contracts/${contractId}.pdf`
    + `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${stamp}&X-Amz-Expires=${CONTRACT_URL_TTL_S}&X-Amz-Signature=${signature}`;
}

/** `APIBorrower`. */
export function borrowerView(ctx: EmulatorContext, b: BorrowerRecord): ApiBorrower {
  const input = b.input;
  const signed = b.signedAt !== null;
  return {
    id: b.id,
    identifier: input.identifier,
    identifier_type: input.identifier_type ?? null,
    name: input.name ?? null,
    legal_form: input.legal_form ?? null,
    vat_number: input.vat_number ?? null,
    address: input.address ?? null,
    accounts: input.account_number
      ? [{ account_number: input.account_number, account_number_type: 'iban', bank_identifier: SANDBOX_BIC, bank_identifier_type: 'bic', account_name: input.name ?? null }]
      : [],
    directors: input.directors ? input.directors.map((d, i) => ({ ...d, id: b.directorIds[i] ?? null })) : null,
    owner: input.owner && b.ownerId
      ? { id: b.ownerId, email: input.owner.email ?? '', phone_number: input.owner.phone_number ?? null }
      : null,
    signed_at: iso(b.signedAt),
    status: b.status,
    status_reason: null,
    compliance_checks: { status: 'APPROVED' },
    next_actions: [],
    active_enrollments: [],
    can_reonboard: false,
    contract_id: signed ? b.contractId : null,
    contract_s3_url: signed ? contractUrl(b.contractId, ctx.clock.now()) : null,
    metadata: input.metadata ?? null,
  };
}

function counterpartyView(c: CounterpartyRef | null): Counterparty | null {
  if (!c) return null;
  return { id: c.id, business_id: c.businessId, identifier: c.identifier, identifier_type: c.identifierType, name: c.name, vat_number: c.vatNumber };
}

/** `APIInvoice`. */
export function invoiceView(ctx: EmulatorContext, inv: InvoiceRecord): ApiInvoice {
  return {
    id: inv.id,
    invoice_number: inv.invoiceNumber,
    net_amount: inv.netAmount ?? (inv.totalAmount !== null ? inv.totalAmount - (inv.taxAmount ?? 0) : null),
    tax_amount: inv.taxAmount,
    total_amount: inv.totalAmount,
    to_pay_amount: inv.toPayAmount,
    currency: inv.currency,
    issued_at: inv.issuedAt,
    due_at: inv.dueAt,
    is_draft: inv.isDraft,
    buyer: counterpartyView(inv.buyer),
    seller: counterpartyView(inv.seller),
    to_account_details: inv.toAccount,
    document_url: `${ctx.baseUrl}/_emulator/documents/${inv.documentId}.pdf`,
    loan_ids: [...inv.loanIds],
    status: inv.status,
    status_reason: null,
    metadata: inv.metadata,
  };
}

/** `MinimalLoanAPI` (list item). */
export function minimalLoanView(ctx: EmulatorContext, loan: LoanRecord): MinimalLoanApi {
  const now = ctx.clock.now();
  const repaying = loan.status === 'TO_REPAY' || loan.status === 'TO_REPAY_FEES';
  return {
    id: loan.id,
    status: loan.status,
    amount: loan.amount,
    currency: loan.currency,
    loan_type: loan.loanType,
    borrower: businessView(loan.borrower),
    beneficiary: businessView(loan.beneficiary),
    guarantor: null,
    invoice_ids: [...loan.invoiceIds],
    loan_from: DEFACTO_LOAN_FROM,
    loan_from_references: loan.loanFromReferences,
    loan_to: loan.loanTo,
    loan_to_references: loan.loanToReferences,
    repayment_method: loan.repaymentMethod,
    repayment_from: null,
    repayment_from_references: loan.repaymentFromReferences,
    repayment_to: DEFACTO_REPAYMENT_TO,
    repayment_to_references: loan.repaymentToReferences,
    to_pay_at: isoTimestamp(loan.toPayAt),
    to_repay_at: isoTimestamp(loan.toRepayAt),
    earliest_to_repay_at: isoTimestamp(loan.toPayAt + 86_400_000),
    contractual_repayment_date: iso(loan.contractualRepaymentAt),
    submitted_at: isoTimestamp(loan.submittedAt),
    paid_at: iso(loan.paidAt),
    repaid_nominal_at: iso(loan.repaidNominalAt),
    closed_at: iso(loan.closedAt),
    fees_estimated: loan.feesEstimated,
    fees_ongoing: repaying && loan.paidAt !== null ? feesFor(loan.amount, loan.paidAt, now)
      : loan.status === 'CLOSED' ? loan.paidInterestsAmount : null,
    repaid_amount: loan.repaidAmount,
    repaid_nominal_amount: loan.repaidNominalAmount,
    paid_interests_amount: loan.paidInterestsAmount,
    deposits: {},
    denial_reason: loan.denialReason,
    contract_url: loan.contractUrl,
    transfer_contract_url: loan.transferContractUrl,
    borrower_financial_product_id: loan.borrowerFinancialProductId,
    notification_emails: loan.notificationEmails,
    metadata: loan.metadata,
  };
}

/** `LoanAPI`: the list item plus the financed invoice as a document. */
export function loanView(ctx: EmulatorContext, tenant: TenantState, loan: LoanRecord): LoanApi {
  const documents: LoanApi['documents'] = [];
  for (const invoiceId of loan.invoiceIds) {
    const inv = tenant.invoices.get(invoiceId);
    if (!inv) continue;
    documents.push({
      document_type: 'invoice',
      document_url: `${ctx.baseUrl}/_emulator/documents/${inv.documentId}.pdf`,
      document_name: `${inv.invoiceNumber ?? inv.id}.pdf`,
      uploaded_at: isoTimestamp(inv.createdAt),
    });
  }
  return { ...minimalLoanView(ctx, loan), documents };
}

/** `LoanApiEvent`. */
export function loanEventView(loanId: string, e: LoanEventRecord): LoanApiEvent {
  return { entity_type: 'loan', status: e.status, transition_name: e.transitionName, timestamp: isoTimestamp(e.at), payload: { loan_id: loanId, ...e.payload } };
}

/** `PaymentApi`. */
export function paymentView(p: PaymentRecord): PaymentApi {
  return {
    id: p.id,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    payment_type: p.paymentType,
    payment_method: p.paymentMethod,
    is_instant: false,
    scheduled_at: iso(p.scheduledAt),
    paid_at: iso(p.paidAt),
    from_account_details: p.from,
    to_account_details: p.to,
    from_references: p.fromReferences,
    to_references: p.toReferences,
    failure_reason: p.failureReason,
    reason: null,
    provider: { name: 'SANDBOX', payment_id: p.id, failure_reason: p.failureReason },
    related_to: { loans: [{ loan_id: p.loanId, amount: p.amount, payment_type: p.paymentType }], invoices: p.invoiceIds },
  };
}

/** `APICreditLine`. */
export function creditLineView(tenant: TenantState, cl: CreditLineRecord): ApiCreditLine {
  const borrower = tenant.borrowers.get(cl.borrowerId);
  return {
    id: cl.id,
    currency: 'EUR',
    pool_amount: cl.pool,
    balance_available: cl.balanceAvailable,
    balance_pending: cl.balancePending,
    balance_pending_validation: cl.balancePendingValidation,
    contract_number: `DFT-${cl.id.slice(0, 8).toUpperCase()}`,
    signed_at: iso(cl.signedAt),
    start_date: isoTimestamp(cl.createdAt),
    end_date: null,
    distribution: cl.kind === 'partner' ? 'DIRECT' : 'PARTNER',
    loan_contract_type: 'CREDIT_OPERATION',
    fees_daily_rate: FEES_DAILY_RATE_PERCENT,
    fees_interest_daily_rate: FEES_DAILY_RATE_PERCENT,
    fees_operating_daily_rate: 0,
    vat: 0,
    default_borrower: borrower
      ? { id: borrower.businessId, identifier: cl.borrowerIdentifier, identifier_type: borrower.input.identifier_type ?? null, name: borrower.input.name ?? null }
      : null,
    default_borrower_strategy: 'SELLER',
    default_loan_from: DEFACTO_LOAN_FROM,
    default_repayment_to: DEFACTO_REPAYMENT_TO,
    default_repayment_method: 'SCT',
  };
}

/** `Webhook`. */
export function webhookView(w: WebhookRecord): Webhook {
  return { id: w.id, name: w.name, to_url: w.toUrl, event_types: [...w.eventTypes] };
}
