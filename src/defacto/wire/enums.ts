/**
 * Enumerations of the Defacto API, copied once from its OpenAPI document. Every status union used
 * elsewhere in the project is derived from these schemas.
 */
import { z } from 'zod';

/** ISO 4217 currencies Defacto lends in. */
export const CurrencySchema = z.enum(['EUR', 'GBP']);
/** ISO 4217 currencies Defacto lends in. */
export type Currency = z.infer<typeof CurrencySchema>;

/** Countries accepted by the sandbox generators (ISO 3166 alpha-3). */
export const CountrySchema = z.enum(['BEL', 'DEU', 'ESP', 'FRA', 'GUF', 'ISL', 'MAF', 'NLD', 'REU']);
/** Countries accepted by the sandbox generators (ISO 3166 alpha-3). */
export type Country = z.infer<typeof CountrySchema>;

/** Sandbox behaviour encoded in a generated IBAN. */
export const ScenarioSchema = z.enum(['SUCCESS', 'SUCCESS_ONE_DAY_LATER', 'FAIL', 'REJECT', 'CANCEL']);
/** Sandbox behaviour encoded in a generated IBAN. */
export type Scenario = z.infer<typeof ScenarioSchema>;

/** Kind of a legal business identifier. */
export const IdentifierTypeSchema = z.enum([
  'belgium_registration_number', 'bsn', 'cif', 'hr_nummer', 'kvk', 'name', 'nif', 'siren', 'siret', 'steuernummer',
  'vat_number',
]);
/** Kind of a legal business identifier. */
export type IdentifierType = z.infer<typeof IdentifierTypeSchema>;

/** Identifier kinds allowed when enrolling a borrower (`name` is not). */
export const BorrowerIdentifierTypeSchema = IdentifierTypeSchema.exclude(['name']);
/** Identifier kinds allowed when enrolling a borrower (`name` is not). */
export type BorrowerIdentifierType = z.infer<typeof BorrowerIdentifierTypeSchema>;

/** Loan statuses (2026 API; `PENDING_VALIDATION` since mid-2023). */
export const LoanStatusSchema = z.enum([
  'SUBMITTED', 'PENDING_VALIDATION', 'TO_VALIDATE', 'DECLINED', 'VALIDATED', 'CANCELED', 'SCHEDULED', 'INITIATED',
  'TO_REPAY', 'TO_REPAY_FEES', 'CLOSED', 'ISSUE_DETECTED', 'DELETED',
]);
/** Loan statuses (2026 API; `PENDING_VALIDATION` since mid-2023). */
export type LoanStatus = z.infer<typeof LoanStatusSchema>;

/** Payment statuses. */
export const PaymentStatusSchema = z.enum(['PROPOSED', 'SCHEDULED', 'INSTRUCTED', 'IN_TRANSIT', 'PAID', 'FAILED', 'CANCELED']);
/** Payment statuses. */
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

/** What a payment is for (`LOAN_PAYMENT` = disbursement). */
export const PaymentTypeSchema = z.enum([
  'LOAN_PAYMENT', 'REPAYMENT_NOMINAL', 'REPAYMENT_FEES', 'REPAYMENT_FULL', 'REFUND', 'EXTRA', 'INTERNAL', 'RETURNED',
  'REVENUE_SHARE', 'LOAN_PURCHASE', 'CHARGEBACK', 'CHANNEL_VERIFICATION', 'PAYMENT_PROVIDER_FEES', 'DEPOSIT_FUNDING',
  'DEPOSIT_RELEASE', 'DEPOSIT_WITHDRAWAL', 'LENDER_DEBT_RESOLUTION', 'LENDER_PREFUNDING', 'LENDER_REPURCHASE', 'PLATFORM',
  'REVERT', 'SUBSCRIPTION',
]);
/** What a payment is for (`LOAN_PAYMENT` = disbursement). */
export type PaymentType = z.infer<typeof PaymentTypeSchema>;

/** Payment rails. */
export const PaymentMethodSchema = z.enum(['DIRECT_DEBIT', 'SCT', 'P2P']);
/** Payment rails. */
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

/** Invoice statuses. */
export const InvoiceStatusSchema = z.enum(['TO_SUBMIT', 'SUBMITTED', 'TO_EDIT', 'VERIFIED', 'DECLINED', 'DELETED', 'PAID']);
/** Invoice statuses. */
export type InvoiceStatus = z.infer<typeof InvoiceStatusSchema>;

/** Borrower statuses. */
export const BorrowerStatusSchema = z.enum([
  'TO_SIGN', 'SIGNED', 'SDD_SETUP', 'ALL_PAYMENT_SETUP', 'READY', 'BLOCKED', 'DEACTIVATED', 'PROHIBITED',
]);
/** Borrower statuses. */
export type BorrowerStatus = z.infer<typeof BorrowerStatusSchema>;

/** KYB/KYC progress of a borrower (deprecated `compliance_checks.status`). */
export const ComplianceStatusSchema = z.enum(['UNKNOWN', 'REVIEWING', 'PENDING_USER_ACTION', 'APPROVED', 'REJECTED']);
/** KYB/KYC progress of a borrower. */
export type ComplianceStatus = z.infer<typeof ComplianceStatusSchema>;

/** Financing product of a loan (deprecated on input, always present on output). */
export const LoanTypeSchema = z.enum([
  'INVOICE_BASED_FINANCING', 'WALLET_FINANCING', 'CREDIT_CARD_FINANCING', 'INVENTORY_FINANCING',
  'FUNDING_OBLIGATION_CONSOLIDATION',
]);
/** Financing product of a loan. */
export type LoanType = z.infer<typeof LoanTypeSchema>;

/** How a loan is repaid in one go or by instalments. */
export const InstallmentPlanTypeSchema = z.enum(['IN_FINE', 'INSTALLMENTS']);
/** How a loan is repaid in one go or by instalments. */
export type InstallmentPlanType = z.infer<typeof InstallmentPlanTypeSchema>;

/** Kind of account number (only IBANs are supported in practice). */
export const AccountNumberTypeSchema = z.enum(['iban', 'account_number', 'internal_id']);
/** Kind of account number. */
export type AccountNumberType = z.infer<typeof AccountNumberTypeSchema>;

/** Kind of bank identifier (`undefined` is a literal value of the API). */
export const BankIdentifierTypeSchema = z.enum(['bic', 'name', 'routing_number', 'undefined']);
/** Kind of bank identifier. */
export type BankIdentifierType = z.infer<typeof BankIdentifierTypeSchema>;

/** Who issued an inline invoice. */
export const InvoiceTypeSchema = z.enum(['DEFACTO', 'USER']);
/** Who issued an inline invoice. */
export type InvoiceType = z.infer<typeof InvoiceTypeSchema>;

/** Forced eligibility of a business in the sandbox. */
export const EligibilityScenarioSchema = z.enum(['OK', 'NOT_ELIGIBLE']);
/** Forced eligibility of a business in the sandbox. */
export type EligibilityScenario = z.infer<typeof EligibilityScenarioSchema>;

/** Kinds of entity in events and webhooks (lower-case, Appendix B of the digest). */
export const EntityTypeSchema = z.enum([
  'account', 'account_detail_verification', 'bill', 'borrower', 'borrower_financial_product', 'business',
  'business_exposure', 'business_financial_product', 'contract', 'counterparty', 'country', 'credit_card', 'credit_line',
  'data_request', 'deposit', 'due_interest', 'eligibility_request', 'enrollment', 'entity_eligibility',
  'financial_product', 'flag', 'installment', 'invoice', 'loan', 'loan_log', 'mandate', 'max_exposure_deployment',
  'onboarding', 'onboarding_financial_product', 'payment', 'people', 'rac', 'raw_data', 'recollection_document',
  'revenue_share', 'sandbox_invoice', 'underwriting_check',
]);
/** Kinds of entity in events and webhooks. */
export type EntityType = z.infer<typeof EntityTypeSchema>;

/** The 32 webhook event names a subscription may listen to. */
export const WebhookEventTypeSchema = z.enum([
  'BorrowerFinancialProductCreated', 'BorrowerFinancialProductUpdated',
  'CreditLine.CREATED', 'CreditLine.BALANCE_UPDATED', 'CreditLine.POOL_AMOUNT_UPDATED', 'CreditLimit.UPDATED',
  'CounterpartyCreditLimit.CREATED', 'CounterpartyCreditLimit.UPDATED',
  'Invoice.SUBMITTED', 'Invoice.TO_EDIT', 'Invoice.VERIFIED', 'Invoice.DECLINED', 'Invoice.DELETED',
  'Loan.SUBMITTED', 'Loan.PENDING_VALIDATION', 'Loan.TO_VALIDATE', 'Loan.VALIDATED', 'Loan.DECLINED', 'Loan.CANCELED',
  'Loan.SCHEDULED', 'Loan.INITIATED', 'Loan.TO_REPAY', 'Loan.TO_REPAY_FEES', 'Loan.CLOSED', 'Loan.ISSUE_DETECTED',
  'Loan.DELETED',
  'Payment.SCHEDULED', 'Payment.INSTRUCTED', 'Payment.IN_TRANSIT', 'Payment.PAID', 'Payment.CANCELED', 'Payment.FAILED',
]);
/** The 32 webhook event names a subscription may listen to. */
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

/**
 * Denial / status reason codes (170 documented values, list is dynamic on Defacto's side), so kept as a
 * plain string: a new code must not break response parsing.
 */
export const DenialReasonSchema = z.string();
/** Denial / status reason code, e.g. `CREDIT_RISK_NOT_ELIGIBLE`. */
export type DenialReason = z.infer<typeof DenialReasonSchema>;

/** Sandbox BIC of every generated IBAN. */
export const SANDBOX_BIC = 'FK2FACTO';

/** Prefix of the `type` URI of Defacto problem bodies (ASSUMPTION: slug after `#`). */
export const PROBLEM_TYPE_BASE = 'https://developers.getdefacto.com/reference/errors#';
