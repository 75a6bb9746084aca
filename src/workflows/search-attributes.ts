/**
 * Typed search-attribute keys of loan workflows. {@link loanSearchAttributes} is the one list: the
 * dev-server manager registers it at start, `npm run namespace:setup` (src/namespace-setup.ts) on any
 * cluster or Temporal Cloud, and the worker checks it at start-up.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const LoanStatusKey = defineSearchAttributeKey('LoanStatus', SearchAttributeType.KEYWORD);
export const LifecycleStepKey = defineSearchAttributeKey('LifecycleStep', SearchAttributeType.KEYWORD);
export const BorrowerIdentifierKey = defineSearchAttributeKey('BorrowerIdentifier', SearchAttributeType.KEYWORD);
export const InvoiceNumberKey = defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD);
export const LoanIdKey = defineSearchAttributeKey('LoanId', SearchAttributeType.KEYWORD);
export const LoanAmountCentsKey = defineSearchAttributeKey('LoanAmountCents', SearchAttributeType.INT);
export const CurrencyKey = defineSearchAttributeKey('Currency', SearchAttributeType.KEYWORD);
/** The step in progress (`REPAID` means "waiting for the repayment"), `FINISHED` once the loan ended. Replaces `LifecycleStep`, still upserted for earlier loans and queries. */
export const StepInProgressKey = defineSearchAttributeKey('StepInProgress', SearchAttributeType.KEYWORD);
/** True while an offer waits for an operator's approve / reject. */
export const AwaitingDecisionKey = defineSearchAttributeKey('AwaitingDecision', SearchAttributeType.BOOL);
/** When the operator window closes (then the loan is canceled). */
export const DecisionDeadlineKey = defineSearchAttributeKey('DecisionDeadline', SearchAttributeType.DATETIME);
/** True once the repayment is past its follow-up window. */
export const RepaymentLateKey = defineSearchAttributeKey('RepaymentLate', SearchAttributeType.BOOL);
/** When the loan is to be repaid (Defacto's `to_repay_at`). */
export const RepaymentDueAtKey = defineSearchAttributeKey('RepaymentDueAt', SearchAttributeType.DATETIME);
/** How the loan ended: CLOSED, DECLINED, CANCELED, PAYMENT_FAILED (ExecutionStatus says Completed for all). */
export const OutcomeKey = defineSearchAttributeKey('Outcome', SearchAttributeType.KEYWORD);

/** Every custom key, for registration. */
export const loanSearchAttributes = [
  LoanStatusKey,
  LifecycleStepKey,
  BorrowerIdentifierKey,
  InvoiceNumberKey,
  LoanIdKey,
  LoanAmountCentsKey,
  CurrencyKey,
  StepInProgressKey,
  AwaitingDecisionKey,
  DecisionDeadlineKey,
  RepaymentLateKey,
  RepaymentDueAtKey,
  OutcomeKey,
] as const;
