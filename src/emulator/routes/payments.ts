/** `GET /payments` (digest §3.20) and `GET /credit_lines` (§3.21, alias `/credit-lines`). */
import { PaymentMethodSchema, PaymentStatusSchema, PaymentTypeSchema } from '../../defacto/wire';
import { NEWEST_FIRST, paginate, type SortSpec } from '../pagination';
import type { CreditLineRecord, PaymentRecord } from '../store';
import { creditLineView, paymentView } from '../views';
import { checkQuery, pageRequest, queryDate, queryList, queryOne, rawQuery, tenantOf, type RouteDeps } from './common';

const METHOD_ORDER = PaymentMethodSchema.options;
const SORTS: Record<string, SortSpec<PaymentRecord>> = {
  'amount:asc': { key: (p) => p.amount, direction: 'asc' },
  'amount:desc': { key: (p) => p.amount, direction: 'desc' },
  'payment_method:asc': { key: (p) => METHOD_ORDER.indexOf(p.paymentMethod), direction: 'asc' },
  'payment_method:desc': { key: (p) => METHOD_ORDER.indexOf(p.paymentMethod), direction: 'desc' },
  'scheduled_at:asc': { key: (p) => p.scheduledAt ?? 0, direction: 'asc' },
  'scheduled_at:desc': { key: (p) => p.scheduledAt ?? 0, direction: 'desc' },
};

/** Registers the payment and credit-line routes. */
export function paymentRoutes({ app, ctx }: RouteDeps): void {
  app.get('/payments', async (request) => {
    const tenant = tenantOf(ctx, request);
    const q = rawQuery(request);
    checkQuery(q, {
      enums: {
        status: PaymentStatusSchema.options, payment_type: PaymentTypeSchema.options,
        payment_method: PaymentMethodSchema.options, sort_by: Object.keys(SORTS),
      },
      dates: ['from_date', 'to_date', 'paid_after', 'paid_before', 'updated_after'],
      booleans: ['is_reconciled', 'include_bills', 'include_loans', 'include_payment_intents'],
    });
    const loanIds = queryList(q, 'loan_id');
    let items: readonly PaymentRecord[] = tenant.payments.items;
    if (loanIds.length === 1) items = tenant.paymentsByLoan.get(loanIds[0]!) ?? [];
    else if (loanIds.length > 1) {
      items = loanIds.flatMap((id) => tenant.paymentsByLoan.get(id) ?? []).sort((a, b) => a.seq - b.seq);
    }
    const ids = queryList(q, 'id');
    const statuses = queryList(q, 'status');
    const types = queryList(q, 'payment_type');
    const methods = queryList(q, 'payment_method');
    const references = queryList(q, 'references');
    const from = queryDate(q, 'from_date');
    const to = queryDate(q, 'to_date');
    const paidAfter = queryDate(q, 'paid_after');
    const paidBefore = queryDate(q, 'paid_before');
    const updatedAfter = queryDate(q, 'updated_after');
    // Sandbox payments never relate to deposits, intents or bills, and have no account ids.
    const unmatched = ['deposit_id', 'payment_intent_id', 'from_account_id', 'to_account_id'].some((k) => queryList(q, k).length > 0)
      || queryOne(q, 'include_loans') === 'false';
    if (unmatched) items = [];
    const filtered = ids.length + statuses.length + types.length + methods.length + references.length > 0
      || [from, to, paidAfter, paidBefore, updatedAfter].some((v) => v !== undefined);
    if (filtered) {
      items = items.filter((p) => (ids.length === 0 || ids.includes(p.id))
        && (statuses.length === 0 || statuses.includes(p.status))
        && (types.length === 0 || types.includes(p.paymentType))
        && (methods.length === 0 || methods.includes(p.paymentMethod))
        && (references.length === 0 || references.some((r) => p.fromReferences.includes(r) || p.toReferences.includes(r)))
        && (from === undefined || p.createdAt >= from) && (to === undefined || p.createdAt < to)
        && (paidAfter === undefined || (p.paidAt !== null && p.paidAt >= paidAfter))
        && (paidBefore === undefined || (p.paidAt !== null && p.paidAt < paidBefore))
        && (updatedAfter === undefined || p.updatedAt >= updatedAfter));
    }
    const sortBy = queryOne(q, 'sort_by');
    const sort = sortBy ? SORTS[sortBy] : undefined;
    return sort
      ? paginate(items, sort, pageRequest(request), paymentView)
      : paginate(items, NEWEST_FIRST, pageRequest(request), paymentView, true);
  });

  const creditLines = async (request: Parameters<typeof tenantOf>[1]) => {
    const tenant = tenantOf(ctx, request);
    const q = rawQuery(request);
    const borrowers = queryList(q, 'borrower');
    const ids = queryList(q, 'id');
    let items: readonly CreditLineRecord[] = tenant.creditLines.items;
    if (borrowers.length > 0) {
      items = borrowers
        .map((identifier) => tenant.creditLineByBorrowerIdentifier.get(identifier))
        .flatMap((id) => (id ? [tenant.creditLines.get(id)!] : []))
        .sort((a, b) => a.seq - b.seq);
    }
    if (ids.length > 0) items = items.filter((line) => ids.includes(line.id));
    return paginate(items, NEWEST_FIRST, pageRequest(request), (line) => creditLineView(tenant, line), true);
  };
  app.get('/credit_lines', creditLines);
  app.get('/credit-lines', creditLines);
}
