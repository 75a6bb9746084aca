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
