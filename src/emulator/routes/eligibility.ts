/** Eligibility checks and denial-code translations (digest §3.23). */
import { EligibilityRequestSchema } from '../../defacto/wire';
import { beneficiaryEligibility, borrowerEligibility, denialCodes, translateDenialCode } from '../eligibility-service';
import { body, param, tenantOf, type RouteDeps } from './common';

/** Registers the eligibility and translation routes. */
export function eligibilityRoutes({ app, ctx }: RouteDeps): void {
  app.post('/eligibility/borrower', async (request) =>
    borrowerEligibility(tenantOf(ctx, request), body(EligibilityRequestSchema, request)));
  app.post('/eligibility/beneficiary', async (request) =>
    beneficiaryEligibility(tenantOf(ctx, request), body(EligibilityRequestSchema, request)));
  app.get('/eligibility/reasons', async (request) => {
    tenantOf(ctx, request);
    return denialCodes();
  });
  app.get('/translation/denial-code/:code', async (request) => {
    tenantOf(ctx, request);
    return translateDenialCode(param(request, 'code'));
  });
}
