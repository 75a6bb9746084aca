/** Invoice endpoints (digest §3.11, §3.12): parse, delegate to the invoice services, render. */
import { InvoiceCreationSchema, InvoicePatchSchema } from '../../defacto/wire';
import {
  createInvoice, deleteInvoice, editInvoice, invoiceOr404, listInvoices, submitEditedInvoice,
} from '../invoice-service';
import { invoiceView } from '../views';
import { body, optionalBody, pageRequest, param, tenantOf, type RouteDeps } from './common';

/** Registers the invoice routes. */
export function invoiceRoutes({ app, ctx }: RouteDeps): void {
  app.post('/invoices', async (request, reply) => {
    const invoice = createInvoice(ctx, tenantOf(ctx, request), body(InvoiceCreationSchema, request));
    return reply.code(201).send(invoiceView(ctx, invoice));
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
