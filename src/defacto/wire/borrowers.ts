/** Borrower wire shapes: enrolment request, borrower resource, signature. */
import { z } from 'zod';
import {
  AddressSchema, BusinessAddressSchema, DateSchema, DateTimeSchema, LightAccountSchema, MetadataSchema,
} from './common';
import {
  BorrowerIdentifierTypeSchema, BorrowerStatusSchema, ComplianceStatusSchema, EntityTypeSchema, IdentifierTypeSchema,
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
