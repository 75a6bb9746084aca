/**
 * Emulator-only controls under `/_emulator` (contracts §3): clock, faults, stats, webhook deliveries,
 * simulated repayments, inventory, reset, per-tenant settings, and the documents behind URLs we hand out.
 */
import { z } from 'zod';
import { isoTimestamp } from '../clock';
import { FaultRuleSchema } from '../faults';
import { receiveRepayment } from '../loan-engine';
import { invalidTransition, notFound, ProblemError } from '../problems';
import { invoicePdfBase64 } from '../sandbox-data';
import type { TenantState } from '../store';
import { bearerToken, body, param, tenantOf, type RouteDeps } from './common';

const AdvanceSchema = z.object({ ms: z.number().int().nonnegative() });
const FaultsSchema = z.object({ rules: z.array(FaultRuleSchema) });
const RepaymentSchema = z.object({ loan_id: z.string().min(1) });
const SettingsSchema = z.object({ repayment: z.enum(['sandbox', 'production']).nullish() });

/** Registers the `/_emulator` routes. */
export function controlRoutes(deps: RouteDeps): void {
  runtimeControls(deps);
  dataControls(deps);
  documentControls(deps);
  deps.app.all('/_emulator/*', async () => {
    throw new ProblemError(404, 'not_found', 'No such emulator control.');
  });
}

/** Clock, faults and stats. */
function runtimeControls({ app, ctx }: RouteDeps): void {
  const clockView = () => ({ now: isoTimestamp(ctx.clock.now()), now_ms: ctx.clock.now(), pending_steps: ctx.clock.pending() });

  app.get('/_emulator/clock', async () => clockView());
  app.post('/_emulator/clock/advance', async (request) => {
    ctx.clock.advance(body(AdvanceSchema, request).ms);
    return clockView();
  });

  app.get('/_emulator/faults', async () => ({ rules: ctx.faults.list() }));
  app.post('/_emulator/faults', async (request) => {
    ctx.faults.add(body(FaultsSchema, request).rules);
    return { rules: ctx.faults.list() };
  });
  app.delete('/_emulator/faults', async (_request, reply) => {
    ctx.faults.clear();
    return reply.code(204).send();
  });

  app.get('/_emulator/stats', async () => ctx.stats.summary());
  app.delete('/_emulator/stats', async (_request, reply) => {
    ctx.stats.reset();
    return reply.code(204).send();
  });

}

/** Webhook deliveries, simulated repayments, inventory, settings, reset. */
function dataControls({ app, ctx }: RouteDeps): void {
  app.get('/_emulator/webhooks/deliveries', async (request) => {
    const key = bearerToken(request.headers.authorization);
    const data = ctx.dispatcher.deliveries(key ?? undefined);
    return { data, count: data.length, pending: ctx.dispatcher.pendingCount() };
  });

  app.post('/_emulator/repayments', async (request) => {
    const { loan_id: loanId } = body(RepaymentSchema, request);
    const key = bearerToken(request.headers.authorization) ?? ctx.store.loanTenant.get(loanId);
    const tenant = key ? ctx.store.findTenant(key) : undefined;
    const loan = tenant?.loans.get(loanId);
    if (!tenant || !loan) throw notFound('loan', loanId);
    if (!receiveRepayment(ctx, tenant, loan)) {
      throw invalidTransition(`A repayment can be received only once, for a TO_REPAY loan; this one is ${loan.status}.`, { status: loan.status });
    }
    return { loan_id: loan.id, status: loan.status };
  });

  app.get('/_emulator/inventory', async (request) => inventory(tenantOf(ctx, request)));

  app.post('/_emulator/settings', async (request) => {
    const tenant = tenantOf(ctx, request);
    const settings = body(SettingsSchema, request);
    tenant.repaymentMode = settings.repayment ?? undefined;
    return { repayment: ctx.repaymentModeOf(tenant) };
  });

  app.post('/_emulator/reset', async (_request, reply) => {
    ctx.reset();
    return reply.code(204).send();
  });

}

/** The documents behind the URLs the emulator hands out. */
function documentControls({ app, ctx }: RouteDeps): void {
  app.get('/_emulator/documents/:file', async (request, reply) => {
    const file = param(request, 'file');
    const id = file.replace(/\.(pdf|txt)$/, '');
    for (const tenant of ctx.store.allTenants()) {
      const document = tenant.documents.get(id);
      if (document !== undefined) {
        return reply.type(file.endsWith('.txt') ? 'text/plain; charset=utf-8' : 'application/pdf').send(Buffer.from(document, 'base64'));
      }
    }
    throw notFound('document', id);
  });

  const pdf = (title: string) => Buffer.from(invoicePdfBase64([title]), 'base64');
  app.get('/_emulator/sandbox-pdf/:file', async (request, reply) =>
    reply.type('application/pdf').send(pdf(`Invoice ${param(request, 'file').replace(/\.pdf$/, '')}`)));
  app.get('/_emulator/contracts/:file', async (request, reply) =>
    reply.type('application/pdf').send(pdf(`Loan agreement ${param(request, 'file').replace(/\.pdf$/, '')}`)));
}

/** One tenant's counts, as `GET /_emulator/inventory` answers: lets tests assert "exactly one of each". */
export interface EmulatorInventory {
  readonly borrowers: number;
  readonly invoices: number;
  readonly loans: number;
  readonly payments: number;
  readonly webhooks: number;
  /** `validate` calls that changed a loan's state. */
  readonly validations: number;
  /** `cancel` calls that changed a loan's state. */
  readonly cancels: number;
  readonly byIdentifier: Record<string, number>;
  readonly byInvoiceNumber: Record<string, number>;
  readonly loansByStatus: Record<string, number>;
}

function inventory(tenant: TenantState): EmulatorInventory {
  const byIdentifier: Record<string, number> = {};
  for (const b of tenant.borrowers.items) byIdentifier[b.input.identifier] = (byIdentifier[b.input.identifier] ?? 0) + 1;
  const byInvoiceNumber: Record<string, number> = {};
  for (const [number, ids] of tenant.invoicesByNumber) byInvoiceNumber[number] = ids.length;
  const loansByStatus: Record<string, number> = {};
  for (const l of tenant.loans.items) loansByStatus[l.status] = (loansByStatus[l.status] ?? 0) + 1;
  return {
    borrowers: tenant.borrowers.size,
    invoices: tenant.invoices.size,
    loans: tenant.loans.size,
    payments: tenant.payments.size,
    webhooks: tenant.webhooks.size,
    validations: tenant.counters.validations,
    cancels: tenant.counters.cancels,
    byIdentifier,
    byInvoiceNumber,
    loansByStatus,
  };
}
