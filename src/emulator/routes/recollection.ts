/** Recollection cases and installment plans (digest §3.26): parse, delegate to the recollection services. */
import {
  InstallmentPlanComputationSchema, InstallmentPlanCreationSchema, RecollectionCaseCreationSchema, RecollectionCaseUpdateSchema,
  RecollectionInstallmentPlanSchema,
} from '../../defacto/wire';
import {
  computeInstallmentPlan, createInstallmentPlan, createRecollectionCase, createRecollectionInstallmentPlan, installmentPlanOr404,
  installmentPlanView, listRecollectionCases, recollectionCaseOr404, recollectionCaseView, updateRecollectionCase,
} from '../recollection-service';
import { body, pageRequest, param, tenantOf, type RouteDeps } from './common';

/** Registers the recollection and installment-plan routes. */
export function recollectionRoutes({ app, ctx }: RouteDeps): void {
  const caseOf = (request: Parameters<typeof tenantOf>[1]) => {
    const tenant = tenantOf(ctx, request);
    return { tenant, recollectionCase: recollectionCaseOr404(tenant, param(request, 'recollection_case_id')) };
  };

  app.get('/recollection-cases', async (request) => listRecollectionCases(ctx, tenantOf(ctx, request), pageRequest(request)));
  app.post('/recollection-cases', async (request, reply) =>
    reply.code(201).send(createRecollectionCase(ctx, tenantOf(ctx, request), body(RecollectionCaseCreationSchema, request))));
  app.get('/recollection-case/:recollection_case_id', async (request) => recollectionCaseView(caseOf(request).recollectionCase));
  app.put('/recollection-case/:recollection_case_id', async (request) => {
    const { recollectionCase } = caseOf(request);
    return updateRecollectionCase(ctx, recollectionCase, body(RecollectionCaseUpdateSchema, request));
  });
  app.post('/recollection-case/:recollection_case_id/installment-plans/compute', async (request) => {
    const { tenant, recollectionCase } = caseOf(request);
    return computeInstallmentPlan(ctx, tenant, recollectionCase, body(InstallmentPlanComputationSchema, request));
  });
  app.post('/recollection-case/:recollection_case_id/installment-plans', async (request, reply) => {
    const { tenant, recollectionCase } = caseOf(request);
    return reply.code(201).send(createRecollectionInstallmentPlan(ctx, tenant, recollectionCase, body(RecollectionInstallmentPlanSchema, request)));
  });
  app.get('/installment-plan/:installment_plan_id', async (request) =>
    installmentPlanView(installmentPlanOr404(tenantOf(ctx, request), param(request, 'installment_plan_id'))));
  app.post('/installment-plans', async (request, reply) =>
    reply.code(201).send(createInstallmentPlan(ctx, tenantOf(ctx, request), body(InstallmentPlanCreationSchema, request))));
}
