/** Borrower endpoints (digest §3.6–§3.10): parse, delegate to the borrower services, render. */
import {
  ApiPostBorrowerSchema, OwnerCreationSchema, RepaymentMethodCreationSchema, SignBorrowerRequestSchema,
} from '../../defacto/wire';
import { addRepaymentMethod, createOwner, listFinancialProducts, listRepaymentMethods } from '../borrower-products';
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

  app.post('/borrower/:borrower_id/owner', async (request, reply) => {
    const borrower = borrowerOr404(tenantOf(ctx, request), param(request, 'borrower_id'));
    return reply.code(201).send(createOwner(ctx, borrower, body(OwnerCreationSchema, request)));
  });

  app.get('/borrower/:borrower_id/repayment-methods', async (request) => {
    const tenant = tenantOf(ctx, request);
    return listRepaymentMethods(ctx, tenant, borrowerOr404(tenant, param(request, 'borrower_id')), pageRequest(request));
  });

  app.post('/borrower/:borrower_id/repayment-methods', async (request) => {
    const tenant = tenantOf(ctx, request);
    const borrower = borrowerOr404(tenant, param(request, 'borrower_id'));
    return addRepaymentMethod(ctx, tenant, borrower, body(RepaymentMethodCreationSchema, request));
  });

  app.get('/borrower/:borrower_id/financial-products', async (request) => {
    const tenant = tenantOf(ctx, request);
    return listFinancialProducts(tenant, borrowerOr404(tenant, param(request, 'borrower_id')), pageRequest(request));
  });

  app.post('/borrower/:borrower_id/deactivate', async (request, reply) => {
    deactivateBorrower(ctx, borrowerOr404(tenantOf(ctx, request), param(request, 'borrower_id')));
    return reply.code(204).send();
  });
}
