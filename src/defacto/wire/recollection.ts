/**
 * Recollection cases and installment plans (OAS "Recollection", and `POST /installment-plans` of "Payment"):
 * the debt of a late borrower, the actions taken to recover it, and plans repaying it in several payments.
 */
import { z } from 'zod';
import { AccountCreationSchema, BusinessIdentifierRequiredSchema, CentsSchema, DateTimeSchema } from './common';
import { PaymentMethodSchema } from './enums';

/** Status of a recollection action. */
export const RecollectionActionStatusSchema = z.enum(['CANCELED', 'DONE', 'SCHEDULED']);

/** An action of a recollection case (OAS `ApiRecollectionAction`). */
export const RecollectionActionSchema = z.object({
  id: z.string(),
  action_name: z.string(),
  action_status: RecollectionActionStatusSchema,
  action_status_date: DateTimeSchema,
  action_status_details: z.string().nullish(),
  original_due_at: DateTimeSchema,
  short_description: z.string().nullish(),
});
/** An action of a recollection case. */
export type RecollectionAction = z.infer<typeof RecollectionActionSchema>;

/** A recollection strategy (OAS `ApiRecollectionStrategy`): an installment plan, active or replaced. */
export const RecollectionStrategySchema = z.object({
  id: z.string(),
  is_active: z.boolean(),
  strategy_type: z.enum(['INSTALLMENT_PLAN']),
});

/** Free-form notes of a recollection case. */
export const RecollectionNotesSchema = z.record(z.string(), z.unknown());

/** A recollection case (OAS `ApiRecollectionCase`). */
export const RecollectionCaseSchema = z.object({
  id: z.string(),
  agent: z.string(),
  debtor_business: BusinessIdentifierRequiredSchema,
  loan_ids: z.array(z.string()),
  next_action: RecollectionActionSchema,
  past_actions: z.array(RecollectionActionSchema),
  strategies: z.array(RecollectionStrategySchema),
  recollection_notes: RecollectionNotesSchema.nullish(),
});
/** A recollection case. */
export type RecollectionCase = z.infer<typeof RecollectionCaseSchema>;

/** Body of `POST /recollection-cases` (OAS `ApiCreateRecollectionCaseRequest`). */
export const RecollectionCaseCreationSchema = z.object({
  agent: z.string().min(1),
  debtor_business: BusinessIdentifierRequiredSchema,
  loan_ids: z.array(z.uuid()).min(1),
  next_action: z.object({
    action_name: z.string().min(1),
    due_at: DateTimeSchema,
    short_description: z.string().nullish(),
  }),
});
/** Body of `POST /recollection-cases`. */
export type RecollectionCaseCreation = z.infer<typeof RecollectionCaseCreationSchema>;

/** Body of `PUT /recollection-case/{id}` (OAS `ApiPutRecollectionCaseRequest`). */
export const RecollectionCaseUpdateSchema = z.object({ recollection_notes: RecollectionNotesSchema });
/** Body of `PUT /recollection-case/{id}`. */
export type RecollectionCaseUpdate = z.infer<typeof RecollectionCaseUpdateSchema>;

/** How often installments fall due. */
export const InstallmentPeriodSchema = z.enum(['biweekly', 'monthly', 'weekly']);
/** How often installments fall due. */
export type InstallmentPeriod = z.infer<typeof InstallmentPeriodSchema>;

/** Body of `POST /recollection-case/{id}/installment-plans/compute` (OAS `APIComputeRecollectionInstallmentPlan`). */
export const InstallmentPlanComputationSchema = z.object({
  number_of_installment: z.number().int().min(1),
  start_date: DateTimeSchema,
  period: InstallmentPeriodSchema.optional(),
  recollection_fees: CentsSchema.min(0).optional(),
  repayment_method: PaymentMethodSchema.optional(),
});
/** Body of the installment-plan simulation. */
export type InstallmentPlanComputation = z.infer<typeof InstallmentPlanComputationSchema>;

/** The part of one loan an installment repays (OAS `ApiCreateRecollectionInstallmentLoanRequest`, `ApiPostInstallmentLoan`). */
export const InstallmentLoanShareSchema = z.object({ loan_id: z.uuid(), amount: CentsSchema.min(1) });

/** What every installment sent in a plan has: its amount, date and the loans it repays. */
const InstallmentRequestSchema = z.object({
  amount: CentsSchema.min(1),
  date: DateTimeSchema,
  loans: z.array(InstallmentLoanShareSchema).min(1),
});

/**
 * An installment plan of a recollection case (OAS `ApiCreateRecollectionInstallmentPlanRequest`): the body of
 * `POST /recollection-case/{id}/installment-plans` and the answer of its `/compute`. Each installment's `amount`
 * is its loans' amounts plus its share of `recollection_fees`.
 */
export const RecollectionInstallmentPlanSchema = z.object({
  payment_method: PaymentMethodSchema,
  installments: z.array(InstallmentRequestSchema.extend({ recollection_fees: CentsSchema.min(0).optional() })).min(1),
});
/** An installment plan of a recollection case (request body and simulation). */
export type RecollectionInstallmentPlan = z.infer<typeof RecollectionInstallmentPlanSchema>;

/** Answer of `POST /recollection-case/{id}/installment-plans` (OAS `ApiRecollectionInstallmentPlan`). */
export const RecollectionInstallmentPlanCreatedSchema = z.object({
  installment_plan_id: z.string(),
  recollection_case: RecollectionCaseSchema,
});
/** Answer of `POST /recollection-case/{id}/installment-plans`. */
export type RecollectionInstallmentPlanCreated = z.infer<typeof RecollectionInstallmentPlanCreatedSchema>;

/** Status of a payment intent (one installment). */
export const PaymentIntentStatusSchema = z.enum([
  'CANCELED', 'DRAFT', 'INSTRUCTED', 'IN_TRANSIT', 'ISSUE_DETECTED', 'PAID', 'PARTIALLY_PAID', 'PROPOSED', 'SCHEDULED', 'WAITING',
]);
/** Status of a payment intent. */
export type PaymentIntentStatus = z.infer<typeof PaymentIntentStatusSchema>;

/** One installment of a plan (OAS `ApiPaymentIntent`). */
export const PaymentIntentSchema = z.object({
  id: z.string(),
  amount: CentsSchema,
  date: DateTimeSchema,
  status: PaymentIntentStatusSchema,
});

/** An installment plan (OAS `ApiInstallmentPlan`). */
export const InstallmentPlanSchema = z.object({
  id: z.string(),
  business_identifier: BusinessIdentifierRequiredSchema,
  loan_ids: z.array(z.string()),
  installments: z.array(PaymentIntentSchema),
});
/** An installment plan. */
export type InstallmentPlan = z.infer<typeof InstallmentPlanSchema>;

/** Body of `POST /installment-plans` (OAS `ApiPostInstallmentPlan`); deduplicated on `salt_id` (default: the sorted loan ids). */
export const InstallmentPlanCreationSchema = z.object({
  payment_method: PaymentMethodSchema,
  installments: z.array(InstallmentRequestSchema.extend({ reference: z.string().nullish() })).min(1),
  from_account: AccountCreationSchema.nullish(),
  salt_id: z.string().min(1).nullish(),
});
/** Body of `POST /installment-plans`. */
export type InstallmentPlanCreation = z.infer<typeof InstallmentPlanCreationSchema>;
