/** Invoice endpoints (digest §3.11, §3.12): parse, delegate to the invoice services, render. */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { InvoiceCreationSchema, InvoicePatchSchema } from '../../defacto/wire';
import { BODY_LIMIT_BYTES } from '../assumptions';
import { uploadInvoice, type Upload } from '../invoice-upload';
import { ProblemError } from '../problems';
import {
  createInvoice, deleteInvoice, editInvoice, invoiceOr404, listInvoices, submitEditedInvoice,
} from '../invoice-service';
import { invoiceView } from '../views';
import { body, optionalBody, pageRequest, param, queryOne, rawQuery, tenantOf, type RouteDeps } from './common';

/** The file and fields of a multipart upload; a non-empty body of another type is a 415. */
async function readUpload(request: FastifyRequest): Promise<Upload> {
  const q = rawQuery(request);
  let file: Buffer | undefined;
  let metadata: string | undefined;
  if (request.isMultipart()) {
    for await (const part of request.parts()) {
      if (part.type === 'file') file = await part.toBuffer();
      else if (part.fieldname === 'metadata' && typeof part.value === 'string') metadata = part.value;
    }
  } else if (request.body !== undefined) {
    throw new ProblemError(415, 'unsupported_media_type', 'Send the invoice PDF as multipart/form-data (field "file").');
  }
  return { file, metadata, buyer: queryOne(q, 'buyer'), seller: queryOne(q, 'seller') };
}

/** Registers the invoice routes. */
export function invoiceRoutes({ app, ctx }: RouteDeps): void {
  app.post('/invoices', async (request, reply) => {
    const invoice = createInvoice(ctx, tenantOf(ctx, request), body(InvoiceCreationSchema, request));
    return reply.code(201).send(invoiceView(ctx, invoice));
  });

  // Multipart is read only here: a scope of its own keeps the parser off every other route.
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: BODY_LIMIT_BYTES, files: 1, fields: 4 } });
    scope.post('/invoices/upload', async (request, reply) => {
      const tenant = tenantOf(ctx, request);
      return reply.code(201).send(invoiceView(ctx, uploadInvoice(ctx, tenant, await readUpload(request))));
    });
  });

  app.get('/invoices', async (request) => listInvoices(ctx, tenantOf(ctx, request), pageRequest(request)));

  app.get('/invoice/:invoice_id', async (request) =>
    invoiceView(ctx, invoiceOr404(tenantOf(ctx, request), param(request, 'invoice_id'))));

  app.patch('/invoice/:invoice_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    const invoice = invoiceOr404(tenant, param(request, 'invoice_id'));
    editInvoice(ctx, tenant, invoice, body(InvoicePatchSchema, request));
    return invoiceView(ctx, invoice);
  });

  app.delete('/invoice/:invoice_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    const invoice = invoiceOr404(tenant, param(request, 'invoice_id'));
    deleteInvoice(ctx, tenant, invoice);
    return invoiceView(ctx, invoice);
  });

  app.post('/invoice/:invoice_id/submit', async (request) => {
    const tenant = tenantOf(ctx, request);
    const invoice = invoiceOr404(tenant, param(request, 'invoice_id'));
    submitEditedInvoice(ctx, tenant, invoice, optionalBody(InvoicePatchSchema, request));
    return invoiceView(ctx, invoice);
  });
}
