/** Public API of the Defacto client layer: client, wire types, error taxonomy, retry policy, pagination. */
export * from './client';
export type { BorrowerListQuery, BorrowerMethods, CounterpartyListQuery, CounterpartyMethods, EligibilityMethods } from './borrower-client';
export type { InvoiceListQuery, InvoiceMethods, InvoiceUpload } from './invoice-client';
export type {
  AccountingEventListQuery, AccountingEventMethods, CreditLineListQuery, CreditLineMethods, InstallmentListQuery, LoanListQuery, LoanMethods,
  PaymentListQuery, PaymentMethods, RepaymentsMethods,
} from './loan-client';
export type { OnboardingMethods } from './onboarding-client';
export type { InstallmentPlanMethods, RecollectionCaseListQuery, RecollectionMethods } from './recollection-client';
export * from './errors';
export * from './pagination';
export * from './retry-policy';
export type { SandboxMethods } from './sandbox-client';
export type { WebhookListQuery, WebhookMethods, WebhookPatch } from './webhook-client';
export * from './wire';
