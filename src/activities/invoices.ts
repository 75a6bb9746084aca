/**
 * Invoice activities. Both look the invoice number up before creating (`POST /invoices` has no
 * idempotency key). The PDF stays inside the activity: a generated invoice is generated and created in
 * one call, so the base64 document never reaches workflow history.
 */
import {
  IdentifierTypeSchema, CountrySchema, InvoiceTypeSchema, type CounterpartyCreation, type DefactoClient, type InvoiceCreation,
} from '../defacto';
import type { Logger } from '../logging';
import type { InvoiceSummary } from '../domain/summaries';
import type { InvoicePayload } from '../domain/schemas';
import type { CreateInvoiceInput, GenerateInvoiceInput } from './types';
import { invoiceSummary } from './summaries';

const CREATE = { method: 'POST', pathTemplate: '/invoices' };
const LIST = { method: 'GET', pathTemplate: '/invoices' };

/**
 * A one-page PDF attached when the platform sends an invoice without its document (keeping the PDF out
 * of the workflow input). Real integrations send the invoice's own PDF.
 */
export const PLACEHOLDER_INVOICE_PDF_BASE64 = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
).toString('base64');

function counterparty(party: InvoicePayload['buyer']): CounterpartyCreation {
  const type = IdentifierTypeSchema.safeParse(party.identifier_type);
  return {
    identifier: party.identifier,
    ...(party.name ? { name: party.name } : {}),
    ...(type.success ? { identifier_type: type.data } : {}),
    ...(party.vat_number ? { vat_number: party.vat_number } : {}),
  };
}

/** The platform's payload as a `POST /invoices` body (submitted, not draft, tagged with the workflow ID). */
export function invoiceCreationBody(payload: InvoicePayload, workflowId: string): InvoiceCreation {
  const invoiceType = InvoiceTypeSchema.safeParse(payload.invoice_type);
  return {
    document: payload.document ?? PLACEHOLDER_INVOICE_PDF_BASE64,
    invoice_number: payload.invoice_number,
    issued_at: payload.issued_at,
    due_at: payload.due_at,
    currency: payload.currency,
    total_amount: payload.total_amount,
    ...(payload.net_amount !== undefined ? { net_amount: payload.net_amount } : {}),
    ...(payload.tax_amount !== undefined ? { tax_amount: payload.tax_amount } : {}),
    ...(payload.to_pay_amount !== undefined ? { to_pay_amount: payload.to_pay_amount } : {}),
    buyer: counterparty(payload.buyer),
    seller: counterparty(payload.seller),
    to_account: {
      account_number: payload.to_account.account_number,
      ...(payload.to_account.bank_identifier ? { bank_identifier: payload.to_account.bank_identifier } : {}),
    },
    is_draft: false,
    ...(invoiceType.success ? { invoice_type: invoiceType.data } : {}),
    metadata: { ...(payload.metadata ?? {}), workflow_id: workflowId },
  };
}

/** Invoice activities bound to a client. */
export function invoiceActivities(defacto: DefactoClient, log: Logger) {
  return {
    async generateInvoice(input: GenerateInvoiceInput): Promise<InvoiceSummary> {
      const existing = await defacto.invoices.findByNumber(input.invoiceNumber);
      if (existing) return invoiceSummary(existing, LIST);
      const country = CountrySchema.safeParse(input.country);
      const sellerType = IdentifierTypeSchema.safeParse(input.seller.identifierType);
      const generated = await defacto.sandbox.generateInvoice({
        scenario: input.scenario,
        ...(country.success ? { country: country.data } : {}),
        seller: {
          identifier: input.seller.identifier,
          ...(input.seller.name ? { name: input.seller.name } : {}),
          ...(sellerType.success ? { identifier_type: sellerType.data } : {}),
        },
      });
      const payload = generated.invoice_creation_payload;
      // The generator draws a random number on every call; ours is stable, so a retry finds it above.
      const created = await defacto.invoices.create({
        ...payload,
        invoice_number: input.invoiceNumber,
        is_draft: false,
        metadata: { ...(payload.metadata ?? {}), workflow_id: input.workflowId },
      });
      log.info({ workflowId: input.workflowId, invoiceId: created.id, scenario: input.scenario }, 'sandbox invoice created');
      return invoiceSummary(created, CREATE);
    },

    async createInvoice({ payload, workflowId }: CreateInvoiceInput): Promise<InvoiceSummary> {
      const existing = await defacto.invoices.findByNumber(payload.invoice_number);
      if (existing) return invoiceSummary(existing, LIST);
      const created = await defacto.invoices.create(invoiceCreationBody(payload, workflowId));
      log.info({ workflowId, invoiceId: created.id }, 'invoice created');
      return invoiceSummary(created, CREATE);
    },
  };
}
