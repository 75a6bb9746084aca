/**
 * Building blocks shared by several Defacto resources: timestamps, accounts, businesses, addresses,
 * counterparties, the problem body and the page envelope.
 */
import { z } from 'zod';
import { AccountNumberTypeSchema, BankIdentifierTypeSchema, IdentifierTypeSchema } from './enums';

/** ISO 8601 date-time; Defacto emits microseconds and `+00:00`, clients may send `Z` or no offset. */
export const DateTimeSchema = z.iso.datetime({ offset: true, local: true });
/** Calendar date `YYYY-MM-DD`. */
export const DateSchema = z.iso.date();
/** Integer amount in minor units (cents). */
export const CentsSchema = z.number().int();
/** Free-form JSON object owned by the partner, echoed verbatim. */
export const MetadataSchema = z.record(z.string(), z.unknown());

/** `{identifier, identifier_type?}` — a business by its legal id (OAS `BusinessIdentifier`). */
export const BusinessIdentifierSchema = z.object({
  identifier: z.string().min(1),
  identifier_type: IdentifierTypeSchema.nullish(),
});
/** A business by its legal id. */
export type BusinessIdentifier = z.infer<typeof BusinessIdentifierSchema>;

/** `{identifier, identifier_type}` with both required (OAS `BusinessIdentifierRequired` / `APIBusinessIdentifier`). */
export const BusinessIdentifierRequiredSchema = z.object({
  identifier: z.string().min(1),
  identifier_type: IdentifierTypeSchema,
});
/** A business by its legal id, type required. */
export type BusinessIdentifierRequired = z.infer<typeof BusinessIdentifierRequiredSchema>;

/** A company number as Defacto wants it sent: no spaces or separators (OAS pattern `^\S+$`). */
export const SpacelessIdentifierSchema = z.string().min(1).regex(/^\S+$/, 'must not contain spaces');

/** A business to onboard or to add as a counterparty (OAS `APIBusinessIdentifier`): both required, no spaces in the identifier. */
export const ApiBusinessIdentifierSchema = z.object({
  identifier: SpacelessIdentifierSchema,
  identifier_type: IdentifierTypeSchema,
});

/** Postal address required when enrolling a borrower (OAS `BusinessAddress`). */
export const BusinessAddressSchema = z.object({
  address_line_1: z.string(),
  address_line_2: z.string().nullish(),
  city: z.string(),
  country: z.string(),
  postal_code: z.string().max(10),
  state: z.string().nullish(),
});
/** Postal address required when enrolling a borrower. */
export type BusinessAddress = z.infer<typeof BusinessAddressSchema>;

/** Loose postal address as read back or sent on counterparties (OAS `Address`, `APIAddress`, `CreateAddress`). */
export const AddressSchema = z.object({
  address_line_1: z.string().nullish(),
  address_line_2: z.string().nullish(),
  city: z.string().nullish(),
  country: z.string().nullish(),
  postal_code: z.string().nullish(),
  state: z.string().nullish(),
});
/** Loose postal address. */
export type Address = z.infer<typeof AddressSchema>;

/** Bank account to create or reference (OAS `APIAccountCreation`); only IBANs are supported. */
export const AccountCreationSchema = z.object({
  account_number: z.string().min(1),
  account_number_type: AccountNumberTypeSchema.optional(),
  bank_identifier: z.string().nullish(),
  bank_identifier_type: BankIdentifierTypeSchema.optional(),
  account_holder: BusinessIdentifierRequiredSchema.nullish(),
});
/** Bank account to create or reference. */
export type AccountCreation = z.infer<typeof AccountCreationSchema>;

/** Bank account as read back (OAS `APILightAccountDetails`). */
export const AccountDetailsSchema = z.object({
  account_number: z.string(),
  account_number_type: AccountNumberTypeSchema,
  bank_identifier: z.string(),
  bank_identifier_type: BankIdentifierTypeSchema,
});
/** Bank account as read back. */
export type AccountDetails = z.infer<typeof AccountDetailsSchema>;

/** Borrower bank account as read back (OAS `APILightAccount`). */
export const LightAccountSchema = AccountDetailsSchema.extend({ account_name: z.string().nullish() });
/** Borrower bank account as read back. */
export type LightAccount = z.infer<typeof LightAccountSchema>;

/** Counterparty contact person (OAS `APICounterpartyContact`). */
export const CounterpartyContactSchema = z.object({
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  phone_number: z.string(),
});
/** Counterparty contact person. */
export type CounterpartyContact = z.infer<typeof CounterpartyContactSchema>;

/** Buyer or seller as sent on an invoice (OAS `APICounterpartyCreation` / `CounterpartyCreation`). */
export const CounterpartyCreationSchema = z.object({
  name: z.string().nullish(),
  identifier: z.string().nullish(),
  identifier_type: IdentifierTypeSchema.nullish(),
  vat_number: z.string().nullish(),
  address: AddressSchema.nullish(),
  contact: CounterpartyContactSchema.nullish(),
});
/** Buyer or seller as sent on an invoice. */
export type CounterpartyCreation = z.infer<typeof CounterpartyCreationSchema>;

/** Buyer or seller as read back on an invoice (OAS `APIBusinessCounterparty`). */
export const CounterpartySchema = z.object({
  id: z.string().nullish(),
  business_id: z.string().nullish(),
  identifier: z.string(),
  identifier_type: IdentifierTypeSchema.nullish(),
  name: z.string().nullish(),
  vat_number: z.string().nullish(),
});
/** Buyer or seller as read back on an invoice. */
export type Counterparty = z.infer<typeof CounterpartySchema>;

/** Company snapshot embedded in loans and credit lines (OAS `LightBusiness`). */
export const LightBusinessSchema = z.object({
  id: z.string().nullish(),
  identifier: z.string(),
  identifier_type: IdentifierTypeSchema.nullish(),
  name: z.string().nullish(),
  vat_number: z.string().nullish(),
  legal_form: z.string().nullish(),
  address: AddressSchema.nullish(),
  activity_type: z.string().nullish(),
  activity_description: z.string().nullish(),
  nace_code: z.string().nullish(),
  capital: z.number().int().nullish(),
  share_capital: z.number().int().nullish(),
  creation_date: z.string().nullish(),
  registration_date: z.string().nullish(),
  registration_body: z.string().nullish(),
  registry_radiation_date: z.string().nullish(),
  termination_date: z.string().nullish(),
  is_active: z.boolean().nullish(),
  is_diffusible: z.boolean().nullish(),
  has_ongoing_insolvency_procedure: z.boolean().nullish(),
  last_insolvency_procedure_type: z.string().nullish(),
  last_insolvency_procedure_open_date: z.string().nullish(),
  last_insolvency_procedure_closing_date: z.string().nullish(),
});
/** Company snapshot embedded in loans and credit lines. */
export type LightBusiness = z.infer<typeof LightBusinessSchema>;

/** One invalid field of a 422 problem body. */
export const InvalidParamSchema = z.object({ name: z.string(), reason: z.string() });
/** One invalid field of a 422 problem body. */
export type InvalidParam = z.infer<typeof InvalidParamSchema>;

/** Defacto error body: a subset of RFC 7807; every field may be missing ("not all fields are populated yet"). */
export const ProblemSchema = z.object({
  type: z.string().nullish(),
  title: z.string().nullish(),
  status: z.number().int().nullish(),
  detail: z.string().nullish(),
  instance: z.string().nullish(),
  invalid_params: z.array(InvalidParamSchema).nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
});
/** Defacto error body. */
export type Problem = z.infer<typeof ProblemSchema>;

/** One page of a cursor-paginated list. `next_page` may be a relative URL, an absolute URL or a bare cursor. */
export interface Page<T> {
  data: T[];
  count: number;
  page_size: number;
  next_page?: string | null | undefined;
  previous_page?: string | null | undefined;
  total?: number | null | undefined;
}

/** Schema of the page envelope around `item`; a missing `data` reads as an empty page (errata 9). */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item).default([]),
    count: z.number().int(),
    page_size: z.number().int(),
    next_page: z.string().nullish(),
    previous_page: z.string().nullish(),
    total: z.number().int().nullish(),
  });
}
