/** Loan endpoints (digest §3.13–§3.19): parse, delegate to the loan services, render. */
import { FetchLoanDocumentsSchema, LoanPatchSchema, SetRepaymentTermsSchema } from '../../defacto/wire';
import { cancelLoan, validateLoan } from '../loan-engine';
import { PostLoanBodySchema, requestLoan } from '../loan-request';
import { listLoans, loanDocumentsLink, loanEvents, loanOr404, patchLoan, setRepaymentTerms } from '../loan-service';
import type { RepaymentMode } from '../records';
import { loanView } from '../views';
import { body, pageRequest, param, tenantOf, type RouteDeps } from './common';

/** Registers the loan routes. */
export function loanRoutes({ app, ctx }: RouteDeps): void {
  app.post('/loans', async (request, reply) => {
    const tenant = tenantOf(ctx, request);
    const header = request.headers['x-emulator-repayment-mode'];
    const mode: RepaymentMode | undefined = header === 'production' || header === 'sandbox' ? header : undefined;
    const { loan, status } = requestLoan(ctx, tenant, request.body, body(PostLoanBodySchema, request), mode);
    return reply.code(status).send(loanView(ctx, tenant, loan));
  });

  app.get('/loans', async (request) => listLoans(ctx, tenantOf(ctx, request), pageRequest(request)));

  app.get('/loan/:loan_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    return loanView(ctx, tenant, loanOr404(tenant, param(request, 'loan_id')));
  });

  app.patch('/loan/:loan_id', async (request) => {
    const tenant = tenantOf(ctx, request);
    return patchLoan(ctx, tenant, loanOr404(tenant, param(request, 'loan_id')), body(LoanPatchSchema.strict(), request));
  });

  app.post('/loan/:loan_id/validate', async (request) => {
    const tenant = tenantOf(ctx, request);
    const loan = loanOr404(tenant, param(request, 'loan_id'));
    validateLoan(ctx, tenant, loan);
    return loanView(ctx, tenant, loan);
  });

  app.post('/loan/:loan_id/cancel', async (request) => {
    const tenant = tenantOf(ctx, request);
    const loan = loanOr404(tenant, param(request, 'loan_id'));
    cancelLoan(ctx, tenant, loan);
    return loanView(ctx, tenant, loan);
  });

  app.put('/loan/repayment-terms', async (request) =>
    setRepaymentTerms(ctx, tenantOf(ctx, request), body(SetRepaymentTermsSchema, request), pageRequest(request)));

  app.post('/loan/documents/:document_type', async (request) =>
    loanDocumentsLink(ctx, tenantOf(ctx, request), param(request, 'document_type'), body(FetchLoanDocumentsSchema, request)));

  app.get('/loan/:loan_id/events', async (request) =>
    loanEvents(loanOr404(tenantOf(ctx, request), param(request, 'loan_id')), pageRequest(request)));
}
