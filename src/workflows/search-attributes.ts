/**
 * Typed search-attribute keys of loan workflows. The dev-server manager registers every key in
 * {@link loanSearchAttributes} at start; on a cluster or Temporal Cloud an operator registers them once
 * (see docs/operations.md).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const LoanStatusKey = defineSearchAttributeKey('LoanStatus', SearchAttributeType.KEYWORD);
export const LifecycleStepKey = defineSearchAttributeKey('LifecycleStep', SearchAttributeType.KEYWORD);
export const BorrowerIdentifierKey = defineSearchAttributeKey('BorrowerIdentifier', SearchAttributeType.KEYWORD);
export const InvoiceNumberKey = defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD);
export const LoanIdKey = defineSearchAttributeKey('LoanId', SearchAttributeType.KEYWORD);
export const LoanAmountCentsKey = defineSearchAttributeKey('LoanAmountCents', SearchAttributeType.INT);
export const CurrencyKey = defineSearchAttributeKey('Currency', SearchAttributeType.KEYWORD);

/** Every custom key, for registration. */
export const loanSearchAttributes = [
  LoanStatusKey,
  LifecycleStepKey,
  BorrowerIdentifierKey,
  InvoiceNumberKey,
  LoanIdKey,
  LoanAmountCentsKey,
  CurrencyKey,
] as const;
