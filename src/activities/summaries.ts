/**
 * Wire resources → the small domain summaries activities return. Personal data (directors, owners),
 * bank details and documents are dropped here, so they never reach workflow history.
 */
import {
  DefactoContractError, type ApiBorrower, type ApiCreditLine, type ApiInvoice, type LoanApi, type MinimalLoanApi,
  type PaymentApi,
} from '../defacto';
import type { BorrowerSummary, ContractAvailability, CreditLineSummary, InvoiceSummary, LoanSnapshot, PaymentSummary } from '../domain/summaries';

/** A resource without the id we must keep: a broken contract, not something a retry fixes. */
function requireId(id: string | null | undefined, method: string, pathTemplate: string, what: string): string {
  if (id) return id;
  throw new DefactoContractError(`${method} ${pathTemplate} returned ${what} without an id`, {
    method, pathTemplate, invalidParams: [{ name: 'id', reason: 'missing' }],
  });
}

/** Borrower → company identity and status only. */
export function borrowerSummary(b: ApiBorrower, site: { method: string; pathTemplate: string }): BorrowerSummary {
  return {
    id: requireId(b.id, site.method, site.pathTemplate, 'a borrower'),
    identifier: b.identifier,
    identifierType: b.identifier_type ?? null,
    name: b.name ?? null,
    status: b.status ?? null,
    statusReason: b.status_reason ?? null,
    signedAt: b.signed_at ?? null,
  };
}

/** Invoice → number, amount, dates and counterparties' company numbers (no document, no IBAN). */
export function invoiceSummary(i: ApiInvoice, site: { method: string; pathTemplate: string }): InvoiceSummary {
  const amountCents = i.to_pay_amount ?? i.total_amount ?? i.net_amount;
  // Only a draft made from a document alone lacks these; the lifecycle never finances such a draft.
  if (!i.invoice_number || amountCents == null) {
    throw new DefactoContractError(`${site.method} ${site.pathTemplate} returned an invoice without a number or an amount`, {
      method: site.method, pathTemplate: site.pathTemplate,
      invalidParams: [{ name: i.invoice_number ? 'net_amount' : 'invoice_number', reason: 'missing' }],
    });
  }
  return {
    id: requireId(i.id, site.method, site.pathTemplate, 'an invoice'),
    invoiceNumber: i.invoice_number,
    status: i.status ?? null,
    amountCents,
    currency: i.currency ?? 'EUR',
    issuedAt: i.issued_at ?? null,
    dueAt: i.due_at ?? null,
    sellerIdentifier: i.seller?.identifier ?? null,
    buyerIdentifier: i.buyer?.identifier ?? null,
  };
}

/** Loan → status, money and dates the workflow decides on. */
export function loanSnapshot(l: LoanApi | MinimalLoanApi): LoanSnapshot {
  return {
    id: l.id,
    status: l.status,
    amountCents: l.amount,
    currency: l.currency,
    feesEstimatedCents: l.fees_estimated ?? null,
    toPayAt: l.to_pay_at,
    toRepayAt: l.to_repay_at,
    paidAt: l.paid_at ?? null,
    closedAt: l.closed_at ?? null,
    repaidAmountCents: l.repaid_amount,
    repaidNominalCents: l.repaid_nominal_amount,
    paidInterestsCents: l.paid_interests_amount,
    denialReason: l.denial_reason ?? null,
  };
}

/** Payment → type, status, amount, failure reason (no accounts, no references). */
export function paymentSummary(p: PaymentApi): PaymentSummary {
  return {
    id: p.id,
    type: p.payment_type,
    status: p.status,
    amountCents: p.amount,
    currency: p.currency ?? 'EUR',
    paidAt: p.paid_at ?? null,
    failureReason: p.failure_reason ?? p.provider?.failure_reason ?? null,
  };
}

/** Credit line → balances and rate. */
export function creditLineSummary(c: ApiCreditLine): CreditLineSummary {
  return {
    id: c.id ?? null,
    currency: c.currency ?? 'EUR',
    poolAmountCents: c.pool_amount ?? null,
    balanceAvailableCents: c.balance_available ?? null,
    feesDailyRate: c.fees_daily_rate ?? null,
  };
}

/**
 * Whether a borrower has a contract link and, when the pre-signed URL encodes it (S3 `X-Amz-Date` +
 * `X-Amz-Expires`, or `Expires` in epoch seconds), when it expires. The URL itself is not returned.
 */
export function contractAvailability(url: string | null | undefined): ContractAvailability {
  if (!url) return { available: false, expiresAt: null };
  let expiresAt: string | null = null;
  try {
    const params = new URL(url).searchParams;
    const amzDate = params.get('X-Amz-Date');
    const amzExpires = params.get('X-Amz-Expires');
    const expires = params.get('Expires');
    if (amzDate && amzExpires) {
      const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
      if (m) {
        const signed = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
        expiresAt = new Date(signed + Number(amzExpires) * 1000).toISOString();
      }
    } else if (expires && /^\d+$/.test(expires)) {
      expiresAt = new Date(Number(expires) * 1000).toISOString();
    }
  } catch {
    expiresAt = null;
  }
  return { available: true, expiresAt };
}
