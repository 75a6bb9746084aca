/** Eligibility, denial-code translations and accounting events (OAS "Eligibility and credit limit", "Translation", "Accounting"). */
import { z } from 'zod';
import { CentsSchema, DateTimeSchema, MetadataSchema } from './common';
import { BorrowerIdentifierTypeSchema } from './enums';

/** Body of `POST /eligibility/borrower` and `/eligibility/beneficiary` (OAS `APIBorrowerEligibility`). */
export const EligibilityRequestSchema = z.object({
  identifier: z.string().min(1),
  identifier_type: BorrowerIdentifierTypeSchema,
});
/** Body of the eligibility checks. */
export type EligibilityRequest = z.infer<typeof EligibilityRequestSchema>;

/** One reason a business is not (yet) eligible (OAS `EligibilityDenialReason`); `code` is a denial code. */
export const EligibilityReasonSchema = z.object({ code: z.string(), description: z.string().optional() });

/**
 * Answer of the eligibility checks (OAS `SimpleEligibilityResponse`). `false` with no reasons: might be
 * eligible once data is shared; `false` with reasons only in `OUTDATED_DATA`, `KYB_STATUS`: eligible
 * pending the borrower's actions.
 */
export const EligibilityResponseSchema = z.object({
  is_eligible: z.boolean(),
  reasons: z.array(EligibilityReasonSchema).nullish(),
});
/** Answer of the eligibility checks. */
export type EligibilityResponse = z.infer<typeof EligibilityResponseSchema>;

/** A denial code in the four languages Defacto translates to (OAS `TranslationResult`). */
export const TranslationSchema = z.object({ de: z.string(), en: z.string(), es: z.string(), fr: z.string() });
/** A denial code in four languages. */
export type Translation = z.infer<typeof TranslationSchema>;
/** Languages of {@link Translation}. */
export type TranslationLanguage = keyof Translation;

/** One entry of `GET /eligibility/reasons` (OAS `ListDenialCode`). */
export const DenialCodeSchema = z.object({ denial_code_name: z.string(), translations: TranslationSchema });
/** One entry of `GET /eligibility/reasons`. */
export type DenialCode = z.infer<typeof DenialCodeSchema>;
/** Answer of `GET /eligibility/reasons` (a bare array, not a page). */
export const DenialCodeListSchema = z.array(DenialCodeSchema);

/** Accounting event types of `GET /events`. */
export const AccountingEventTypeSchema = z.enum([
  'LOAN_CANCELED', 'LOAN_DISBURSEMENT_PAID', 'LOAN_EXTRA_PAID', 'LOAN_GUARANTEE_DEPOSIT_CHARGED_BACK', 'LOAN_GUARANTEE_DEPOSIT_PAID',
  'LOAN_INTERESTS_CHARGEBACK_PENALIZED', 'LOAN_INTERESTS_DISCOUNTED', 'LOAN_INTERESTS_FALLEN_DUE', 'LOAN_INTEREST_DEPOSIT_CHARGED_BACK',
  'LOAN_INTEREST_DEPOSIT_PAID', 'LOAN_INTEREST_FROM_DEPOSIT_PAID', 'LOAN_INTEREST_FROM_DEPOSIT_UNPAID', 'LOAN_PRINCIPAL_FALLEN_DUE',
  'LOAN_PRINCIPAL_FALLEN_LATE', 'LOAN_PRINCIPAL_FROM_DEPOSIT_PAID', 'LOAN_REFUND_PAID', 'LOAN_REPAYMENT_FEES_CHARGED_BACK',
  'LOAN_REPAYMENT_FEES_PAID', 'LOAN_REPAYMENT_NOMINAL_CHARGED_BACK', 'LOAN_REPAYMENT_NOMINAL_PAID', 'LOAN_REPAYMENT_NOMINAL_UNPAID',
  'LOAN_RETURNED_PAID', 'LOAN_VALIDATED',
]);
/** Accounting event type. */
export type AccountingEventType = z.infer<typeof AccountingEventTypeSchema>;

/** One accounting event (OAS `ApiEvent`). */
export const AccountingEventSchema = z.object({
  event_at: DateTimeSchema,
  event_type: AccountingEventTypeSchema,
  event_payload: z.object({
    loan_id: z.string(),
    metadata: MetadataSchema,
    principal_amount: CentsSchema.nullish(),
    fees_amount: CentsSchema.nullish(),
    deposit_amount: CentsSchema.nullish(),
  }),
});
/** One accounting event. */
export type AccountingEvent = z.infer<typeof AccountingEventSchema>;
