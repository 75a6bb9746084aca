/** Loan methods of the Defacto client: loans, their payments and repayments, credit lines, accounting events. */
import { listEndpoint, type Paginated } from './pagination';
import { jsonResponse, type Send } from './transport';
import {
  AccountingEventSchema, ApiCreditLineSchema, ApiInstallmentSchema, ApiTenantCreditLineSchema, LoanApiEventSchema, LoanApiSchema,
  LoanDocumentsLinkSchema, MinimalLoanApiSchema, pageSchema, PaymentApiSchema, RepayNowResponseSchema,
  type AccountingEvent, type AccountingEventType, type ApiCreditLine, type ApiInstallment, type ApiPostLoan, type ApiTenantCreditLine,
  type FetchLoanDocuments, type LoanApi, type LoanApiEvent, type LoanPatch, type LoanStatus, type MinimalLoanApi, type Page,
  type PaymentApi, type PaymentStatus, type PaymentType, type RepayNowRequest, type RepayNowResponse, type SetRepaymentTerms,
} from './wire';

/** Filters of `GET /loans`. */
export interface LoanListQuery {
  id?: string[] | undefined; borrower?: string[] | undefined; status?: LoanStatus[] | undefined;
  query?: string | undefined; guarantor?: string | undefined; postponed?: boolean | undefined;
  to_pay_at_from?: string | undefined; to_pay_at_to?: string | undefined;
  to_repay_at_from?: string | undefined; to_repay_at_to?: string | undefined;
  sort_by?: `${'created_at' | 'to_pay_at' | 'to_repay_at'}:${'asc' | 'desc'}` | undefined; page_size?: number | undefined;
}
/** Filters of `GET /payments`. */
export interface PaymentListQuery {
  loan_id?: string[] | undefined; id?: string[] | undefined; status?: PaymentStatus[] | undefined;
  payment_type?: PaymentType[] | undefined; page_size?: number | undefined;
}
/** Filters of `GET /credit_lines`. */
export interface CreditLineListQuery { borrower?: string[] | undefined; id?: string[] | undefined; page_size?: number | undefined }
/** Filters of `GET /events` (accounting events). */
export interface AccountingEventListQuery {
  event_type?: AccountingEventType[] | undefined; loan_id?: string[] | undefined; from_date?: string | undefined;
  to_date?: string | undefined; page_size?: number | undefined;
}
/** Filters of `GET /installments` (`_gt`/`_lt` are exclusive bounds). */
export interface InstallmentListQuery {
  loan_ids?: string[] | undefined; installment_plan_ids?: string[] | undefined; to_pay_at_gt?: string | undefined;
  to_pay_at_lt?: string | undefined; paid_at_gt?: string | undefined; paid_at_lt?: string | undefined;
  updated_at_gt?: string | undefined; updated_at_lt?: string | undefined; page_size?: number | undefined;
}

/** Loan requests (idempotent on `salt_id`), consent, cancellation, activity log. */
export interface LoanMethods {
  request(body: ApiPostLoan): Promise<LoanApi>;
  get(id: string): Promise<LoanApi>;
  list(q?: LoanListQuery): Paginated<MinimalLoanApi>;
  update(id: string, patch: LoanPatch): Promise<LoanApi>;
  /** `PUT /loan/repayment-terms`: new dates/methods for loans to repay (postponing once). */
  setRepaymentTerms(body: SetRepaymentTerms): Promise<LoanApi[]>;
  /** `POST /loan/documents/{document_type}`: a link to an archive of those documents. */
  documentsLink(documentType: string, body: FetchLoanDocuments): Promise<{ link: string }>;
  /** One page of `GET /loans` from `cursor` (for callers that keep the cursor themselves). */
  page(q?: LoanListQuery & { cursor?: string | undefined }): Promise<Page<MinimalLoanApi>>;
  validate(id: string): Promise<LoanApi>;
  cancel(id: string): Promise<LoanApi>;
  events(id: string): Promise<LoanApiEvent[]>;
}

/** Disbursements and repayments. */
export interface PaymentMethods {
  list(q?: PaymentListQuery): Paginated<PaymentApi>;
}

/** Credit lines of the partner and its borrowers. */
export interface CreditLineMethods {
  list(q?: CreditLineListQuery): Paginated<ApiCreditLine>;
  /** `GET /credit_line` (deprecated): the partner's own line. */
  partner(): Promise<ApiTenantCreditLine>;
  /** `GET /credit_line/{id}` (deprecated), optionally as it was `at` a date-time. */
  get(id: string, at?: string): Promise<ApiCreditLine>;
}

/** Accounting events (`GET /events`). */
export interface AccountingEventMethods {
  list(q?: AccountingEventListQuery): Paginated<AccountingEvent>;
}

/** Repayment instalments and the pay-by-link for an early repayment. */
export interface RepaymentsMethods {
  installments(q?: InstallmentListQuery): Paginated<ApiInstallment>;
  /** `POST /repay/now`: a link the borrower follows to pay `amount` cents now. Not idempotent: each call makes a new link. */
  repayNow(body: RepayNowRequest): Promise<RepayNowResponse>;
}

const LoanPage = pageSchema(MinimalLoanApiSchema);
const LoanApiPage = pageSchema(LoanApiSchema);
const LoanEventPage = pageSchema(LoanApiEventSchema);
const PaymentPage = pageSchema(PaymentApiSchema);
const CreditLinePage = pageSchema(ApiCreditLineSchema);
const AccountingEventPage = pageSchema(AccountingEventSchema);
const InstallmentPage = pageSchema(ApiInstallmentSchema);

/** The loan methods over `send`. */
export function loanMethods(send: Send): LoanMethods {
  return {
    // Idempotent only with a salt_id: Defacto then returns the existing loan instead of a twin.
    request: (body) =>
      send({
        method: 'POST', pathTemplate: '/loans', body, response: jsonResponse(LoanApiSchema, 'LoanAPI'),
        idempotent: typeof body.salt_id === 'string' && body.salt_id !== '',
      }),
    get: (id) =>
      send({
        method: 'GET', pathTemplate: '/loan/{loan_id}', params: { loan_id: id },
        response: jsonResponse(LoanApiSchema, 'LoanAPI'), idempotent: true,
      }),
    list: (q = {}) => listEndpoint(send, { pathTemplate: '/loans', query: { ...q }, schema: LoanPage, name: 'page of MinimalLoanAPI' }),
    update: (id, patch) =>
      send({
        method: 'PATCH', pathTemplate: '/loan/{loan_id}', params: { loan_id: id }, body: patch,
        response: jsonResponse(LoanApiSchema, 'LoanAPI'), idempotent: true,
      }),
    // One page holds every loan of the request (at most the terms sent).
    setRepaymentTerms: async (body) =>
      (await send({
        method: 'PUT', pathTemplate: '/loan/repayment-terms', body, response: jsonResponse(LoanApiPage, 'page of LoanAPI'), idempotent: true,
      })).data,
    documentsLink: (documentType, body) =>
      send({
        method: 'POST', pathTemplate: '/loan/documents/{document_type}', params: { document_type: documentType }, body,
        response: jsonResponse(LoanDocumentsLinkSchema, 'ApiLoanDocuments'), idempotent: true,
      }),
    page: (q = {}) =>
      send({ method: 'GET', pathTemplate: '/loans', query: { ...q }, response: jsonResponse(LoanPage, 'page of MinimalLoanAPI'), idempotent: true }),
    validate: (id) =>
      send({
        method: 'POST', pathTemplate: '/loan/{loan_id}/validate', params: { loan_id: id },
        response: jsonResponse(LoanApiSchema, 'LoanAPI'), idempotent: true,
      }),
    cancel: (id) =>
      send({
        method: 'POST', pathTemplate: '/loan/{loan_id}/cancel', params: { loan_id: id },
        response: jsonResponse(LoanApiSchema, 'LoanAPI'), idempotent: true,
      }),
    events: (id) =>
      listEndpoint(send, { pathTemplate: '/loan/{loan_id}/events', params: { loan_id: id }, schema: LoanEventPage, name: 'page of LoanApiEvent' }).all(),
  };
}

/** The payment methods over `send`. */
export function paymentMethods(send: Send): PaymentMethods {
  return { list: (q = {}) => listEndpoint(send, { pathTemplate: '/payments', query: { ...q }, schema: PaymentPage, name: 'page of PaymentApi' }) };
}

/** The credit-line methods over `send`. */
export function creditLineMethods(send: Send): CreditLineMethods {
  return {
    list: (q = {}) => listEndpoint(send, { pathTemplate: '/credit_lines', query: { ...q }, schema: CreditLinePage, name: 'page of APICreditLine' }),
    partner: () =>
      send({ method: 'GET', pathTemplate: '/credit_line', response: jsonResponse(ApiTenantCreditLineSchema, 'APITenantCreditLine'), idempotent: true }),
    get: (id, at) =>
      send({
        method: 'GET', pathTemplate: '/credit_line/{credit_line_id}', params: { credit_line_id: id }, query: { at },
        response: jsonResponse(ApiCreditLineSchema, 'APICreditLine'), idempotent: true,
      }),
  };
}

/** The accounting-event methods over `send`. */
export function accountingEventMethods(send: Send): AccountingEventMethods {
  return { list: (q = {}) => listEndpoint(send, { pathTemplate: '/events', query: { ...q }, schema: AccountingEventPage, name: 'page of ApiEvent' }) };
}

/** The repayment methods over `send`. */
export function repaymentsMethods(send: Send): RepaymentsMethods {
  return {
    installments: (q = {}) => listEndpoint(send, { pathTemplate: '/installments', query: { ...q }, schema: InstallmentPage, name: 'page of APIInstallment' }),
    repayNow: (body) =>
      send({ method: 'POST', pathTemplate: '/repay/now', body, response: jsonResponse(RepayNowResponseSchema, 'RepayNowResponse'), idempotent: false }),
  };
}
