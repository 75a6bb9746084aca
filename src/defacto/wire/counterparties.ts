/** Counterparties: the businesses a partner's borrowers trade with (OAS "Counterparty"). */
import { z } from 'zod';
import { AddressSchema, ApiBusinessIdentifierSchema, CentsSchema, CounterpartyContactSchema } from './common';
import { IdentifierTypeSchema } from './enums';

/** How a counterparty relates to the partner's business. */
export const RelationTypeSchema = z.enum(['BORROWER', 'CLIENT', 'DEBTOR', 'MARKETPLACE_BUYER', 'MARKETPLACE_SELLER', 'SELF', 'SUPPLIER']);
/** How a counterparty relates to the partner's business. */
export type RelationType = z.infer<typeof RelationTypeSchema>;

/** Body of `POST /counterparties` (OAS `APICounterpartyExplicitCreation`). */
export const CounterpartyExplicitCreationSchema = z.object({
  ...ApiBusinessIdentifierSchema.shape,
  relation_types: z.array(RelationTypeSchema).min(1),
  name: z.string().nullish(),
  vat_number: z.string().nullish(),
  address: AddressSchema.nullish(),
  contact: CounterpartyContactSchema.nullish(),
});
/** Body of `POST /counterparties`. */
export type CounterpartyExplicitCreation = z.infer<typeof CounterpartyExplicitCreationSchema>;

/** A counterparty with its credit limit (OAS `APICounterpartyWithExposure`). */
export const CounterpartyWithExposureSchema = z.object({
  id: z.string(),
  identifier: z.string(),
  identifier_type: IdentifierTypeSchema,
  name: z.string(),
  relation_types: z.array(z.string()),
  vat_number: z.string().nullish(),
  address: AddressSchema.nullish(),
  contact: CounterpartyContactSchema.nullish(),
  selected_for_financing: z.boolean().nullish(),
  credit_limit: z.object({ available_amount: CentsSchema, max_amount: CentsSchema, max_amount_details: z.string().nullish() }),
});
/** A counterparty with its credit limit. */
export type CounterpartyWithExposure = z.infer<typeof CounterpartyWithExposureSchema>;
