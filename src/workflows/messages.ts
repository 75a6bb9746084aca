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
