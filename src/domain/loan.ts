/**
 * The loan lifecycle in our own words: Defacto statuses we act on, the steps an operator sees, what the
 * lifecycle has established (its facts) and the outcome of a workflow. The summaries activities return: summaries.ts.
 * Pure: workflows import this module, so no Node builtins and nothing from `src/defacto`.
 */
import type { Currency } from './money';
import type { EligibilityCheck, TranslatedReason } from './reasons';
import type { BorrowerSummary, ContractAvailability, CreditLineSummary, InvoiceSummary, LoanSnapshot, PaymentSummary } from './summaries';

/** Defacto loan statuses (OpenAPI `LoanAPI.status`); test/activities checks they match the wire enum. */
export const LOAN_STATUSES = [
  'SUBMITTED', 'PENDING_VALIDATION', 'TO_VALIDATE', 'DECLINED', 'VALIDATED', 'CANCELED', 'SCHEDULED',
  'INITIATED', 'TO_REPAY', 'TO_REPAY_FEES', 'CLOSED', 'ISSUE_DETECTED', 'DELETED',
] as const;
/** One of {@link LOAN_STATUSES}. */
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/** Defacto borrower statuses (OpenAPI `APIBorrower.status`). */
export const BORROWER_STATUSES = [
  'TO_SIGN', 'SIGNED', 'SDD_SETUP', 'ALL_PAYMENT_SETUP', 'READY', 'BLOCKED', 'DEACTIVATED', 'PROHIBITED',
] as const;
/** One of {@link BORROWER_STATUSES}. */
export type BorrowerStatus = (typeof BORROWER_STATUSES)[number];

/** Defacto payment statuses (OpenAPI `PaymentApi.status`). */
export const PAYMENT_STATUSES = ['PROPOSED', 'SCHEDULED', 'INSTRUCTED', 'IN_TRANSIT', 'PAID', 'FAILED', 'CANCELED'] as const;
/** One of {@link PAYMENT_STATUSES}. */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Sandbox scenarios, encoded by Defacto in the IBAN of the account to be paid. */
export const SCENARIOS = ['SUCCESS', 'SUCCESS_ONE_DAY_LATER', 'FAIL', 'REJECT', 'CANCEL'] as const;
/** One of {@link SCENARIOS}. */
export type Scenario = (typeof SCENARIOS)[number];

/**
 * Statuses in which Defacto accepts `POST /loan/{id}/cancel`: TO_VALIDATE, VALIDATED, SCHEDULED per the
 * OpenAPI description, plus PENDING_VALIDATION, which the PENDING_VALIDATION migration guide asks partners
 * to offer too.
 */
export const CANCELLABLE_LOAN_STATUSES: readonly LoanStatus[] = ['PENDING_VALIDATION', 'TO_VALIDATE', 'VALIDATED', 'SCHEDULED'];
/** Statuses a loan never leaves. */
export const TERMINAL_LOAN_STATUSES: readonly LoanStatus[] = ['DECLINED', 'CANCELED', 'CLOSED', 'DELETED', 'ISSUE_DETECTED'];
/** Statuses that prove the offer was validated (by us, an operator or `auto_validate`). */
export const VALIDATED_OR_BEYOND: readonly LoanStatus[] = [
  'VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'TO_REPAY_FEES', 'CLOSED', 'ISSUE_DETECTED',
];
/**
 * Statuses a loan can only reach after leaving the conditions review: a refused `validate` on such a loan
 * has nothing left to do (its first attempt may have gone through, or Defacto moved the loan on).
 */
export const PAST_REVIEW: readonly LoanStatus[] = [...VALIDATED_OR_BEYOND, 'CANCELED', 'DELETED'];
/** Statuses after the money reached the beneficiary. */
export const DISBURSED_OR_BEYOND: readonly LoanStatus[] = ['TO_REPAY', 'TO_REPAY_FEES', 'CLOSED'];

/** Whether an operator may still cancel a loan in this status. */
export function isCancellable(status: LoanStatus | undefined): boolean {
  return status !== undefined && CANCELLABLE_LOAN_STATUSES.includes(status);
}

/**
 * Statuses in which `POST /repay/now` can repay the loan early: disbursed, principal still owed (Defacto
 * allocates a pay-by-link's amount to the loans waiting for repayment, earliest due first).
 */
export const REPAYABLE_LOAN_STATUSES: readonly LoanStatus[] = ['TO_REPAY'];

/** Whether an operator may ask for an early-repayment link in this status. */
export function isRepayable(status: LoanStatus | undefined): boolean {
  return status !== undefined && REPAYABLE_LOAN_STATUSES.includes(status);
}

/** Whether the loan reached an end state. */
export function isTerminal(status: LoanStatus): boolean {
  return TERMINAL_LOAN_STATUSES.includes(status);
}

/**
 * Position of a status along the happy path; used to never move the observed state backwards when an
 * older poll answer or a late webhook arrives. Terminal side branches rank after the path they leave.
 */
export function loanStatusRank(status: LoanStatus): number {
  const order: Record<LoanStatus, number> = {
    SUBMITTED: 0, PENDING_VALIDATION: 1, TO_VALIDATE: 2, VALIDATED: 3, SCHEDULED: 4, INITIATED: 5,
    TO_REPAY: 6, TO_REPAY_FEES: 7, CLOSED: 8, DECLINED: 9, CANCELED: 9, ISSUE_DETECTED: 9, DELETED: 9,
  };
  return order[status];
}

/** The lifecycle steps, in order, as shown by `progressQuery` and the `LifecycleStep` search attribute. */
export const LIFECYCLE_STEPS = [
  'BORROWER_REGISTERED',
  'CONTRACT_AVAILABLE',
  'INVOICE_CREATED',
  'LOAN_REQUESTED',
  'CONDITIONS_REVIEWED',
  'VALIDATED',
  'DISBURSED',
  'REPAID',
  'CREDIT_LINE_AFTER',
] as const;
/** One of {@link LIFECYCLE_STEPS}. */
export type LifecycleStep = (typeof LIFECYCLE_STEPS)[number];
/** `LifecycleStep` search-attribute value once the workflow has an outcome. */
export const FINISHED_STEP = 'FINISHED';

/** Where a step stands. `SKIPPED`: not reached because the loan ended earlier. */
export type StepStatus = 'PENDING' | 'ACTIVE' | 'DONE' | 'SKIPPED' | 'FAILED';

/** One step with workflow-clock timestamps (ISO 8601). */
export interface StepProgress {
  readonly status: StepStatus;
  readonly startedAt?: string;
  readonly completedAt?: string;
  /** A short, non-personal note (e.g. "signed via /sign", "auto-validated by Defacto"). */
  readonly note?: string;
}


/**
 * Who ended a loan before disbursement: an operator (reject or cancel), the review deadline, or Defacto.
 * The acceptance policy never cancels: an offer outside it waits for an operator.
 */
export type CanceledBy = 'operator' | 'deadline' | 'defacto';

/**
 * Business outcomes of the lifecycle, returned (not thrown). Technical failures fail the workflow instead.
 */
export type LoanOutcome =
  | {
      readonly status: 'CLOSED';
      readonly loanId: string;
      readonly amountCents: number;
      readonly currency: Currency;
      readonly feesCents: number;
      readonly repaidAmountCents: number;
      readonly repaidNominalCents: number;
      readonly paidInterestsCents: number;
      readonly closedAt: string | null;
      readonly payments: readonly PaymentSummary[];
      readonly eventCount: number;
      readonly creditLineBefore: CreditLineSummary | null;
      readonly creditLineAfter: CreditLineSummary | null;
    }
  | {
      readonly status: 'DECLINED';
      readonly loanId: string | null;
      /** The first reason code (Defacto's `denial_reason` of a declined loan). */
      readonly denialReason: string | null;
      /** Where Defacto said no (absent from loans declined before it was recorded). */
      readonly declinedAt?: DeclinedAt;
      /** Every reason code with its translation (absent from loans declined before translations). */
      readonly reasons?: readonly TranslatedReason[];
    }
  | {
      readonly status: 'PAYMENT_FAILED';
      readonly loanId: string;
      readonly loanStatus: LoanStatus;
      readonly failedPayment: PaymentSummary | null;
    }
  | { readonly status: 'CANCELED'; readonly loanId: string | null; readonly canceledBy: CanceledBy; readonly reason: string };

/**
 * Where a financing was declined: the business's pre-eligibility (nothing was created at Defacto), the
 * borrower's status, or the loan decision.
 */
export type DeclinedAt = 'ELIGIBILITY' | 'BORROWER' | 'LOAN';

/** The outcome status alone. */
export type OutcomeStatus = LoanOutcome['status'];

/** How the conditions were (or are being) reviewed. */
export interface ConditionsReview {
  readonly mode: 'auto' | 'policy' | 'operator';
  readonly withinPolicy: boolean | null;
  readonly reasons: readonly string[];
  readonly feeRatePercent: number | null;
  readonly durationDays: number | null;
  /** When the operator window closes (workflow clock), while waiting for a decision. */
  readonly deadlineAt: string | null;
  readonly decision: 'approved' | 'rejected' | 'expired' | null;
  readonly decidedBy: 'api' | 'policy' | 'operator' | 'deadline' | null;
}

/**
 * A cancellation the workflow received (Temporal cancellation request: Web UI, `temporal workflow cancel`,
 * a client's `handle.cancel()`) when Defacto no longer accepted one: the money had moved. The workflow
 * records it and follows the loan to its end.
 */
export interface RefusedCancellation {
  /** Workflow time of the request. */
  readonly at: string;
  /** The loan's status at Defacto then. */
  readonly loanStatus: LoanStatus;
  readonly reason: string;
}

/**
 * An early-repayment link an operator asked for (`repayNowUpdate`). The link itself is temporary and is
 * returned to the caller only: it is kept neither here nor in the current details.
 */
export interface EarlyRepaymentRequest {
  /** The update ID (the caller's key): one link per request ID. */
  readonly requestId: string;
  readonly amountCents: number;
  /** Workflow time of the link's creation. */
  readonly requestedAt: string;
}

/**
 * What the lifecycle has established about its loan: the body of `progressQuery`, and (with the
 * workflow's own bookkeeping) what continue-as-new carries to the next run. Small, serialisable, free of
 * personal data. A field added here is shown and carried without further code; give it a default in
 * {@link initialLoanFacts} (runs continued by older code lack it).
 */
export interface LoanFacts {
  readonly steps: Readonly<Record<LifecycleStep, StepProgress>>;
  readonly borrower: BorrowerSummary | null;
  readonly contract: ContractAvailability | null;
  readonly invoice: InvoiceSummary | null;
  readonly loan: LoanSnapshot | null;
  readonly review: ConditionsReview | null;
  /** True while an operator may call `approveConditionsUpdate` / `rejectConditionsUpdate`. */
  readonly awaitingOperator: boolean;
  readonly creditLineBefore: CreditLineSummary | null;
  readonly creditLineAfter: CreditLineSummary | null;
  readonly repaymentLate: boolean;
  readonly polls: number;
  readonly lastPolledAt: string | null;
  readonly eventsSeen: number;
  /** Runs of the workflow so far (continue-as-new starts the next one). */
  readonly runs: number;
  /** Cancellation requests refused because the loan was past cancellation at Defacto. */
  readonly refusedCancellations: readonly RefusedCancellation[];
  /** The business's pre-eligibility answer, once checked (before the borrower is enrolled). */
  readonly eligibility: EligibilityCheck | null;
  /** Every denial or status reason code met so far, translated once per code. */
  readonly reasons: readonly TranslatedReason[];
  /** Early-repayment links created at an operator's request. */
  readonly earlyRepayments: readonly EarlyRepaymentRequest[];
}

/** The facts of a loan nothing is known about yet: every step pending, first run. */
export function initialLoanFacts(): LoanFacts {
  return {
    steps: initialSteps(),
    borrower: null,
    contract: null,
    invoice: null,
    loan: null,
    review: null,
    awaitingOperator: false,
    creditLineBefore: null,
    creditLineAfter: null,
    repaymentLate: false,
    polls: 0,
    lastPolledAt: null,
    eventsSeen: 0,
    runs: 1,
    refusedCancellations: [],
    eligibility: null,
    reasons: [],
    earlyRepayments: [],
  };
}

/** Everything `progressQuery` returns: the facts, where the lifecycle stands, and the outcome once known. */
export interface LoanProgress extends LoanFacts {
  readonly workflowId: string;
  readonly currentStep: LifecycleStep | typeof FINISHED_STEP;
  readonly outcome: LoanOutcome | null;
}

/** A fresh progress record where every step is pending. */
export function initialSteps(): Record<LifecycleStep, StepProgress> {
  const steps = {} as Record<LifecycleStep, StepProgress>;
  for (const step of LIFECYCLE_STEPS) steps[step] = { status: 'PENDING' };
  return steps;
}
