/** Reading payments and credit lines (digest §3.20, §3.21). */
import type { ApiCreditLine, Page, PaymentApi } from '../defacto/wire';
import type { EmulatorContext } from './context';
import { listPage } from './list-filters';
import { CREDIT_LINE_LIST, PAYMENT_LIST } from './lists';
import type { PageRequest } from './pagination';
import type { TenantState } from './store';
import { creditLineView, paymentView } from './views';

/** `GET /payments`. */
export function listPayments(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<PaymentApi> {
  return listPage(PAYMENT_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.payments.items, paymentView);
}

/** `GET /credit_lines`. */
export function listCreditLines(ctx: EmulatorContext, tenant: TenantState, request: PageRequest): Page<ApiCreditLine> {
  return listPage(CREDIT_LINE_LIST, request, { data: tenant, now: ctx.clock.now() }, tenant.creditLines.items, (line) => creditLineView(tenant, line));
}
