/** Onboarding of a business through Defacto's tunnel, and the public business registry (OAS "Onboarding"). */
import { z } from 'zod';
import { AddressSchema, ApiBusinessIdentifierSchema, CentsSchema } from './common';
import { IdentifierTypeSchema } from './enums';
import { EligibilityResponseSchema } from './eligibility';

/** Status of an onboarding. */
export const OnboardingStatusSchema = z.enum(['COMPLETED', 'CREATED', 'DUPLICATE']);
/** Status of an onboarding. */
export type OnboardingStatus = z.infer<typeof OnboardingStatusSchema>;

/** Body of `POST /onboardings` (OAS `APIOnboardingCreationRequest`). */
export const OnboardingCreationSchema = z.object({
  preferred_language: z.string().regex(/^[A-Za-z]{2}$/, 'expected an ISO 639-1 code such as fr, en, es, de, nl'),
  business: ApiBusinessIdentifierSchema.nullish(),
  email: z.email().nullish(),
  phone_number: z.string().nullish(),
  redirect_url: z.string().nullish(),
  referral: z.string().nullish(),
  step: z.string().nullish(),
  traceability_payload: z.record(z.string(), z.unknown()).nullish(),
});
/** Body of `POST /onboardings`. */
export type OnboardingCreation = z.infer<typeof OnboardingCreationSchema>;

/** The onboarded business as read back (OAS `APIOnboardingBusiness`). */
export const OnboardingBusinessSchema = z.object({
  identifier: z.string(),
  identifier_type: IdentifierTypeSchema,
  name: z.string(),
  defacto_segment: z.enum(['CAT1', 'CAT2', 'CAT3', 'CAT4']).nullish(),
});

/** Eligibility computed for an onboarding (OAS `APIOnboardingEligibilityResponse` around `APIEligibilityResponse`, the simple answer plus pricing). */
export const OnboardingEligibilitySchema = z.object({
  id: z.string(),
  status: z.enum(['DONE', 'PENDING_USER_ACTION', 'PENDING_VALIDATION']),
  finished_processing: z.boolean(),
  is_computing: z.boolean(),
  response: EligibilityResponseSchema.extend({
    max_amount: CentsSchema.optional(),
    fees_daily_rate: z.number().nullish(),
    pricing_details: z.object({ fees_daily_rate: z.number(), late_daily_rate: z.number() }).nullish(),
  }).nullish(),
});

/** The person behind an onboarding (OAS `OnboardingUserInfo`). */
export const OnboardingUserSchema = z.object({
  total_active_tenants: z.number().int(),
  email: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  phone_number: z.string().nullish(),
});

/** What the borrower said about their needs in the tunnel (OAS `UserInput`). */
export const OnboardingUserInputSchema = z.object({
  desired_amount_euros: z.number().int().nullish(),
  desired_timeline: z.string().nullish(),
  frequency: z.enum(['permanent', 'temporary']).nullish(),
  immediate_need: z.string().nullish(),
  integrations_need: z.array(z.string()).nullish(),
  no_enrollment_category: z.string().nullish(),
  no_enrollment_detail: z.string().nullish(),
  reason_for_not_connecting_bank_account: z.object({
    answer_code: z.enum(['no-access-to-company-bank-credentials', 'not-comfortable-with-bank-account-connection', 'other', 'prefer-to-share-documents']),
    comments: z.string().nullish(),
  }).nullish(),
  user_need: z.string().nullish(),
});

/** An onboarding (OAS `APIOnboarding`); `borrower_id` is set once the borrower completed it. */
export const OnboardingSchema = z.object({
  id: z.string(),
  status: OnboardingStatusSchema,
  is_expired: z.boolean(),
  referral: z.string(),
  borrower_id: z.string().nullish(),
  business: OnboardingBusinessSchema.nullish(),
  eligibility: OnboardingEligibilitySchema.nullish(),
  email: z.string().nullish(),
  email_tracking_consent: z.boolean().nullish(),
  integrations: z.array(z.object({ id: z.string(), is_connected: z.boolean(), name: z.string() })).optional(),
  integrations_need: z.array(z.string()).nullish(),
  phone_number: z.string().nullish(),
  preferred_language: z.string().nullish(),
  redirect_url: z.string().nullish(),
  reset_password_token: z.string().nullish(),
  secure_resume_link: z.string().nullish(),
  user: OnboardingUserSchema.nullish(),
  user_input: OnboardingUserInputSchema.nullish(),
  user_need: z.string().nullish(),
});
/** An onboarding. */
export type Onboarding = z.infer<typeof OnboardingSchema>;

/** Identifier kinds `GET /business/public-data` searches by (the OAS declares only `hr_nummer`). */
export const PublicDataIdentifierTypeSchema = z.enum(['hr_nummer']);

/** Query of `GET /business/public-data`. */
export const PublicDataQuerySchema = z.object({
  identifier: z.string().min(1),
  identifier_type: PublicDataIdentifierTypeSchema.optional(),
  name: z.string().optional(),
  street: z.string().optional(),
  postal_code: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
});
/** Query of `GET /business/public-data`. */
export type PublicDataQuery = z.infer<typeof PublicDataQuerySchema>;

/** One business found in public registries (OAS `ApiBusinessDataSearchOutput`). */
export const BusinessSearchResultSchema = z.object({
  identifier: z.string(),
  identifier_type: IdentifierTypeSchema,
  name: z.string().nullish(),
  address: AddressSchema.nullish(),
});
/** One business found in public registries. */
export type BusinessSearchResult = z.infer<typeof BusinessSearchResultSchema>;
/** Answer of `GET /business/public-data` (a bare array, not a page). */
export const BusinessSearchResultListSchema = z.array(BusinessSearchResultSchema);
