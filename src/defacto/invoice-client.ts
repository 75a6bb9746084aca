/** Invoice methods of the Defacto client. */
import { findFirst, listEndpoint, type Paginated } from './pagination';
import { jsonResponse, type Send } from './transport';
import { ApiInvoiceSchema, pageSchema, type ApiInvoice, type InvoiceCreation, type InvoicePatch, type InvoiceStatus } from './wire';

/** Filters of `GET /invoices`. */
export interface InvoiceListQuery {
  buyer?: string[] | undefined; seller?: string[] | undefined; invoice_id?: string[] | undefined;
  status?: InvoiceStatus[] | undefined; linked_to_loan?: boolean | undefined; query?: string | undefined;
  page_size?: number | undefined;
}
/** A PDF to upload with `POST /invoices/upload`; `buyer`/`seller` as `SIREN-899021021`. */
export interface InvoiceUpload {
  file: Uint8Array; filename?: string | undefined; metadata?: Record<string, unknown> | undefined;
  buyer?: string | undefined; seller?: string | undefined;
}

/** Invoices and look-up by invoice number. */
export interface InvoiceMethods {
  create(body: InvoiceCreation): Promise<ApiInvoice>;
  get(id: string): Promise<ApiInvoice>;
  list(q?: InvoiceListQuery): Paginated<ApiInvoice>;
  update(id: string, patch: InvoicePatch): Promise<ApiInvoice>;
  delete(id: string): Promise<ApiInvoice>;
  submit(id: string, patch?: InvoicePatch): Promise<ApiInvoice>;
  /** Multipart upload of a PDF; Defacto extracts what it can into a draft. Not idempotent. */
  upload(upload: InvoiceUpload): Promise<ApiInvoice>;
  findByNumber(invoiceNumber: string): Promise<ApiInvoice | undefined>;
}

const InvoicePage = pageSchema(ApiInvoiceSchema);

/** The invoice methods over `send`. */
export function invoiceMethods(send: Send): InvoiceMethods {
  return {
    create: (body) =>
      send({ method: 'POST', pathTemplate: '/invoices', body, response: jsonResponse(ApiInvoiceSchema, 'APIInvoice'), idempotent: false }),
    get: (id) =>
      send({
        method: 'GET', pathTemplate: '/invoice/{invoice_id}', params: { invoice_id: id },
        response: jsonResponse(ApiInvoiceSchema, 'APIInvoice'), idempotent: true,
      }),
    list: (q = {}) => listEndpoint(send, { pathTemplate: '/invoices', query: { ...q }, schema: InvoicePage, name: 'page of APIInvoice' }),
    update: (id, patch) =>
      send({
        method: 'PATCH', pathTemplate: '/invoice/{invoice_id}', params: { invoice_id: id }, body: patch,
        response: jsonResponse(ApiInvoiceSchema, 'APIInvoice'), idempotent: true,
      }),
    delete: (id) =>
      send({
        method: 'DELETE', pathTemplate: '/invoice/{invoice_id}', params: { invoice_id: id },
        response: jsonResponse(ApiInvoiceSchema, 'APIInvoice'), idempotent: true,
      }),
    submit: (id, patch) =>
      send({
        method: 'POST', pathTemplate: '/invoice/{invoice_id}/submit', params: { invoice_id: id }, body: patch,
        response: jsonResponse(ApiInvoiceSchema, 'APIInvoice'), idempotent: true,
      }),
    upload: (upload) => {
      const form = new FormData();
      form.append('file', new Blob([upload.file], { type: 'application/pdf' }), upload.filename ?? 'invoice.pdf');
      if (upload.metadata !== undefined) form.append('metadata', JSON.stringify(upload.metadata));
      return send({
        method: 'POST', pathTemplate: '/invoices/upload', query: { buyer: upload.buyer, seller: upload.seller }, form,
        response: jsonResponse(ApiInvoiceSchema, 'APIInvoice'), idempotent: false,
      });
    },
    // `query` is a free-text search (it may also match amounts or names): keep exact number matches,
    // and ignore deleted invoices, which do not block creating the invoice again.
    findByNumber: (invoiceNumber) =>
      findFirst(listEndpoint(send, { pathTemplate: '/invoices', query: { query: invoiceNumber }, schema: InvoicePage, name: 'page of APIInvoice' }),
        (i) => i.invoice_number === invoiceNumber && i.status !== 'DELETED'),
  };
}
