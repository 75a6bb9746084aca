/** Borrower endpoints (digest §3.6–§3.10). */
import { ApiPostBorrowerSchema, SignBorrowerRequestSchema } from '../../defacto/wire';
import { createBorrower, deactivateBorrower, signBorrower } from '../borrower-service';
import { NEWEST_FIRST, paginate } from '../pagination';
import { notFound } from '../problems';
import type { BorrowerRecord, TenantState } from '../store';
import { borrowerView } from '../views';
import {
  body, checkQuery, pageRequest, param, queryDate, queryList, queryOne, rawQuery, tenantOf, type RouteDeps,
} from './common';

function borrowerOr404(tenant: TenantState, id: string): BorrowerRecord {
  const borrower = tenant.borrowers.get(id);
  if (!borrower) throw notFound('borrower', id);
  return borrower;
}

/** Registers the borrower routes. */
export function borrowerRoutes({ app, ctx }: RouteDeps): void {
  app.post('/borrowers', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    const { borrower } = createBorrower(ctx, tenant, body(ApiPostBorrowerSchema, request));
    return reply.code(201).send(borrowerView(ctx, borrower));
  });

  app.get('/borrowers', async (request) => {
    const tenant = tenantOf(ctx, request);
    const q = rawQuery(request);
    checkQuery(q, { dates: ['from_signed_at', 'to_signed_at'] });
    const ids = queryList(q, 'borrower_id');
    const identifier = queryOne(q, 'borrower_identifier') ?? queryOne(q, 'identifier');
    const from = queryDate(q, 'from_signed_at');
    const to = queryDate(q, 'to_signed_at');
    let items: readonly BorrowerRecord[] = tenant.borrowers.items;
    if (identifier !== undefined) {
      const id = tenant.borrowerByIdentifier.get(identifier);
      const found = id ? tenant.borrowers.get(id) : undefined;
      items = found ? [found] : [];
    }
    if (ids.length > 0 || from !== undefined || to !== undefined) {
      items = items.filter((b) => (ids.length === 0 || ids.includes(b.id))
        && (from === undefined || (b.signedAt !== null && b.signedAt >= from))
        && (to === undefined || (b.signedAt !== null && b.signedAt < to)));
    }
    return paginate(items, NEWEST_FIRST, pageRequest(request), (b) => borrowerView(ctx, b), true);
  });

  app.get('/borrower/:borrower_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    return borrowerView(ctx, borrowerOr404(tenant, param(request, 'borrower_id')));
  });

  app.post('/borrower/:borrower_id/sign', async (request) => {
    const tenant = tenantOf(ctx, request);
    const borrower = borrowerOr404(tenant, param(request, 'borrower_id'));
    signBorrower(ctx, tenant, borrower, body(SignBorrowerRequestSchema, request));
    return borrowerView(ctx, borrower);
  });

  app.post('/borrower/:borrower_id/deactivate', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    deactivateBorrower(ctx, borrowerOr404(tenant, param(request, 'borrower_id')));
    return reply.code(204).send();
  });
}
