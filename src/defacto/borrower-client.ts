/** Borrower methods of the Defacto client: enrolment, counterparties and pre-eligibility of businesses. */
import { findFirst, listEndpoint, type Paginated } from './pagination';
import { jsonResponse, type Send } from './transport';
import {
  ApiBorrowerSchema, BorrowerFinancialProductSchema, CounterpartyWithExposureSchema, DenialCodeListSchema, EligibilityResponseSchema,
  OwnerCreatedSchema, pageSchema, RepaymentMethodSchema, TranslationSchema,
  type ApiBorrower, type ApiPostBorrower, type BorrowerFinancialProduct, type CounterpartyExplicitCreation, type CounterpartyWithExposure,
  type DenialCode, type EligibilityRequest, type EligibilityResponse, type IdentifierType, type OwnerCreated, type OwnerCreation,
  type RelationType, type RepaymentMethod, type RepaymentMethodCreation, type SignBorrowerRequest, type Translation,
} from './wire';

/** Filters of `GET /borrowers`. */
export interface BorrowerListQuery {
  borrower_id?: string[] | undefined; borrower_identifier?: string | undefined;
  from_signed_at?: string | undefined; to_signed_at?: string | undefined; page_size?: number | undefined;
}
/** Filters of `GET /counterparties`. */
export interface CounterpartyListQuery {
  identifier?: string | undefined; identifier_type?: IdentifierType | undefined; business_name?: string | undefined;
  relation_types?: RelationType[] | undefined; selected_for_financing?: boolean | undefined; page_size?: number | undefined;
}

/** Borrower enrolment, signature and look-up by company number. */
export interface BorrowerMethods {
  create(body: ApiPostBorrower): Promise<ApiBorrower>;
  get(id: string): Promise<ApiBorrower>;
  list(q?: BorrowerListQuery): Paginated<ApiBorrower>;
  sign(id: string, body: SignBorrowerRequest): Promise<ApiBorrower>;
  deactivate(id: string): Promise<void>;
  createOwner(id: string, owner: OwnerCreation): Promise<OwnerCreated>;
  repaymentMethods(id: string): Paginated<RepaymentMethod>;
  addRepaymentMethod(id: string, body: RepaymentMethodCreation): Promise<RepaymentMethod>;
  financialProducts(id: string): Paginated<BorrowerFinancialProduct>;
  findByIdentifier(identifier: string): Promise<ApiBorrower | undefined>;
}

/** The businesses the partner's borrowers trade with, and their credit limits. */
export interface CounterpartyMethods {
  /** `POST /counterparties`: creates it, or merges the relation types into the existing one (same identifier). */
  create(body: CounterpartyExplicitCreation): Promise<CounterpartyWithExposure>;
  get(id: string): Promise<CounterpartyWithExposure>;
  list(q?: CounterpartyListQuery): Paginated<CounterpartyWithExposure>;
}

/** Pre-eligibility of a business, and the denial codes with their translations. */
export interface EligibilityMethods {
  borrower(body: EligibilityRequest): Promise<EligibilityResponse>;
  beneficiary(body: EligibilityRequest): Promise<EligibilityResponse>;
  reasons(): Promise<DenialCode[]>;
  translateDenialCode(code: string): Promise<Translation>;
}

const BorrowerPage = pageSchema(ApiBorrowerSchema);
const CounterpartyPage = pageSchema(CounterpartyWithExposureSchema);
const RepaymentMethodPage = pageSchema(RepaymentMethodSchema);
const FinancialProductPage = pageSchema(BorrowerFinancialProductSchema);

/** The borrower methods over `send`. */
export function borrowerMethods(send: Send): BorrowerMethods {
  return {
    create: (body) =>
      send({ method: 'POST', pathTemplate: '/borrowers', body, response: jsonResponse(ApiBorrowerSchema, 'APIBorrower'), idempotent: false }),
    get: (id) =>
      send({
        method: 'GET', pathTemplate: '/borrower/{borrower_id}', params: { borrower_id: id },
        response: jsonResponse(ApiBorrowerSchema, 'APIBorrower'), idempotent: true,
      }),
    list: (q = {}) => listEndpoint(send, { pathTemplate: '/borrowers', query: { ...q }, schema: BorrowerPage, name: 'page of APIBorrower' }),
    sign: (id, body) =>
      send({
        method: 'POST', pathTemplate: '/borrower/{borrower_id}/sign', params: { borrower_id: id }, body,
        response: jsonResponse(ApiBorrowerSchema, 'APIBorrower'), idempotent: true,
      }),
    deactivate: (id) =>
      send({
        method: 'POST', pathTemplate: '/borrower/{borrower_id}/deactivate', params: { borrower_id: id },
        response: { kind: 'empty' }, idempotent: true,
      }),
    createOwner: (id, owner) =>
      send({
        method: 'POST', pathTemplate: '/borrower/{borrower_id}/owner', params: { borrower_id: id }, body: owner,
        response: jsonResponse(OwnerCreatedSchema, 'APIOwnerCreatedResponse'), idempotent: false,
      }),
    repaymentMethods: (id) => listEndpoint(send, {
      pathTemplate: '/borrower/{borrower_id}/repayment-methods', params: { borrower_id: id }, schema: RepaymentMethodPage, name: 'page of APIRepaymentMethodDetails',
    }),
    addRepaymentMethod: (id, body) =>
      send({
        method: 'POST', pathTemplate: '/borrower/{borrower_id}/repayment-methods', params: { borrower_id: id }, body,
        response: jsonResponse(RepaymentMethodSchema, 'APIRepaymentMethodDetails'), idempotent: false,
      }),
    financialProducts: (id) => listEndpoint(send, {
      pathTemplate: '/borrower/{borrower_id}/financial-products', params: { borrower_id: id }, schema: FinancialProductPage, name: 'page of ApiBorrowerFinancialProduct',
    }),
    // The server-side filter is trusted for paging only; the exact match is checked here.
    findByIdentifier: (identifier) =>
      findFirst(listEndpoint(send, { pathTemplate: '/borrowers', query: { borrower_identifier: identifier }, schema: BorrowerPage, name: 'page of APIBorrower' }),
        (b) => b.identifier === identifier),
  };
}

/** The counterparty methods over `send`. */
export function counterpartyMethods(send: Send): CounterpartyMethods {
  return {
    create: (body) =>
      send({
        method: 'POST', pathTemplate: '/counterparties', body,
        response: jsonResponse(CounterpartyWithExposureSchema, 'APICounterpartyWithExposure'), idempotent: true,
      }),
    get: (id) =>
      send({
        method: 'GET', pathTemplate: '/counterparty/{counterparty_id}', params: { counterparty_id: id },
        response: jsonResponse(CounterpartyWithExposureSchema, 'APICounterpartyWithExposure'), idempotent: true,
      }),
    list: (q = {}) => listEndpoint(send, { pathTemplate: '/counterparties', query: { ...q }, schema: CounterpartyPage, name: 'page of APICounterpartyWithExposure' }),
  };
}

/** The eligibility methods over `send`; eligibility checks only read, so they are safe to replay. */
export function eligibilityMethods(send: Send): EligibilityMethods {
  return {
    borrower: (body) =>
      send({
        method: 'POST', pathTemplate: '/eligibility/borrower', body,
        response: jsonResponse(EligibilityResponseSchema, 'SimpleEligibilityResponse'), idempotent: true,
      }),
    beneficiary: (body) =>
      send({
        method: 'POST', pathTemplate: '/eligibility/beneficiary', body,
        response: jsonResponse(EligibilityResponseSchema, 'SimpleEligibilityResponse'), idempotent: true,
      }),
    reasons: () =>
      send({ method: 'GET', pathTemplate: '/eligibility/reasons', response: jsonResponse(DenialCodeListSchema, 'ListDenialCode[]'), idempotent: true }),
    translateDenialCode: (code) =>
      send({
        method: 'GET', pathTemplate: '/translation/denial-code/{code}', params: { code },
        response: jsonResponse(TranslationSchema, 'TranslationResult'), idempotent: true,
      }),
  };
}
