/**
 * The small summaries activities return about Defacto's borrowers, invoices, loans, payments and credit
 * lines: what the lifecycle decides on and reports, never raw payloads, never personal data. Pure.
 */
import type { BorrowerStatus, LoanStatus, PaymentStatus } from './loan';
import type { Currency } from './money';

/** A borrower as the lifecycle needs it: company identity and status, no director or bank data. */
export interface BorrowerSummary {
  readonly id: string;
  readonly identifier: string;
  readonly identifierType: string | null;
  readonly name: string | null;
  readonly status: BorrowerStatus | null;
  readonly statusReason: string | null;
  readonly signedAt: string | null;
}

/** Public company data, enough to register a borrower (what the sandbox generator returns, minus people and IBANs). */
export interface BusinessProfile {
  readonly identifier: string;
  readonly identifierType: string | null;
  readonly name: string | null;
  readonly country: string;
}

/** Whether the borrower's contract can be downloaded; the pre-signed link itself is never kept. */
export interface ContractAvailability {
  readonly available: boolean;
  /** Expiry of the temporary link when Defacto encodes it in the URL. */
  readonly expiresAt: string | null;
}

/** An invoice as the lifecycle needs it (no document, no bank details). */
export interface InvoiceSummary {
  readonly id: string;
  readonly invoiceNumber: string;
  readonly status: string | null;
  readonly amountCents: number;
  readonly currency: Currency;
  readonly issuedAt: string | null;
  readonly dueAt: string | null;
  readonly sellerIdentifier: string | null;
  readonly buyerIdentifier: string | null;
}

/** The parts of a Defacto loan the workflow decides on and reports. */
export interface LoanSnapshot {
  readonly id: string;
  readonly status: LoanStatus;
  readonly amountCents: number;
  readonly currency: Currency;
  readonly feesEstimatedCents: number | null;
  readonly toPayAt: string;
  readonly toRepayAt: string;
  readonly paidAt: string | null;
  readonly closedAt: string | null;
  readonly repaidAmountCents: number;
  readonly repaidNominalCents: number;
  readonly paidInterestsCents: number;
  readonly denialReason: string | null;
}

/** One payment linked to a loan. */
export interface PaymentSummary {
  readonly id: string;
  readonly type: string;
  readonly status: PaymentStatus;
  readonly amountCents: number;
  readonly currency: Currency;
  readonly paidAt: string | null;
  readonly failureReason: string | null;
}

/** A borrower's credit line balances at one moment. */
export interface CreditLineSummary {
  readonly id: string | null;
  readonly currency: Currency;
  readonly poolAmountCents: number | null;
  readonly balanceAvailableCents: number | null;
  readonly feesDailyRate: number | null;
}

/** The loan's event log, reduced to what an operator reads in the result. */
export interface LoanEventsSummary {
  readonly count: number;
  readonly statuses: readonly string[];
}

/**
 * What repaying the loan in full costs by its due date: the principal plus the estimated fees (fees accrue
 * daily, so today it costs at most this). The default amount of an early-repayment link.
 */
export function fullRepaymentCents(loan: Pick<LoanSnapshot, 'amountCents' | 'feesEstimatedCents' | 'repaidAmountCents'>): number {
  return Math.max(1, loan.amountCents + (loan.feesEstimatedCents ?? 0) - loan.repaidAmountCents);
}
