/** Invoice wire shapes: creation (draftable and inline-required), resource, patch. */
import { z } from 'zod';
import {
  AccountCreationSchema, AccountDetailsSchema, AddressSchema, CentsSchema, CounterpartyCreationSchema, CounterpartySchema,
  DateTimeSchema, MetadataSchema,
} from './common';
import { CurrencySchema, InvoiceStatusSchema, InvoiceTypeSchema } from './enums';

/**
 * Body of `POST /invoices` and the generator's `invoice_creation_payload` (OAS `APIDraftableInvoiceCreation`).
 * `invoice_type` is not in the 2026 schema but real generator outputs carry `"invoice_type": null` (errata 8).
 */
export const InvoiceCreationSchema = z.object({
  document: z.string().min(1),
  invoice_number: z.string().nullish(),
  issued_at: DateTimeSchema.nullish(),
  due_at: DateTimeSchema.nullish(),
  currency: CurrencySchema.nullish(),
  net_amount: CentsSchema.nullish(),
  tax_amount: CentsSchema.nullish(),
  total_amount: CentsSchema.nullish(),
  to_pay_amount: CentsSchema.nullish(),
  buyer: CounterpartyCreationSchema.nullish(),
  seller: CounterpartyCreationSchema.nullish(),
  to_account: AccountCreationSchema.nullish(),
  is_draft: z.boolean().nullish(),
  invoice_type: InvoiceTypeSchema.nullish(),
  metadata: MetadataSchema.nullish(),
});
/** Body of `POST /invoices`. */
export type InvoiceCreation = z.infer<typeof InvoiceCreationSchema>;

/** An invoice created inline in `POST /loans.invoices[]` (OAS `APIRequiredInvoiceCreation`; `is_draft` ignored). */
export const RequiredInvoiceCreationSchema = z.object({
  buyer: CounterpartyCreationSchema,
  seller: CounterpartyCreationSchema,
  document: z.string().min(1),
  invoice_number: z.string().min(1),
  issued_at: DateTimeSchema,
  due_at: DateTimeSchema,
  total_amount: CentsSchema,
  net_amount: CentsSchema.nullish(),
  tax_amount: CentsSchema.nullish(),
  to_pay_amount: CentsSchema.nullish(),
  currency: CurrencySchema.nullish(),
  to_account: AccountCreationSchema.nullish(),
  address: AddressSchema.nullish(),
  invoice_type: InvoiceTypeSchema.nullish(),
  metadata: MetadataSchema.nullish(),
});
/** An invoice created inline in `POST /loans`. */
export type RequiredInvoiceCreation = z.infer<typeof RequiredInvoiceCreationSchema>;

/**
 * An invoice as read back (OAS `APIInvoice`); `id` may be absent (errata 9). `invoice_number` and
 * `net_amount` are required by the OAS but a draft made from a document alone has neither (the API does
 * not invent them), so they may be null.
 */
export const ApiInvoiceSchema = z.object({
  id: z.string().nullish(),
  invoice_number: z.string().nullish(),
  net_amount: CentsSchema.nullish(),
  tax_amount: CentsSchema.nullish(),
  total_amount: CentsSchema.nullish(),
  to_pay_amount: CentsSchema.nullish(),
  currency: CurrencySchema.optional(),
  issued_at: DateTimeSchema.nullish(),
  due_at: DateTimeSchema.nullish(),
  is_draft: z.boolean().nullish(),
  buyer: CounterpartySchema.nullish(),
  seller: CounterpartySchema.nullish(),
  to_account_details: AccountDetailsSchema.nullish(),
  document_url: z.string().nullish(),
  loan_ids: z.array(z.string()).optional(),
  status: InvoiceStatusSchema.optional(),
  status_reason: z.string().nullish(),
  metadata: MetadataSchema.nullish(),
});
/** An invoice as read back. */
export type ApiInvoice = z.infer<typeof ApiInvoiceSchema>;

/** Body of `PATCH /invoice/{invoice_id}` and optional body of `/submit` (OAS `APIPatchInvoice`). */
export const InvoicePatchSchema = InvoiceCreationSchema.omit({ document: true, is_draft: true, invoice_type: true });
/** Body of `PATCH /invoice/{invoice_id}`. */
export type InvoicePatch = z.infer<typeof InvoicePatchSchema>;
