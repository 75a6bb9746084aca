/**
 * The records the emulator stores, one interface per Defacto resource (internal shapes, not wire shapes:
 * the views in views.ts turn them into API responses). Epoch-ms timestamps throughout.
 */
import type {
  AccountDetails, AccountingEventType, ApiPostBorrower, BorrowerStatus, CounterpartyCreation, Currency, IdentifierType,
  InvoiceStatus, LoanStatus, LoanType, OnboardingCreation, OnboardingStatus, PaymentIntentStatus, PaymentMethod, PaymentStatus,
  PaymentType, RelationType, Scenario, WebhookEventType,
} from '../defacto/wire';

/** Fields every stored record has. `createdAt`/`updatedAt` are internal (errata 10), epoch ms. */
export interface StoredRecord {
  readonly id: string;
  readonly seq: number;
  readonly createdAt: number;
  updatedAt: number;
}

/** Who a counterparty is: the same on an invoice's buyer/seller and on the tenant's counterparty record. */
export interface CounterpartyIdentity {
  businessId: string;
  identifier: string;
  identifierType: IdentifierType | null;
  name: string | null;
  vatNumber: string | null;
  input: CounterpartyCreation;
}

/** A counterparty (buyer/seller) as stored on an invoice. */
export interface CounterpartyRef extends CounterpartyIdentity {
  id: string;
}

/** A borrower. */
export interface BorrowerRecord extends StoredRecord {
  businessId: string;
  input: Omit<ApiPostBorrower, 'wait_for_ready'>;
  status: BorrowerStatus;
  signedAt: number | null;
  contractId: string;
  ownerId: string | null;
  directorIds: string[];
  creditLineId: string | null;
}

/** An invoice; its PDF lives once in `TenantState.documents`. */
export interface InvoiceRecord extends StoredRecord {
  status: InvoiceStatus;
  invoiceNumber: string | null;
  issuedAt: string | null;
  dueAt: string | null;
  currency: Currency;
  netAmount: number | null;
  taxAmount: number | null;
  totalAmount: number | null;
  toPayAmount: number | null;
  buyer: CounterpartyRef | null;
  seller: CounterpartyRef | null;
  toAccount: AccountDetails | null;
  isDraft: boolean;
  documentId: string;
  loanIds: string[];
  metadata: Record<string, unknown> | null;
}

/** A business snapshot for a loan's borrower/beneficiary. */
export interface BusinessRef {
  id: string | null;
  identifier: string;
  identifierType: IdentifierType | null;
  name: string | null;
  vatNumber: string | null;
}

/** One entry of a loan's activity log. */
export interface LoanEventRecord {
  status: LoanStatus;
  transitionName: string;
  at: number;
  payload: Record<string, unknown>;
}

/** Repayment automation of a loan (contracts §3). */
export type RepaymentMode = 'sandbox' | 'production';

/** A loan. */
export interface LoanRecord extends StoredRecord {
  status: LoanStatus;
  amount: number;
  currency: Currency;
  loanType: LoanType;
  borrowerId: string | null;
  /** Identifiers that may name the borrower, in lookup order (explicit `borrower`, else seller, buyer). */
  borrowerCandidates: string[];
  borrower: BusinessRef;
  beneficiary: BusinessRef;
  invoiceIds: string[];
  loanTo: AccountDetails;
  loanToReferences: string[];
  repaymentFromReferences: string[];
  repaymentToReferences: string[];
  loanFromReferences: string[];
  repaymentMethod: PaymentMethod;
  toPayAt: number;
  toRepayAt: number;
  contractualRepaymentAt: number | null;
  submittedAt: number;
  paidAt: number | null;
  repaidNominalAt: number | null;
  closedAt: number | null;
  feesEstimated: number;
  repaidAmount: number;
  repaidNominalAmount: number;
  paidInterestsAmount: number;
  denialReason: string | null;
  contractUrl: string | null;
  transferContractUrl: string | null;
  metadata: Record<string, unknown> | null;
  notificationEmails: string[];
  borrowerFinancialProductId: string | null;
  scenario: Scenario;
  autoValidate: boolean;
  repaymentMode: RepaymentMode;
  saltId: string | null;
  /** Set once `PUT /loan/repayment-terms` moved `to_repay_at` later (allowed once). */
  postponed: boolean;
  /** What the loan currently holds on its credit line (applied, so a late credit line never goes negative). */
  creditHold: 'none' | 'pending' | 'committed';
  events: LoanEventRecord[];
}

/** A payment (disbursement or repayment). */
export interface PaymentRecord extends StoredRecord {
  loanId: string;
  invoiceIds: string[];
  amount: number;
  currency: Currency;
  status: PaymentStatus;
  paymentType: PaymentType;
  paymentMethod: PaymentMethod;
  scheduledAt: number | null;
  paidAt: number | null;
  from: AccountDetails;
  to: AccountDetails;
  fromReferences: string[];
  toReferences: string[];
  failureReason: string | null;
}

/** A credit line (no status, §4.5): a borrower's, or the partner's own (`borrowerId` and identifier empty). */
export interface CreditLineRecord extends StoredRecord {
  kind: 'borrower' | 'partner';
  borrowerId: string;
  borrowerIdentifier: string;
  pool: number;
  balanceAvailable: number;
  balancePending: number;
  balancePendingValidation: number;
  signedAt: number | null;
}

/** One accounting event (`GET /events`), recorded when a loan moves. */
export interface AccountingEventRecord extends StoredRecord {
  loanId: string;
  type: AccountingEventType;
  principalAmount: number | null;
  feesAmount: number | null;
}

/** A pay-by-link created by `POST /repay/now`; paid once, when the borrower follows it. */
export interface PayLinkRecord extends StoredRecord {
  amount: number;
  callbackUrl: string;
  status: 'OPEN' | 'PAID';
  /** Loans the payment repaid, once paid. */
  loanIds: string[];
}

/** A borrower's repayment method. */
export interface RepaymentMethodRecord extends StoredRecord {
  borrowerId: string;
  paymentMethod: PaymentMethod;
  name: string | null;
  status: 'NEW' | 'PENDING_VALIDATION' | 'READY' | 'DEACTIVATED';
  isMain: boolean;
  accountToDebit: AccountDetails | null;
  accountToCredit: AccountDetails | null;
}

/** A counterparty of the tenant: made by invoices (buyer `DEBTOR`, seller `SUPPLIER`) or by `POST /counterparties`. */
export interface CounterpartyRecord extends StoredRecord, CounterpartyIdentity {
  relationTypes: Set<RelationType>;
}

/** An onboarding of a business through the tunnel (`POST /onboardings`). */
export interface OnboardingRecord extends StoredRecord {
  input: OnboardingCreation;
  status: OnboardingStatus;
  /** Name of the business as the public registry knows it (null without a business). */
  businessName: string | null;
  borrowerId: string | null;
  /** Set when a later `POST /onboardings` for the same business handed out a secure resume link. */
  resumeLink: { token: string; expiresAt: number } | null;
  /** What the tunnel decided once the borrower went through it (null before). */
  eligible: boolean | null;
  eligibilityId: string;
}

/** An action of a recollection case. */
export interface RecollectionActionRecord {
  id: string;
  name: string;
  status: 'CANCELED' | 'DONE' | 'SCHEDULED';
  statusAt: number;
  dueAt: number;
  shortDescription: string | null;
}

/** A recollection case: a debtor, its late loans, the actions and installment plans to recover them. */
export interface RecollectionCaseRecord extends StoredRecord {
  agent: string;
  debtor: { identifier: string; identifierType: IdentifierType };
  loanIds: string[];
  nextAction: RecollectionActionRecord;
  pastActions: RecollectionActionRecord[];
  /** Installment plans made for the case, oldest first; the last one is active. */
  planIds: string[];
  notes: Record<string, unknown> | null;
}

/** One installment (payment intent) of a plan. */
export interface InstallmentRecord {
  id: string;
  amount: number;
  date: number;
  status: PaymentIntentStatus;
  loans: { loanId: string; amount: number }[];
  recollectionFees: number;
  reference: string | null;
}

/** An installment plan (from a recollection case or `POST /installment-plans`). */
export interface InstallmentPlanRecord extends StoredRecord {
  business: { identifier: string; identifierType: IdentifierType };
  loanIds: string[];
  paymentMethod: PaymentMethod;
  installments: InstallmentRecord[];
  recollectionCaseId: string | null;
  saltId: string | null;
}

/** A webhook subscription. */
export interface WebhookRecord extends StoredRecord {
  name: string;
  toUrl: string;
  eventTypes: WebhookEventType[];
}
