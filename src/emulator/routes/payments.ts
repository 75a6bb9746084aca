/** `GET /payments` (digest §3.20) and `GET /credit_lines` (§3.21, alias `/credit-lines`). */
import { listCreditLines, listPayments } from '../payment-service';
import { pageRequest, tenantOf, type RouteDeps } from './common';

/** Registers the payment and credit-line routes. */
export function paymentRoutes({ app, ctx }: RouteDeps): void {
  app.get('/payments', async (request) => listPayments(ctx, tenantOf(ctx, request), pageRequest(request)));
  for (const path of ['/credit_lines', '/credit-lines']) {
    app.get(path, async (request) => listCreditLines(ctx, tenantOf(ctx, request), pageRequest(request)));
  }
}
