/**
 * The activity interface of the loan lifecycle, written once: `createActivities` implements it and the
 * workflow proxies it through `import type`. Inputs and results are small domain summaries, so workflow
 * history holds no PDFs, no bank details and no personal data.
 */
import type { Scenario } from '../domain/loan';
import type {
  BorrowerSummary, BusinessProfile, ContractAvailability, CreditLineSummary, InvoiceSummary, LoanEventsSummary, LoanSnapshot, PaymentSummary,
} from '../domain/summaries';
import type { Currency } from '../domain/money';
import type { EligibilityCheck, ReasonText } from '../domain/reasons';
import type { InvoicePayload } from '../domain/schemas';

/** The company that borrows, as Defacto identifies it. */
export interface BorrowerRef {
  readonly identifier: string;
  readonly identifierType: string | null;
  readonly name: string | null;
}

/** Input of `createBorrower`. */
export interface CreateBorrowerInput {
  readonly business: BusinessProfile;
  /** Terms accepted at creation; `null` → created `TO_SIGN`, signed later through `signBorrower`. */
  readonly signedAt: string | null;
  readonly workflowId: string;
}

/** Input of `generateInvoice`: a sandbox invoice for `scenario`, sold by the borrower, under a stable number. */
export interface GenerateInvoiceInput {
  readonly invoiceNumber: string;
  readonly scenario: Scenario;
  readonly country: string;
  readonly seller: BorrowerRef;
  readonly workflowId: string;
}

/** Input of `createInvoice`: the platform's own invoice. */
export interface CreateInvoiceInput {
  readonly payload: InvoicePayload;
  readonly workflowId: string;
}

/** Input of `requestLoan`; every field is fixed by the workflow so a retried request has the same body. */
export interface RequestLoanInput {
  readonly saltId: string;
  readonly workflowId: string;
  readonly invoiceId: string;
  readonly borrower: BorrowerRef;
  readonly amountCents: number;
  readonly currency: Currency;
  readonly toPayAt: string;
  readonly toRepayAt: string;
  readonly autoValidate: boolean;
}

/** Input of `checkEligibility`: the business about to be enrolled. */
export interface CheckEligibilityInput {
  readonly identifier: string;
  readonly identifierType: string;
}

/** Input of `repayNow`: one early-repayment link for `amountCents`, asked for by an operator. */
export interface RepayNowInput {
  readonly loanId: string;
  readonly amountCents: number;
  readonly workflowId: string;
  /** The operator's request (update) ID, for the logs. */
  readonly requestId: string;
}

/** A pay-by-link for an early repayment: temporary, handed to the operator, never logged. */
export interface RepayNowLink {
  readonly url: string;
}

/** One activity per Defacto endpoint the lifecycle uses, named in Defacto's words. */
export interface LoanActivities {
  /** `GET /sandbox/business-generator`: public company data only (no directors, no IBAN). */
  generateBusiness(input: { readonly country: string }): Promise<BusinessProfile>;
  /** `GET /borrowers?borrower_identifier=` then `POST /borrowers` if absent: safe to run twice. */
  createBorrower(input: CreateBorrowerInput): Promise<BorrowerSummary>;
  /** `POST /borrower/{id}/sign`; an already signed borrower counts as success. */
  signBorrower(input: { readonly borrowerId: string; readonly signedAt: string }): Promise<BorrowerSummary>;
  /** `GET /borrower/{id}`. */
  getBorrower(input: { readonly borrowerId: string }): Promise<BorrowerSummary>;
  /** `GET /borrower/{id}`: whether the temporary contract link exists (the link itself is never returned). */
  getContractLink(input: { readonly borrowerId: string }): Promise<ContractAvailability>;
  /** `POST /sandbox/invoice-generator` + `POST /invoices`, after looking the number up: the PDF never leaves the activity. */
  generateInvoice(input: GenerateInvoiceInput): Promise<InvoiceSummary>;
  /** `GET /invoices` (by number) then `POST /invoices` if absent. */
  createInvoice(input: CreateInvoiceInput): Promise<InvoiceSummary>;
  /** `POST /loans` with `salt_id` (Defacto's idempotency key) and `metadata.workflow_id`. */
  requestLoan(input: RequestLoanInput): Promise<LoanSnapshot>;
  /** `GET /loan/{id}`. */
  getLoan(input: { readonly loanId: string }): Promise<LoanSnapshot>;
  /** `POST /loan/{id}/validate`; a loan already validated or beyond counts as success. */
  validateLoan(input: { readonly loanId: string }): Promise<LoanSnapshot>;
  /** `POST /loan/{id}/cancel`; a loan already canceled counts as success. */
  cancelLoan(input: { readonly loanId: string }): Promise<LoanSnapshot>;
  /** `GET /loan/{id}/events` (all pages), reduced to a count and the statuses in order. */
  listLoanEvents(input: { readonly loanId: string }): Promise<LoanEventsSummary>;
  /** `GET /payments?loan_id=` (all pages). */
  listPayments(input: { readonly loanId: string }): Promise<PaymentSummary[]>;
  /** `GET /credit_lines?borrower=`: the borrower's line, or `null` when none exists yet. */
  getCreditLines(input: { readonly borrowerIdentifier: string }): Promise<CreditLineSummary | null>;
  /** `POST /eligibility/borrower`: the business's pre-eligibility (a read: nothing is created). */
  checkEligibility(input: CheckEligibilityInput): Promise<EligibilityCheck>;
  /**
   * `GET /translation/denial-code/{code}` in the worker's configured language (`DEFACTO_LANGUAGE`); a code
   * Defacto does not know comes back with `text: null`.
   */
  translateDenialCode(input: { readonly code: string }): Promise<ReasonText>;
  /** `POST /repay/now`: a new pay-by-link on every call (not idempotent: run it once per operator request). */
  repayNow(input: RepayNowInput): Promise<RepayNowLink>;
}
