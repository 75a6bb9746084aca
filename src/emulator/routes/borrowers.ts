/** Borrower endpoints (digest §3.6–§3.10): parse, delegate to the borrower services, render. */
import { ApiPostBorrowerSchema, SignBorrowerRequestSchema } from '../../defacto/wire';
import { borrowerOr404, createBorrower, deactivateBorrower, listBorrowers, signBorrower } from '../borrower-service';
import { borrowerView } from '../views';
import { body, pageRequest, param, tenantOf, type RouteDeps } from './common';

/** Registers the borrower routes. */
export function borrowerRoutes({ app, ctx }: RouteDeps): void {
  app.post('/borrowers', async (request, reply) => {
    const { borrower } = createBorrower(ctx, tenantOf(ctx, request), body(ApiPostBorrowerSchema, request));
    return reply.code(201).send(borrowerView(ctx, borrower));
  });

  app.get('/borrowers', async (request) => listBorrowers(ctx, tenantOf(ctx, request), pageRequest(request)));

  app.get('/borrower/:borrower_id', async (request) =>
    borrowerView(ctx, borrowerOr404(tenantOf(ctx, request), param(request, 'borrower_id'))));

  app.post('/borrower/:borrower_id/sign', async (request) => {
    const tenant = tenantOf(ctx, request);
    const borrower = borrowerOr404(tenant, param(request, 'borrower_id'));
    signBorrower(ctx, tenant, borrower, body(SignBorrowerRequestSchema, request));
    return borrowerView(ctx, borrower);
  });

  app.post('/borrower/:borrower_id/deactivate', async (request, reply) => {
    deactivateBorrower(ctx, borrowerOr404(tenantOf(ctx, request), param(request, 'borrower_id')));
    return reply.code(204).send();
  });
}
