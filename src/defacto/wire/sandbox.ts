/** Sandbox-only helper shapes: invoice and IBAN generators, forced eligibility. */
import { z } from 'zod';
import { BusinessIdentifierSchema, CounterpartyCreationSchema } from './common';
import { CountrySchema, EligibilityScenarioSchema, ScenarioSchema } from './enums';
import { InvoiceCreationSchema } from './invoices';

/** Body of `POST /sandbox/invoice-generator` (all optional; defaults FRA / SUCCESS). */
export const GenerateInvoiceRequestSchema = z.object({
  country: CountrySchema.optional(),
  scenario: ScenarioSchema.optional(),
  buyer: CounterpartyCreationSchema.nullish(),
  seller: CounterpartyCreationSchema.nullish(),
});
/** Body of `POST /sandbox/invoice-generator`. */
export type GenerateInvoiceRequest = z.infer<typeof GenerateInvoiceRequestSchema>;

/** Response of the invoice generator: a PDF link and a payload ready for `POST /invoices` or `POST /loans`. */
export const GeneratedInvoiceSchema = z.object({
  pdf_download_url: z.string(),
  invoice_creation_payload: InvoiceCreationSchema,
});
/** Response of the invoice generator. */
export type GeneratedInvoice = z.infer<typeof GeneratedInvoiceSchema>;

/** Response of `GET /sandbox/iban-generator` (HTTP 201). */
export const IbanGeneratedSchema = z.object({ iban: z.string() });
/** Response of `GET /sandbox/iban-generator`. */
export type IbanGenerated = z.infer<typeof IbanGeneratedSchema>;

/** Body of `POST /sandbox/business-eligible`. */
export const BusinessEligibleParamsSchema = z.object({
  business_identifier: BusinessIdentifierSchema,
  scenario: EligibilityScenarioSchema,
});
/** Body of `POST /sandbox/business-eligible`. */
export type BusinessEligibleParams = z.infer<typeof BusinessEligibleParamsSchema>;
