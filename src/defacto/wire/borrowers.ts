/** Borrower wire shapes: enrolment request, borrower resource, signature. */
import { z } from 'zod';
import {
  AccountCreationSchema, AddressSchema, BusinessAddressSchema, CentsSchema, DateSchema, DateTimeSchema, LightAccountSchema, MetadataSchema,
} from './common';
import {
  BorrowerIdentifierTypeSchema, BorrowerStatusSchema, ComplianceStatusSchema, EntityTypeSchema, IdentifierTypeSchema, PaymentMethodSchema,
} from './enums';

/** Place of birth of a person. */
export const BirthPlaceSchema = z.object({ city: z.string().nullish(), country: z.string().nullish() });

/** A company director, as sent (OAS `APICreateDirector`) and read back (OAS `APIDirector`). */
export const DirectorSchema = z.object({
  id: z.unknown().optional(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  title: z.string().nullish(),
  birth_date: DateSchema.nullish(),
  birth_place: BirthPlaceSchema.nullish(),
  nationality: z.string().nullish(),
  business_email: z.string().nullish(),
  business_phone_number: z.string().nullish(),
  address: AddressSchema.nullish(),
  role: z.enum(['DIRECTOR', 'NON_DIRECTOR']).optional(),
  entity_type: EntityTypeSchema.optional(),
  identifier: z.string().nullish(),
  identifier_type: IdentifierTypeSchema.nullish(),
  legal_name: z.string().nullish(),
  siege_address: AddressSchema.nullish(),
});
/** A company director. */
export type Director = z.infer<typeof DirectorSchema>;

/** An identity document sent inline as base64. */
export const IdentityDocumentSchema = z.object({
  filename: z.string(),
  document_binary_base64: z.string(),
  description: z.string().nullish(),
});

/** The person subscribing on behalf of the borrower (OAS `APICreateOwner`). */
export const OwnerCreationSchema = z.object({
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().nullish(),
  phone_number: z.string().nullish(),
  birth_date: DateSchema.nullish(),
  identity_documents: z
    .object({
      identity_document_front: IdentityDocumentSchema.nullish(),
      identity_document_back: IdentityDocumentSchema.nullish(),
      custom_identity_documents: z.array(IdentityDocumentSchema).nullish(),
    })
    .nullish(),
});
/** The person subscribing on behalf of the borrower. */
export type OwnerCreation = z.infer<typeof OwnerCreationSchema>;

/** Body of `POST /borrowers` and output of the business generator (OAS `APIPostBorrower`). */
export const ApiPostBorrowerSchema = z.object({
  identifier: z.string().min(1).regex(/^\S+$/, 'must not contain spaces (write the company number without separators)'),
  identifier_type: BorrowerIdentifierTypeSchema.nullish(),
  name: z.string().nullish(),
  legal_form: z.string().nullish(),
  vat_number: z.string().nullish(),
  address: BusinessAddressSchema.nullish(),
  account_number: z.string().nullish(),
  directors: z.array(DirectorSchema).min(1).nullish(),
  owner: OwnerCreationSchema.nullish(),
  signed_at: DateTimeSchema.nullish(),
  preferred_language: z.string().nullish(),
  metadata: MetadataSchema.nullish(),
  wait_for_ready: z.boolean().optional(),
});
/** Body of `POST /borrowers`. */
export type ApiPostBorrower = z.infer<typeof ApiPostBorrowerSchema>;

/** An enrolment (KYB case) attached to a borrower. */
export const EnrollmentSchema = z.object({
  id: z.string(),
  entity_id: z.string(),
  entity_type: z.enum(['BORROWER', 'ONBOARDING']),
  enrollment_campaign: z.string(),
  enrollment_name: z.string(),
  status: z.string(),
  submitted_at: DateTimeSchema.nullish(),
  agent_feedback: z.string().nullish(),
  recommendations: z.array(z.unknown()).nullish(),
});

/** A borrower as read back (OAS `APIBorrower`); `id` may be absent (errata 9). */
export const ApiBorrowerSchema = z.object({
  id: z.string().nullish(),
  identifier: z.string(),
  identifier_type: IdentifierTypeSchema.nullish(),
  name: z.string().nullish(),
  legal_form: z.string().nullish(),
  vat_number: z.string().nullish(),
  address: AddressSchema.nullish(),
  accounts: z.array(LightAccountSchema).optional(),
  directors: z.array(DirectorSchema).nullish(),
  owner: z.object({ id: z.string(), email: z.string(), phone_number: z.string().nullish() }).nullish(),
  signed_at: DateTimeSchema.nullish(),
  status: BorrowerStatusSchema.nullish(),
  status_reason: z.string().nullish(),
  compliance_checks: z.object({ status: ComplianceStatusSchema }).nullish(),
  next_actions: z.array(z.enum(['FILL_KYB_CASE'])).nullish(),
  active_enrollments: z.array(EnrollmentSchema).optional(),
  can_reonboard: z.boolean().nullish(),
  contract_id: z.string().nullish(),
  /** Pre-signed, temporary link to the T&Cs contract: never store or log it. */
  contract_s3_url: z.string().nullish(),
  metadata: MetadataSchema.nullish(),
});
/** A borrower as read back. */
export type ApiBorrower = z.infer<typeof ApiBorrowerSchema>;

/** Body of `POST /borrower/{borrower_id}/sign` (OAS `SignedInput`). */
export const SignBorrowerRequestSchema = z.object({
  signed_at: DateTimeSchema,
  wait_for_ready: z.boolean().nullish(),
});
/** Body of `POST /borrower/{borrower_id}/sign`. */
export type SignBorrowerRequest = z.infer<typeof SignBorrowerRequestSchema>;

/** Answer of `POST /borrower/{borrower_id}/owner` (OAS `APIOwnerCreatedResponse`). */
export const OwnerCreatedSchema = z.object({ id: z.string(), email: z.string(), phone_number: z.string() });
/** Answer of `POST /borrower/{borrower_id}/owner`. */
export type OwnerCreated = z.infer<typeof OwnerCreatedSchema>;

/** An IBAN to debit or credit (OAS `PublicApiAccountNumber`). */
export const PublicAccountNumberSchema = z.object({
  account_number: z.string().min(1),
  account_number_type: z.enum(['iban']).optional(),
  bank_identifier: z.string().nullish(),
  bank_identifier_type: z.enum(['bic']).optional(),
});

/** Body of `POST /borrower/{borrower_id}/repayment-methods` (OAS `ApiPostRepaymentMethod`); DIRECT_DEBIT needs `from_account`. */
export const RepaymentMethodCreationSchema = z.object({
  payment_method: z.enum(['DIRECT_DEBIT', 'SCT']),
  apply_to_all_active_loans: z.boolean(),
  is_default_repayment_method: z.boolean(),
  name: z.string().nullish(),
  from_account: PublicAccountNumberSchema.nullish(),
});
/** Body of `POST /borrower/{borrower_id}/repayment-methods`. */
export type RepaymentMethodCreation = z.infer<typeof RepaymentMethodCreationSchema>;

/** A borrower's repayment method (OAS `APIRepaymentMethodDetails`). */
export const RepaymentMethodSchema = z.object({
  payment_method: PaymentMethodSchema,
  status: z.enum(['NEW', 'PENDING_VALIDATION', 'READY', 'DEACTIVATED']),
  is_main: z.boolean(),
  account_to_debit: AccountCreationSchema.nullish(),
  account_to_credit: AccountCreationSchema.nullish(),
});
/** A borrower's repayment method. */
export type RepaymentMethod = z.infer<typeof RepaymentMethodSchema>;

/** Statuses of a borrower's financial product. */
export const FinancialProductStatusSchema = z.enum([
  'BLOCKED', 'CHURN', 'CLOSED_BY_USER', 'CREATED', 'CUT', 'DEACTIVATED', 'PENDING_USER_ACTION', 'PRODUCT_DISCONTINUED', 'READY', 'TO_SIGN',
]);

/** A financial product a borrower can request loans against (OAS `ApiBorrowerFinancialProduct`). */
export const BorrowerFinancialProductSchema = z.object({
  id: z.string(),
  borrower_id: z.string(),
  status: FinancialProductStatusSchema,
  status_reason: z.string().nullish(),
  can_request_loan: z.boolean(),
  available_amount: CentsSchema.nullish(),
  max_amount: CentsSchema.nullish(),
  amount_outstanding: CentsSchema.nullish(),
  amount_pending_validation: CentsSchema.nullish(),
  fees_daily_rate: z.number().nullish(),
  unlock_loan_request_link: z.string().nullish(),
  financial_product: z.object({
    name: z.string(),
    product_type: z.enum([
      'CREDIT_CARD_FINANCING', 'DAILLY', 'FLEX_FINANCING', 'INVENTORY_FINANCING', 'INVOICE_BASED_FINANCING', 'PAYABLE',
      'PAYABLE_FACTORING', 'RECEIVABLE', 'RECEIVABLE_FACTORING', 'SELL_IN', 'WALLET_FINANCING',
    ]),
    // The configuration is deep and product-specific; only the contract type is modelled.
    configuration: z.object({
      contract_type: z.enum(['CREDIT_OPERATION', 'CREDIT_OPERATION_WITH_TRADE_RECEIVABLE_GUARANTEE', 'EQUITY_LOAN', 'TRADE_RECEIVABLE']).optional(),
      billing: z.unknown().optional(), contract_generation_settings: z.unknown().optional(), contract_templates: z.unknown().optional(),
      depositing_rules: z.unknown().optional(), installments: z.unknown().optional(), risk_mitigation_config: z.unknown().optional(),
      subscription: z.unknown().optional(), tcs_documents: z.unknown().optional(), ux: z.unknown().optional(),
    }),
  }),
});
/** A borrower's financial product. */
export type BorrowerFinancialProduct = z.infer<typeof BorrowerFinancialProductSchema>;
