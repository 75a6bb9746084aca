/**
 * The partner's credit line, credit lines by id, accounting events, instalments and the pay-by-link
 * (digest §3.21, §3.24, §3.25), plus the emulator page standing for the bank's PISP screen.
 */
import { RepayNowRequestSchema } from '../../defacto/wire';
import {
  creditLineById, listAccountingEvents, listInstallments, partnerCreditLine, payByLink, repayNow,
} from '../repayment-service';
import { body, pageRequest, param, queryOne, rawQuery, tenantOf, type RouteDeps } from './common';

/** Registers the repayment-side routes. */
export function repaymentRoutes({ app, ctx }: RouteDeps): void {
  app.get('/credit_line', async (request) => partnerCreditLine(ctx, tenantOf(ctx, request)));
  app.get('/credit_line/:credit_line_id', async (request) =>
    creditLineById(tenantOf(ctx, request), param(request, 'credit_line_id'), queryOne(rawQuery(request), 'at')));
  app.get('/events', async (request) => listAccountingEvents(ctx, tenantOf(ctx, request), pageRequest(request)));
  app.get('/installments', async (request) => listInstallments(ctx, tenantOf(ctx, request), pageRequest(request)));
  app.post('/repay/now', async (request) => repayNow(ctx, tenantOf(ctx, request), body(RepayNowRequestSchema, request)));

  app.get('/_emulator/pay-by-link/:link_id', async (request, reply) =>
    reply.redirect(payByLink(ctx, param(request, 'link_id')).redirect, 303));
}
