/** Payment and credit-line wire shapes. */
import { z } from 'zod';
import { AccountDetailsSchema, CentsSchema, DateTimeSchema, LightBusinessSchema } from './common';
import { CurrencySchema, PaymentMethodSchema, PaymentStatusSchema, PaymentTypeSchema } from './enums';

/** The payment provider's view of a payment (OAS `ProviderPaymentID`). */
export const PaymentProviderSchema = z.object({
  name: z.enum(['LEMONWAY', 'MEMOBANK', 'NUMERAL', 'SANDBOX', 'SWAN', 'TEST']),
  payment_id: z.string().nullish(),
  original_id: z.string().nullish(),
  initial_payment_id: z.string().nullish(),
  failure_reason: z.string().nullish(),
  override_reconciliation_id: z.string().nullish(),
});

/** What a payment settles (OAS `PaymentRelationApi`). */
export const PaymentRelationSchema = z.object({
  loans: z
    .array(z.object({ loan_id: z.string(), amount: CentsSchema, payment_type: PaymentTypeSchema, deposit_id: z.unknown().optional() }))
    .optional(),
  invoices: z.array(z.string()).optional(),
  bills: z.array(z.object({ bill_id: z.string(), amount: CentsSchema, payment_id: z.unknown().optional() })).optional(),
  payment_intents: z
    .array(z.object({ payment_intent_id: z.string(), amount: CentsSchema, payment_type: PaymentTypeSchema }))
    .optional(),
  subscriptions: z.array(z.object({ subscription_id: z.string(), amount_cents: CentsSchema })).optional(),
});

/** A payment (disbursement or repayment) as read back (OAS `PaymentApi`). */
export const PaymentApiSchema = z.object({
  id: z.string(),
  amount: CentsSchema,
  currency: CurrencySchema.optional(),
  status: PaymentStatusSchema,
  payment_type: PaymentTypeSchema,
  payment_method: PaymentMethodSchema.nullish(),
  is_instant: z.boolean().optional(),
  scheduled_at: DateTimeSchema.nullish(),
  paid_at: DateTimeSchema.nullish(),
  from_account_details: AccountDetailsSchema.nullish(),
  to_account_details: AccountDetailsSchema.nullish(),
  from_references: z.array(z.string()).optional(),
  to_references: z.array(z.string()).optional(),
  failure_reason: z.string().nullish(),
  reason: z.string().nullish(),
  charged_back_payment_id: z.unknown().optional(),
  provider: PaymentProviderSchema.nullish(),
  related_to: PaymentRelationSchema.optional(),
});
/** A payment as read back. */
export type PaymentApi = z.infer<typeof PaymentApiSchema>;

/** A credit line as read back (OAS `APICreditLine`); it has no status; `id` may be absent (errata 9). */
export const ApiCreditLineSchema = z.object({
  id: z.string().nullish(),
  currency: CurrencySchema.optional(),
  pool_amount: CentsSchema.nullish(),
  balance_available: CentsSchema.nullish(),
  balance_pending: CentsSchema.optional(),
  balance_pending_validation: CentsSchema.optional(),
  contract_number: z.string().nullish(),
  signed_at: DateTimeSchema.nullish(),
  start_date: DateTimeSchema,
  end_date: DateTimeSchema.nullish(),
  distribution: z.enum(['DIRECT', 'PARTNER']),
  loan_contract_type: z.enum([
    'CREDIT_OPERATION', 'CREDIT_OPERATION_WITH_TRADE_RECEIVABLE_GUARANTEE', 'EQUITY_LOAN', 'TRADE_RECEIVABLE',
  ]),
  fees_daily_rate: z.number().nullish(),
  fees_interest_daily_rate: z.number(),
  fees_operating_daily_rate: z.number(),
  vat: z.number().nullish(),
  fees_payer: LightBusinessSchema.nullish(),
  default_borrower: LightBusinessSchema.nullish(),
  default_borrower_strategy: z.enum(['BUYER', 'SELLER']).nullish(),
  default_guarantor: LightBusinessSchema.nullish(),
  default_loan_from: AccountDetailsSchema.nullish(),
  default_repayment_from: AccountDetailsSchema.nullish(),
  default_repayment_to: AccountDetailsSchema.nullish(),
  default_repayment_method: PaymentMethodSchema.optional(),
});
/** A credit line as read back. */
export type ApiCreditLine = z.infer<typeof ApiCreditLineSchema>;

/** The partner's own credit line (OAS `APITenantCreditLine`, deprecated `GET /credit_line`). */
export const ApiTenantCreditLineSchema = ApiCreditLineSchema.extend({
  amount_to_repay: CentsSchema.nullish(),
  coming_up_monthly_fees: CentsSchema.nullish(),
});
/** The partner's own credit line. */
export type ApiTenantCreditLine = z.infer<typeof ApiTenantCreditLineSchema>;

/** One payment attempt of an instalment (OAS `APIInstallmentPaymentAttempt`). */
export const InstallmentAttemptSchema = z.object({
  payment_id: z.string(),
  amount: CentsSchema,
  currency: CurrencySchema,
  status: PaymentStatusSchema,
  payment_type: PaymentTypeSchema,
  payment_method: PaymentMethodSchema,
  reference: z.string(),
  scheduled_at: DateTimeSchema,
  paid_at: DateTimeSchema.nullish(),
  failure_reason: z.string().nullish(),
});

/** One instalment of a repayment (OAS `APIInstallment`): an in-fine loan has one, an installment plan several. */
export const ApiInstallmentSchema = z.object({
  id: z.string(),
  reference: z.string(),
  scheduled_at: DateTimeSchema,
  due_amount: CentsSchema,
  paid_amount: CentsSchema,
  currency: CurrencySchema,
  payment_method: PaymentMethodSchema,
  last_repayment_date: DateTimeSchema.nullish(),
  from_account_detail: AccountDetailsSchema.nullish(),
  to_account_detail: AccountDetailsSchema,
  attempts: z.array(InstallmentAttemptSchema),
});
/** One instalment of a repayment. */
export type ApiInstallment = z.infer<typeof ApiInstallmentSchema>;

/** Body of `POST /repay/now` (OAS `RepayNowRequest`): a pay-by-link for `amount` cents. */
export const RepayNowRequestSchema = z.object({
  amount: CentsSchema.min(1),
  base_callback_url: z.string().min(1),
  repayment_method: z.enum(['PISP']).nullish(),
});
/** Body of `POST /repay/now`. */
export type RepayNowRequest = z.infer<typeof RepayNowRequestSchema>;

/** Answer of `POST /repay/now`: the link the borrower follows to pay. */
export const RepayNowResponseSchema = z.object({ url: z.string() });
/** Answer of `POST /repay/now`. */
export type RepayNowResponse = z.infer<typeof RepayNowResponseSchema>;
