/** Invoice endpoints (digest §3.11, §3.12). */
import { InvoiceCreationSchema, InvoicePatchSchema, InvoiceStatusSchema } from '../../defacto/wire';
import { createInvoice, patchInvoice, submitInvoice } from '../invoice-service';
import { NEWEST_FIRST, paginate } from '../pagination';
import { invalidTransition, notFound } from '../problems';
import { canPatchInvoice, invoiceMachine, loanHoldsInvoice } from '../state-machines';
import type { InvoiceRecord, TenantState } from '../store';
import { moveInvoice } from '../transitions';
import { invoiceView } from '../views';
import {
  body, checkQuery, optionalBody, pageRequest, param, queryList, queryOne, rawQuery, tenantOf, type RouteDeps,
} from './common';

function invoiceOr404(tenant: TenantState, id: string): InvoiceRecord {
  const invoice = tenant.invoices.get(id);
  if (!invoice) throw notFound('invoice', id);
  return invoice;
}

/** Registers the invoice routes. */
export function invoiceRoutes({ app, ctx }: RouteDeps): void {
  app.post('/invoices', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    const invoice = createInvoice(ctx, tenant, body(InvoiceCreationSchema, request));
    return reply.code(201).send(invoiceView(ctx, invoice));
  });

  app.get('/invoices', async (request) => {
    const tenant = tenantOf(ctx, request);
    const q = rawQuery(request);
    checkQuery(q, { enums: { status: InvoiceStatusSchema.options }, booleans: ['linked_to_loan'] });
    const buyers = queryList(q, 'buyer');
    const sellers = queryList(q, 'seller');
    const ids = queryList(q, 'invoice_id');
    const statuses = queryList(q, 'status');
    const linked = queryOne(q, 'linked_to_loan');
    const number = queryOne(q, 'invoice_number');
    const text = queryOne(q, 'query')?.toLowerCase();
    let items: readonly InvoiceRecord[] = tenant.invoices.items;
    if (number !== undefined) {
      items = (tenant.invoicesByNumber.get(number) ?? []).map((id) => tenant.invoices.get(id)).filter((i) => i !== undefined);
    }
    const filtered = buyers.length + sellers.length + ids.length + statuses.length > 0 || linked !== undefined || text;
    if (filtered) {
      items = items.filter((inv) => (buyers.length === 0 || (inv.buyer !== null && buyers.includes(inv.buyer.identifier)))
        && (sellers.length === 0 || (inv.seller !== null && sellers.includes(inv.seller.identifier)))
        && (ids.length === 0 || ids.includes(inv.id))
        && (statuses.length === 0 || statuses.includes(inv.status))
        && (linked === undefined || (linked === 'true') === inv.loanIds.length > 0)
        && (!text || [inv.invoiceNumber, inv.buyer?.name, inv.seller?.name, inv.id, String(inv.totalAmount)]
          .some((field) => field?.toLowerCase().includes(text))));
    }
    return paginate(items, NEWEST_FIRST, pageRequest(request), (inv) => invoiceView(ctx, inv), true);
  });

  app.get('/invoice/:invoice_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    return invoiceView(ctx, invoiceOr404(tenant, param(request, 'invoice_id')));
  });

  app.patch('/invoice/:invoice_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    const invoice = invoiceOr404(tenant, param(request, 'invoice_id'));
    const patch = body(InvoicePatchSchema, request);
    if (!canPatchInvoice(invoice.status)) {
      throw invalidTransition(`An invoice can be edited only in TO_SUBMIT or TO_EDIT; this one is ${invoice.status}.`, { status: invoice.status });
    }
    patchInvoice(ctx, tenant, invoice, patch);
    return invoiceView(ctx, invoice);
  });

  app.delete('/invoice/:invoice_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    const invoice = invoiceOr404(tenant, param(request, 'invoice_id'));
    const activeLoan = invoice.loanIds.some((id) => {
      const loan = tenant.loans.get(id);
      return loan !== undefined && loanHoldsInvoice(loan.status) && loan.status !== 'CLOSED';
    });
    if (activeLoan || !invoiceMachine.can(invoice.status, 'DELETE')) {
      throw invalidTransition(activeLoan ? 'This invoice is financed by an active loan.' : `An invoice in ${invoice.status} cannot be deleted.`,
        { status: invoice.status });
    }
    moveInvoice(ctx, tenant, invoice, 'DELETE');
    return invoiceView(ctx, invoice);
  });

  app.post('/invoice/:invoice_id/submit', async (request) => {
    const tenant = tenantOf(ctx, request);
    const invoice = invoiceOr404(tenant, param(request, 'invoice_id'));
    const patch = optionalBody(InvoicePatchSchema, request);
    if (!invoiceMachine.can(invoice.status, 'SUBMIT')) {
      throw invalidTransition(`An invoice can be submitted only in TO_SUBMIT or TO_EDIT; this one is ${invoice.status}.`, { status: invoice.status });
    }
    patchInvoice(ctx, tenant, invoice, patch);
    submitInvoice(ctx, tenant, invoice);
    return invoiceView(ctx, invoice);
  });
}
