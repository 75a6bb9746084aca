/** Loan wire shapes: request, resource (full and list item), events, patch. */
import { z } from 'zod';
import {
  AccountCreationSchema, AccountDetailsSchema, BusinessIdentifierRequiredSchema, BusinessIdentifierSchema, CentsSchema,
  DateTimeSchema, LightBusinessSchema, MetadataSchema,
} from './common';
import {
  CurrencySchema, EntityTypeSchema, InstallmentPlanTypeSchema, LoanStatusSchema, LoanTypeSchema, PaymentMethodSchema,
} from './enums';
import { RequiredInvoiceCreationSchema } from './invoices';

/** Kinds of document attached to a loan. */
export const LoanDocumentTypeSchema = z.enum([
  'credit_card_expenses', 'invoice', 'pro_forma', 'public_procurement_ownership_act', 'public_procurement_single_copy',
  'sale_purchase_agreement', 'time_sheet',
]);

/** One instalment of an `INSTALLMENTS` loan. */
export const LoanInstallmentSchema = z.object({ amount: CentsSchema, date: DateTimeSchema });

/** A document sent with a loan request; typed sub-objects are kept as sent (not modelled here). */
export const LoanDocumentToCreateSchema = z.looseObject({
  document_type: LoanDocumentTypeSchema,
  document_name: z.string(),
  document_binary_base64: z.string(),
  description: z.string().nullish(),
  additional_document_data: MetadataSchema.nullish(),
});

/** An attachment sent with a loan request (newer variant of documents); sub-objects kept as sent. */
export const LoanAttachmentToCreateSchema = z.looseObject({
  document_type: LoanDocumentTypeSchema,
  description: z.string().nullish(),
  additional_document_data: MetadataSchema.nullish(),
});

/**
 * Body of `POST /loans` (OAS `APIPostLoan`). `salt_id` is the idempotency key: the same value returns
 * the same loan. One invoice per loan: either `invoice_ids` or `invoices` (max 1).
 */
export const ApiPostLoanSchema = z.object({
  amount: CentsSchema.positive(),
  currency: CurrencySchema.optional(),
  to_pay_at: DateTimeSchema,
  to_repay_at: DateTimeSchema,
  loan_to: AccountCreationSchema,
  loan_to_references: z.array(z.string()).optional(),
  repayment_from_references: z.array(z.string()).optional(),
  borrower: BusinessIdentifierSchema.nullish(),
  invoice_ids: z.array(z.string()).optional(),
  invoices: z.array(RequiredInvoiceCreationSchema).max(1).optional(),
  auto_validate: z.boolean().optional(),
  wait_for_validation: z.boolean().optional(),
  salt_id: z.string().nullish(),
  borrower_financial_product_id: z.string().nullish(),
  loan_type: LoanTypeSchema.optional(),
  installment_plan_type: InstallmentPlanTypeSchema.optional(),
  installments: z.array(LoanInstallmentSchema).nullish(),
  documents: z.array(LoanDocumentToCreateSchema).optional(),
  attachments: z.array(LoanAttachmentToCreateSchema).optional(),
  notification_emails: z.array(z.string()).optional(),
  metadata: MetadataSchema.nullish(),
});
/** Body of `POST /loans`. */
export type ApiPostLoan = z.infer<typeof ApiPostLoanSchema>;

/** A guarantee/fees deposit on a loan. */
export const LoanDepositSchema = z.object({
  amount: CentsSchema,
  paid_amount: CentsSchema,
  deposit_id: z.string().nullish(),
});

/** A document attached to a loan, as read back. */
export const LoanDocumentSchema = z.object({
  document_type: LoanDocumentTypeSchema,
  document_url: z.string(),
  document_name: z.string().nullish(),
  uploaded_at: DateTimeSchema.nullish(),
  about_business: BusinessIdentifierRequiredSchema.nullish(),
  user_input: MetadataSchema.nullish(),
});

/** A loan as returned by `GET /loans` (OAS `MinimalLoanAPI`): `LoanApi` without `documents` (errata 4). */
export const MinimalLoanApiSchema = z.object({
  id: z.string(),
  status: LoanStatusSchema,
  amount: CentsSchema,
  currency: CurrencySchema,
  loan_type: LoanTypeSchema,
  borrower: LightBusinessSchema,
  beneficiary: LightBusinessSchema,
  guarantor: LightBusinessSchema.nullish(),
  invoice_ids: z.array(z.string()),
  loan_from: AccountDetailsSchema,
  loan_from_references: z.array(z.string()),
  loan_to: AccountDetailsSchema,
  loan_to_references: z.array(z.string()),
  repayment_method: PaymentMethodSchema,
  repayment_from: AccountDetailsSchema.nullish(),
  repayment_from_references: z.array(z.string()),
  repayment_to: AccountDetailsSchema,
  repayment_to_references: z.array(z.string()),
  to_pay_at: DateTimeSchema,
  to_repay_at: DateTimeSchema,
  earliest_to_repay_at: DateTimeSchema,
  contractual_repayment_date: DateTimeSchema.nullish(),
  submitted_at: DateTimeSchema,
  paid_at: DateTimeSchema.nullish(),
  repaid_nominal_at: DateTimeSchema.nullish(),
  closed_at: DateTimeSchema.nullish(),
  fees_estimated: CentsSchema.nullish(),
  fees_ongoing: CentsSchema.nullish(),
  repaid_amount: CentsSchema,
  repaid_nominal_amount: CentsSchema,
  paid_interests_amount: CentsSchema,
  deposits: z.record(z.string(), LoanDepositSchema),
  denial_reason: z.string().nullish(),
  contract_url: z.string().nullish(),
  transfer_contract_url: z.string().nullish(),
  borrower_financial_product_id: z.string().nullish(),
  notification_emails: z.array(z.string()).optional(),
  metadata: MetadataSchema.nullish(),
});
/** A loan as returned by `GET /loans`. */
export type MinimalLoanApi = z.infer<typeof MinimalLoanApiSchema>;

/** A loan as read back (OAS `LoanAPI`). */
export const LoanApiSchema = MinimalLoanApiSchema.extend({ documents: z.array(LoanDocumentSchema) });
/** A loan as read back. */
export type LoanApi = z.infer<typeof LoanApiSchema>;

/** One entry of `GET /loan/{loan_id}/events` (OAS `LoanApiEvent`). */
export const LoanApiEventSchema = z.object({
  entity_type: EntityTypeSchema,
  status: LoanStatusSchema,
  transition_name: z.string().nullish(),
  timestamp: DateTimeSchema.optional(),
  payload: MetadataSchema.optional(),
});
/** One entry of a loan's activity log. */
export type LoanApiEvent = z.infer<typeof LoanApiEventSchema>;

/** Body of `PATCH /loan/{loan_id}` (OAS `APIPatchLoan`); which fields are allowed depends on the status. */
export const LoanPatchSchema = z.object({
  amount: CentsSchema.nullish(),
  to_pay_at: DateTimeSchema.nullish(),
  to_repay_at: DateTimeSchema.nullish(),
  loan_to: AccountCreationSchema.extend({
    source: z.object({ id: z.string(), name: z.string(), datasource_unique_id: z.string().nullish() }).nullish(),
  }).nullish(),
  loan_to_references: z.array(z.string()).nullish(),
  repayment_to_references: z.array(z.string()).optional(),
  repayment_method: z.enum(['DIRECT_DEBIT', 'SCT']).nullish(),
  metadata: MetadataSchema.nullish(),
  lender_id: z.unknown().optional(),
  transfer_contract_url: z.string().nullish(),
});
/** Body of `PATCH /loan/{loan_id}`. */
export type LoanPatch = z.infer<typeof LoanPatchSchema>;

/** One loan's new repayment terms (OAS `RepaymentTerms`); DIRECT_DEBIT needs `direct_debit`, SCT may carry `sct`. */
export const RepaymentTermsSchema = z.object({
  loan_id: z.string().min(1),
  repayment_date: DateTimeSchema,
  repayment_method: PaymentMethodSchema,
  direct_debit: z.object({ from_account: AccountCreationSchema }).nullish(),
  sct: z.object({ to_account: AccountCreationSchema }).nullish(),
  reason: z.enum(['LOAN_REPAYMENT_BY_PAY_BY_LINK']).nullish(),
});
/** Body of `PUT /loan/repayment-terms` (OAS `APILoanSetRepaymentTerms`). */
export const SetRepaymentTermsSchema = z.object({ repayment_terms: z.array(RepaymentTermsSchema).min(1) });
/** Body of `PUT /loan/repayment-terms`. */
export type SetRepaymentTerms = z.infer<typeof SetRepaymentTermsSchema>;

/** Body of `POST /loan/documents/{document_type}` (OAS `ApiFetchLoanDocuments`): loans by id and/or payout window. */
export const FetchLoanDocumentsSchema = z.object({
  loan_ids: z.array(z.string()).optional(),
  to_pay_at_from: DateTimeSchema.nullish(),
  to_pay_at_to: DateTimeSchema.nullish(),
});
/** Body of `POST /loan/documents/{document_type}`. */
export type FetchLoanDocuments = z.infer<typeof FetchLoanDocumentsSchema>;
/** Answer of `POST /loan/documents/{document_type}`: a link to the archive. */
export const LoanDocumentsLinkSchema = z.object({ link: z.string() });
