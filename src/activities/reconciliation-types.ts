/**
 * The activity interface of reconciliation and adoption, written once: `createReconciliationActivities`
 * implements it, `loanReconciliationWorkflow` and `adoptedLoanWorkflow` proxy it through `import type`.
 * Results are compact: a page of findings, never a page of loans.
 */
import type { LoanStatus } from '../domain/loan';
import type { BorrowerSummary, InvoiceSummary, LoanSnapshot } from '../domain/summaries';
import type { LoanOptions } from '../domain/schemas';

/** What adoption needs to know about an existing loan. */
export interface AdoptionRead {
  readonly loan: LoanSnapshot;
  readonly borrower: BorrowerSummary | null;
  readonly invoice: InvoiceSummary | null;
}

/** Thresholds of one reconciliation run. */
export interface ReconciliationThresholds {
  /** A workflow may lag Defacto this long (since the loan's last event) before it counts as a disagreement. */
  readonly gracePeriodMs: number;
  /** A loan in TO_VALIDATE longer than this since its submission is past its review deadline. */
  readonly reviewDeadlineMs: number;
  /** A loan still to repay this long after its repayment date is late. */
  readonly repaymentFollowUpMs: number;
}

/** Input of `reconcileLoanPage`. */
export interface ReconcilePageInput extends ReconciliationThresholds {
  /** Cursor of the page (`null`: the first page). */
  readonly cursor: string | null;
  readonly pageSize: number;
  /** Start `adoptedLoanWorkflow` for each orphan (idempotent). */
  readonly adopt: boolean;
  /** How adopted loans are handled (poll schedule, deadlines). */
  readonly adoptedLoan: LoanOptions;
  readonly checkCreditLines: boolean;
}

/** Why no workflow follows an open loan. */
export type OrphanWorkflowStatus = 'MISSING' | 'TERMINATED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED' | 'COMPLETED' | 'CONTINUED_AS_NEW' | 'UNKNOWN';

/** One thing reconciliation found. Identifiers only: no amounts beyond the line's, no personal data. */
export type ReconciliationFinding =
  | {
    readonly kind: 'orphan'; readonly loanId: string; readonly loanStatus: LoanStatus;
    /** The workflow named by the loan's metadata (`null`: the loan names none). */
    readonly workflowId: string | null; readonly workflowStatus: OrphanWorkflowStatus;
    /** The adoption started (or already running) for it. */
    readonly adoptedBy: string | null;
  }
  | {
    readonly kind: 'disagreement'; readonly loanId: string; readonly workflowId: string;
    readonly workflowLoanStatus: LoanStatus | null; readonly defactoStatus: LoanStatus; readonly sinceAt: string | null;
  }
  | { readonly kind: 'review-overdue'; readonly loanId: string; readonly workflowId: string | null; readonly submittedAt: string }
  | { readonly kind: 'repayment-late'; readonly loanId: string; readonly workflowId: string | null; readonly toRepayAt: string }
  | {
    readonly kind: 'credit-line-drift'; readonly borrowerIdentifier: string; readonly creditLineId: string | null;
    readonly lineUsedCents: number; readonly outstandingCents: number;
  };

/** The kinds of finding. */
export type FindingKind = ReconciliationFinding['kind'];

/** Result of `reconcileLoanPage`. */
export interface ReconcilePageResult {
  readonly loansChecked: number;
  readonly findings: readonly ReconciliationFinding[];
  /** Adoptions this page started (0 when they already ran). */
  readonly adoptionsStarted: number;
  readonly nextCursor: string | null;
}

/** Reconciliation and adoption activities. */
export interface ReconciliationActivities {
  /** `GET /loan/{id}`, its borrower (by company number) and its first invoice, as summaries. */
  readLoanForAdoption(input: { readonly loanId: string }): Promise<AdoptionRead>;
  /**
   * One page of Defacto's open loans (`GET /loans?status=…`), each matched to the workflow following it
   * (`LoanId` search attribute, then the loan's `metadata.workflow_id` and its adoption ID by describe);
   * orphans adopted when asked.
   */
  reconcileLoanPage(input: ReconcilePageInput): Promise<ReconcilePageResult>;
}
