/** Recollection and installment-plan methods of the Defacto client. */
import { listEndpoint, type Paginated } from './pagination';
import type { Send } from './transport';
import {
  InstallmentPlanSchema, pageSchema, RecollectionCaseSchema, RecollectionInstallmentPlanCreatedSchema, RecollectionInstallmentPlanSchema,
  type IdentifierType, type InstallmentPlan, type InstallmentPlanComputation, type InstallmentPlanCreation, type RecollectionCase,
  type RecollectionCaseCreation, type RecollectionCaseUpdate, type RecollectionInstallmentPlan, type RecollectionInstallmentPlanCreated,
} from './wire';

/** Filters of `GET /recollection-cases` (both required by the API: the debtor business). */
export interface RecollectionCaseListQuery {
  identifier: string;
  identifier_type: IdentifierType;
  page_size?: number | undefined;
}

/** Recollection cases of late borrowers and the installment plans that repay them. */
export interface RecollectionMethods {
  /** `POST /recollection-cases`: opens a case for a debtor's loans, with the first action to take. Not idempotent. */
  createCase(body: RecollectionCaseCreation): Promise<RecollectionCase>;
  getCase(id: string): Promise<RecollectionCase>;
  /** `GET /recollection-cases`: the cases of one debtor business. */
  listCases(q: RecollectionCaseListQuery): Paginated<RecollectionCase>;
  /** `PUT /recollection-case/{id}`: replaces the case's notes. */
  updateCase(id: string, body: RecollectionCaseUpdate): Promise<RecollectionCase>;
  /** `POST …/installment-plans/compute`: a proposed plan for the case's debt; nothing is stored. */
  computeInstallmentPlan(caseId: string, body: InstallmentPlanComputation): Promise<RecollectionInstallmentPlan>;
  /** `POST …/installment-plans`: stores a plan (typically a computed one) as the case's active strategy. Not idempotent. */
  createInstallmentPlan(caseId: string, body: RecollectionInstallmentPlan): Promise<RecollectionInstallmentPlanCreated>;
}

/** Installment plans outside (or inside) a recollection case. */
export interface InstallmentPlanMethods {
  /**
   * `POST /installment-plans`: a plan in DRAFT that becomes SCHEDULED asynchronously. Safe to retry: Defacto
   * deduplicates on `salt_id`, derived from the sorted loan ids when omitted.
   */
  create(body: InstallmentPlanCreation): Promise<InstallmentPlan>;
  /** `GET /installment-plan/{installment_plan_id}`. */
  get(id: string): Promise<InstallmentPlan>;
}

const CasePage = pageSchema(RecollectionCaseSchema);
const caseJson = { kind: 'json', schema: RecollectionCaseSchema, name: 'ApiRecollectionCase' } as const;
const planJson = { kind: 'json', schema: InstallmentPlanSchema, name: 'ApiInstallmentPlan' } as const;

/** The recollection methods over `send`. */
export function recollectionMethods(send: Send): RecollectionMethods {
  const caseParams = (id: string) => ({ recollection_case_id: id });
  return {
    createCase: (body) => send({ method: 'POST', pathTemplate: '/recollection-cases', body, response: caseJson, idempotent: false }),
    getCase: (id) =>
      send({ method: 'GET', pathTemplate: '/recollection-case/{recollection_case_id}', params: caseParams(id), response: caseJson, idempotent: true }),
    listCases: (q) => listEndpoint(send, { pathTemplate: '/recollection-cases', query: { ...q }, schema: CasePage, name: 'page of ApiRecollectionCase' }),
    updateCase: (id, body) =>
      send({
        method: 'PUT', pathTemplate: '/recollection-case/{recollection_case_id}', params: caseParams(id), body, response: caseJson, idempotent: true,
      }),
    computeInstallmentPlan: (caseId, body) =>
      send({
        method: 'POST', pathTemplate: '/recollection-case/{recollection_case_id}/installment-plans/compute', params: caseParams(caseId), body,
        response: { kind: 'json', schema: RecollectionInstallmentPlanSchema, name: 'ApiCreateRecollectionInstallmentPlanRequest' }, idempotent: true,
      }),
    createInstallmentPlan: (caseId, body) =>
      send({
        method: 'POST', pathTemplate: '/recollection-case/{recollection_case_id}/installment-plans', params: caseParams(caseId), body,
        response: { kind: 'json', schema: RecollectionInstallmentPlanCreatedSchema, name: 'ApiRecollectionInstallmentPlan' }, idempotent: false,
      }),
  };
}

/** The installment-plan methods over `send`. */
export function installmentPlanMethods(send: Send): InstallmentPlanMethods {
  return {
    create: (body) => send({ method: 'POST', pathTemplate: '/installment-plans', body, response: planJson, idempotent: true }),
    get: (id) =>
      send({ method: 'GET', pathTemplate: '/installment-plan/{installment_plan_id}', params: { installment_plan_id: id }, response: planJson, idempotent: true }),
  };
}
