/**
 * The operator and integration messages of `loanLifecycleWorkflow`, typed at definition. Clients (starter,
 * HTTP edge, tests) import these definitions; only the workflow registers handlers.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LoanProgress, LoanStatus } from '../domain/loan';

/** Everything an operator needs to follow the loan: steps with timestamps, summaries, review, outcome. */
export const progressQuery = defineQuery<LoanProgress>('progress');

/** What a conditions update returns once the workflow acted on it. */
export interface ConditionsDecisionResult {
  readonly loanId: string;
  readonly loanStatus: LoanStatus;
}

/** The operator's note on a decision (`{}` for none; kept in history: no personal data). */
export interface OperatorNote {
  readonly reason?: string;
}

/**
 * Accept the offer under review: the workflow validates the loan and returns its new status. Refused
 * (validator) unless the workflow is waiting for an operator decision.
 */
export const approveConditionsUpdate = defineUpdate<ConditionsDecisionResult, [OperatorNote]>('approveConditions');

/**
 * Refuse the offer under review: the workflow cancels the loan. Refused unless the workflow is waiting
 * for an operator decision.
 */
export const rejectConditionsUpdate = defineUpdate<ConditionsDecisionResult, [OperatorNote]>('rejectConditions');

/**
 * Cancel the loan. Refused unless the loan is in a status Defacto accepts a cancellation in; fails if
 * Defacto refuses it meanwhile (the lifecycle then simply continues).
 */
export const cancelLoanUpdate = defineUpdate<ConditionsDecisionResult, [OperatorNote]>('cancelLoan');

/** An operator's request for an early-repayment link (`{}`: the full amount due by the repayment date). */
export interface RepayNowRequest {
  /**
   * What the borrower pays through the link, in minor units (a positive integer); default: principal plus
   * the estimated fees, what repaying in full costs by the due date. Defacto refuses an amount that repays
   * no loan in full.
   */
  readonly amountCents?: number;
}

/** The early-repayment link, for the caller only (the workflow keeps neither it nor its query string). */
export interface RepayNowResult {
  readonly loanId: string;
  readonly loanStatus: LoanStatus;
  readonly amountCents: number;
  /** Defacto's pay-by-link: temporary, lets whoever holds it pay; hand it to the borrower, do not store it. */
  readonly url: string;
  /** Workflow time of the link's creation. */
  readonly requestedAt: string;
  /** The update ID that asked for it: the same ID gets the same link, never a second one. */
  readonly requestId: string;
}

/**
 * Ask Defacto for an early-repayment link (`POST /repay/now`) for this loan. Refused (validator) unless the
 * loan is disbursed and not yet repaid (TO_REPAY), or when the amount is not a positive integer. Give a
 * stable update ID per operator request (`--update-id`, the HTTP route's `Idempotency-Key`): a retry with
 * that ID returns the same link and creates none.
 */
export const repayNowUpdate = defineUpdate<RepayNowResult, [RepayNowRequest]>('repayNow');

/** A Defacto loan event as fed by the webhook receiver; a hint to poll now, never trusted as state. */
export interface DefactoEvent {
  readonly loanId: string;
  readonly status: LoanStatus;
  readonly eventType: string;
  readonly timestamp: string;
  /** When the HTTP edge received the webhook (ISO 8601, edge clock); absent from older senders. */
  readonly receivedAt?: string;
}

/** Wakes the status wait early; duplicates and events of other loans are ignored. */
export const defactoEventSignal = defineSignal<[DefactoEvent]>('defactoEvent');
