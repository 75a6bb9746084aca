/**
 * Typed client of the Defacto lending API. Every response is checked against its wire schema; every
 * failure is a {@link DefactoError} subclass. By default it never retries (Temporal owns retries);
 * `retry: 'standalone'` enables capped exponential back-off driven by the same `classify`.
 */
import { inspect } from 'node:util';
import type { z } from 'zod';
import type { Logger } from '../logging';
import { onboardingMethods, type OnboardingMethods } from './onboarding-client';
import { paginate, type Paginated } from './pagination';
import { installmentPlanMethods, recollectionMethods, type InstallmentPlanMethods, type RecollectionMethods } from './recollection-client';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './retry-policy';
import { createTransport, safeBaseUrl, type QueryParams, type Send } from './transport';
import {
  AccountingEventSchema, ApiBorrowerSchema, CounterpartyWithExposureSchema, BorrowerFinancialProductSchema, LoanDocumentsLinkSchema, OwnerCreatedSchema,
  RepaymentMethodSchema, ApiCreditLineSchema, ApiInstallmentSchema, ApiInvoiceSchema, ApiPostBorrowerSchema,
  ApiTenantCreditLineSchema, DenialCodeListSchema, EligibilityResponseSchema, GeneratedInvoiceSchema, IbanGeneratedSchema,
  LoanApiEventSchema, LoanApiSchema, MinimalLoanApiSchema, pageSchema, PaymentApiSchema, RepayNowResponseSchema,
  TranslationSchema, WebhookSchema,
  type AccountingEvent, type AccountingEventType, type ApiBorrower, type ApiCreditLine, type ApiInstallment, type ApiInvoice,
  type ApiPostBorrower, type ApiPostLoan, type ApiTenantCreditLine, type BusinessEligibleParams, type Country, type CreateWebhook,
  type DenialCode, type EligibilityRequest, type EligibilityResponse, type GeneratedInvoice, type GenerateInvoiceRequest,
  type IbanGenerated, type InvoiceCreation, type InvoicePatch, type InvoiceStatus, type LoanApi, type LoanApiEvent, type LoanPatch,
  type LoanStatus, type MinimalLoanApi, type Page, type PaymentApi, type PaymentStatus, type PaymentType, type RepayNowRequest,
  type RepayNowResponse, type Scenario, type BorrowerFinancialProduct, type FetchLoanDocuments, type OwnerCreated,
  type OwnerCreation, type CounterpartyExplicitCreation, type CounterpartyWithExposure, type RelationType, type IdentifierType,
  type RepaymentMethod, type RepaymentMethodCreation, type SetRepaymentTerms, type SignBorrowerRequest, type Translation, type Webhook,
} from './wire';

/** Settings of a {@link DefactoClient}. */
export interface DefactoClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request total in milliseconds (default 30 000); phase timeouts are derived from it. */
  timeoutMs?: number;
  /** `'none'` (default): Temporal owns retries. `'standalone'`: retry transient failures in-process. */
  retry?: 'none' | 'standalone';
  /** Tuning of the standalone mode (defaults: {@link DEFAULT_BACKOFF}). */
  backoff?: Partial<BackoffPolicy>;
  logger?: Logger;
}

/** Filters of `GET /borrowers`. */
export interface BorrowerListQuery {
  borrower_id?: string[] | undefined; borrower_identifier?: string | undefined;
  from_signed_at?: string | undefined; to_signed_at?: string | undefined; page_size?: number | undefined;
}
/** Filters of `GET /invoices`. */
export interface InvoiceListQuery {
  buyer?: string[] | undefined; seller?: string[] | undefined; invoice_id?: string[] | undefined;
  status?: InvoiceStatus[] | undefined; linked_to_loan?: boolean | undefined; query?: string | undefined;
  page_size?: number | undefined;
}
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
/** Paging of `GET /webhooks` (the API declares no filters). */
export interface WebhookListQuery { page_size?: number | undefined }
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
/** Filters of `GET /counterparties`. */
export interface CounterpartyListQuery {
  identifier?: string | undefined; identifier_type?: IdentifierType | undefined; business_name?: string | undefined;
  relation_types?: RelationType[] | undefined; selected_for_financing?: boolean | undefined; page_size?: number | undefined;
}
/** A PDF to upload with `POST /invoices/upload`; `buyer`/`seller` as `SIREN-899021021`. */
export interface InvoiceUpload {
  file: Uint8Array; filename?: string | undefined; metadata?: Record<string, unknown> | undefined;
  buyer?: string | undefined; seller?: string | undefined;
}
/** Fields of `PATCH /webhook/{webhook_id}` (any subset). */
export type WebhookPatch = { [K in keyof CreateWebhook]?: CreateWebhook[K] | undefined };

const BorrowerPage = pageSchema(ApiBorrowerSchema);
const InvoicePage = pageSchema(ApiInvoiceSchema);
const LoanPage = pageSchema(MinimalLoanApiSchema);
const LoanEventPage = pageSchema(LoanApiEventSchema);
const PaymentPage = pageSchema(PaymentApiSchema);
const CreditLinePage = pageSchema(ApiCreditLineSchema);
const WebhookPage = pageSchema(WebhookSchema);
const AccountingEventPage = pageSchema(AccountingEventSchema);
const CounterpartyPage = pageSchema(CounterpartyWithExposureSchema);
const RepaymentMethodPage = pageSchema(RepaymentMethodSchema);
const FinancialProductPage = pageSchema(BorrowerFinancialProductSchema);
const LoanApiPage = pageSchema(LoanApiSchema);
const InstallmentPage = pageSchema(ApiInstallmentSchema);

/** Typed client of the Defacto API; the API key is unreachable from outside (not inspectable, not serialisable). */
export class DefactoClient {
  readonly #send: Send;
  readonly #description: { baseUrl: string; timeoutMs: number; retry: 'none' | 'standalone' };

  /** Sandbox-only helpers (fake businesses, scenario IBANs and invoices, forced eligibility). */
  readonly sandbox: {
    generateBusiness(q?: { country?: Country; isBorrower?: boolean }): Promise<ApiPostBorrower>;
    generateIban(q?: { country?: Country; scenario?: Scenario }): Promise<IbanGenerated>;
    generateInvoice(body?: GenerateInvoiceRequest): Promise<GeneratedInvoice>;
    setBusinessEligibility(body: BusinessEligibleParams): Promise<void>;
  };
  /** Borrower enrolment, signature and look-up by company number. */
  readonly borrowers: {
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
  };
  /** Invoices and look-up by invoice number. */
  readonly invoices: {
    create(body: InvoiceCreation): Promise<ApiInvoice>;
    get(id: string): Promise<ApiInvoice>;
    list(q?: InvoiceListQuery): Paginated<ApiInvoice>;
    update(id: string, patch: InvoicePatch): Promise<ApiInvoice>;
    delete(id: string): Promise<ApiInvoice>;
    submit(id: string, patch?: InvoicePatch): Promise<ApiInvoice>;
    /** Multipart upload of a PDF; Defacto extracts what it can into a draft. Not idempotent. */
    upload(upload: InvoiceUpload): Promise<ApiInvoice>;
    findByNumber(invoiceNumber: string): Promise<ApiInvoice | undefined>;
  };
  /** Loan requests (idempotent on `salt_id`), consent, cancellation, activity log. */
  readonly loans: {
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
  };
  /** Disbursements and repayments. */
  readonly payments: { list(q?: PaymentListQuery): Paginated<PaymentApi> };
  /** Credit lines of the partner and its borrowers. */
  readonly creditLines: {
    list(q?: CreditLineListQuery): Paginated<ApiCreditLine>;
    /** `GET /credit_line` (deprecated): the partner's own line. */
    partner(): Promise<ApiTenantCreditLine>;
    /** `GET /credit_line/{id}` (deprecated), optionally as it was `at` a date-time. */
    get(id: string, at?: string): Promise<ApiCreditLine>;
  };
  /** Pre-eligibility of a business, and the denial codes with their translations. */
  readonly eligibility: {
    borrower(body: EligibilityRequest): Promise<EligibilityResponse>;
    beneficiary(body: EligibilityRequest): Promise<EligibilityResponse>;
    reasons(): Promise<DenialCode[]>;
    translateDenialCode(code: string): Promise<Translation>;
  };
  /** The businesses the partner's borrowers trade with, and their credit limits. */
  readonly counterparties: {
    /** `POST /counterparties`: creates it, or merges the relation types into the existing one (same identifier). */
    create(body: CounterpartyExplicitCreation): Promise<CounterpartyWithExposure>;
    get(id: string): Promise<CounterpartyWithExposure>;
    list(q?: CounterpartyListQuery): Paginated<CounterpartyWithExposure>;
  };
  /** Accounting events (`GET /events`). */
  readonly accountingEvents: { list(q?: AccountingEventListQuery): Paginated<AccountingEvent> };
  /** Repayment instalments and the pay-by-link for an early repayment. */
  readonly repayments: {
    installments(q?: InstallmentListQuery): Paginated<ApiInstallment>;
    /** `POST /repay/now`: a link the borrower follows to pay `amount` cents now. Not idempotent: each call makes a new link. */
    repayNow(body: RepayNowRequest): Promise<RepayNowResponse>;
  };
  /** Onboardings through Defacto's tunnel and public business data (`onboarding-client.ts`). */
  readonly onboardings: OnboardingMethods;
  /** Recollection cases and their installment plans (`recollection-client.ts`). */
  readonly recollection: RecollectionMethods;
  /** Installment plans (`POST /installment-plans`, `GET /installment-plan/{id}`). */
  readonly installmentPlans: InstallmentPlanMethods;
  /** Webhook subscriptions and look-up by URL. */
  readonly webhooks: {
    create(body: CreateWebhook): Promise<Webhook>;
    list(q?: WebhookListQuery): Paginated<Webhook>;
    update(id: string, patch: WebhookPatch): Promise<Webhook>;
    delete(id: string): Promise<void>;
    findByUrl(url: string): Promise<Webhook | undefined>;
  };

  constructor(options: DefactoClientOptions) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const retry = options.retry ?? 'none';
    this.#description = { baseUrl: safeBaseUrl(options.baseUrl), timeoutMs, retry };
    const send = createTransport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs,
      retry,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      logger: options.logger,
    });
    this.#send = send;
    const json = <T>(schema: z.ZodType<T>, name: string) => ({ kind: 'json' as const, schema, name });
    const list = <T>(pathTemplate: string, schema: z.ZodType<Page<T>>, name: string, query: QueryParams = {}): Paginated<T> =>
      paginate(
        (cursor) => send({ method: 'GET', pathTemplate, query: { ...query, cursor }, response: json(schema, name), idempotent: true }),
        { method: 'GET', pathTemplate },
      );

    this.sandbox = {
      generateBusiness: (q = {}) =>
        send({
          method: 'GET', pathTemplate: '/sandbox/business-generator', query: { country: q.country, is_borrower: q.isBorrower },
          response: json(ApiPostBorrowerSchema, 'APIPostBorrower'), idempotent: true,
        }),
      generateIban: (q = {}) =>
        send({
          method: 'GET', pathTemplate: '/sandbox/iban-generator', query: { country: q.country, scenario: q.scenario },
          response: json(IbanGeneratedSchema, 'GenerateIbanResponse'), idempotent: true,
        }),
      generateInvoice: (body = {}) =>
        send({
          method: 'POST', pathTemplate: '/sandbox/invoice-generator', body,
          response: json(GeneratedInvoiceSchema, 'GeneratedInvoice'), idempotent: true,
        }),
      setBusinessEligibility: (body) =>
        send({ method: 'POST', pathTemplate: '/sandbox/business-eligible', body, response: { kind: 'empty' }, idempotent: true }),
    };

    this.borrowers = {
      create: (body) =>
        send({ method: 'POST', pathTemplate: '/borrowers', body, response: json(ApiBorrowerSchema, 'APIBorrower'), idempotent: false }),
      get: (id) =>
        send({
          method: 'GET', pathTemplate: '/borrower/{borrower_id}', params: { borrower_id: id },
          response: json(ApiBorrowerSchema, 'APIBorrower'), idempotent: true,
        }),
      list: (q = {}) => list('/borrowers', BorrowerPage, 'page of APIBorrower', { ...q }),
      sign: (id, body) =>
        send({
          method: 'POST', pathTemplate: '/borrower/{borrower_id}/sign', params: { borrower_id: id }, body,
          response: json(ApiBorrowerSchema, 'APIBorrower'), idempotent: true,
        }),
      deactivate: (id) =>
        send({
          method: 'POST', pathTemplate: '/borrower/{borrower_id}/deactivate', params: { borrower_id: id },
          response: { kind: 'empty' }, idempotent: true,
        }),
      createOwner: (id, owner) =>
        send({
          method: 'POST', pathTemplate: '/borrower/{borrower_id}/owner', params: { borrower_id: id }, body: owner,
          response: json(OwnerCreatedSchema, 'APIOwnerCreatedResponse'), idempotent: false,
        }),
      repaymentMethods: (id) => paginate(
        (cursor) => send({
          method: 'GET', pathTemplate: '/borrower/{borrower_id}/repayment-methods', params: { borrower_id: id }, query: { cursor },
          response: json(RepaymentMethodPage, 'page of APIRepaymentMethodDetails'), idempotent: true,
        }),
        { method: 'GET', pathTemplate: '/borrower/{borrower_id}/repayment-methods' },
      ),
      addRepaymentMethod: (id, body) =>
        send({
          method: 'POST', pathTemplate: '/borrower/{borrower_id}/repayment-methods', params: { borrower_id: id }, body,
          response: json(RepaymentMethodSchema, 'APIRepaymentMethodDetails'), idempotent: false,
        }),
      financialProducts: (id) => paginate(
        (cursor) => send({
          method: 'GET', pathTemplate: '/borrower/{borrower_id}/financial-products', params: { borrower_id: id }, query: { cursor },
          response: json(FinancialProductPage, 'page of ApiBorrowerFinancialProduct'), idempotent: true,
        }),
        { method: 'GET', pathTemplate: '/borrower/{borrower_id}/financial-products' },
      ),
      // The server-side filter is trusted for paging only; the exact match is checked here.
      findByIdentifier: (identifier) =>
        findFirst(list('/borrowers', BorrowerPage, 'page of APIBorrower', { borrower_identifier: identifier }),
          (b) => b.identifier === identifier),
    };

    this.invoices = {
      create: (body) =>
        send({ method: 'POST', pathTemplate: '/invoices', body, response: json(ApiInvoiceSchema, 'APIInvoice'), idempotent: false }),
      get: (id) =>
        send({
          method: 'GET', pathTemplate: '/invoice/{invoice_id}', params: { invoice_id: id },
          response: json(ApiInvoiceSchema, 'APIInvoice'), idempotent: true,
        }),
      list: (q = {}) => list('/invoices', InvoicePage, 'page of APIInvoice', { ...q }),
      update: (id, patch) =>
        send({
          method: 'PATCH', pathTemplate: '/invoice/{invoice_id}', params: { invoice_id: id }, body: patch,
          response: json(ApiInvoiceSchema, 'APIInvoice'), idempotent: true,
        }),
      delete: (id) =>
        send({
          method: 'DELETE', pathTemplate: '/invoice/{invoice_id}', params: { invoice_id: id },
          response: json(ApiInvoiceSchema, 'APIInvoice'), idempotent: true,
        }),
      submit: (id, patch) =>
        send({
          method: 'POST', pathTemplate: '/invoice/{invoice_id}/submit', params: { invoice_id: id }, body: patch,
          response: json(ApiInvoiceSchema, 'APIInvoice'), idempotent: true,
        }),
      upload: (upload) => {
        const form = new FormData();
        form.append('file', new Blob([upload.file], { type: 'application/pdf' }), upload.filename ?? 'invoice.pdf');
        if (upload.metadata !== undefined) form.append('metadata', JSON.stringify(upload.metadata));
        return send({
          method: 'POST', pathTemplate: '/invoices/upload', query: { buyer: upload.buyer, seller: upload.seller }, form,
          response: json(ApiInvoiceSchema, 'APIInvoice'), idempotent: false,
        });
      },
      // `query` is a free-text search (it may also match amounts or names): keep exact number matches,
      // and ignore deleted invoices, which do not block creating the invoice again.
      findByNumber: (invoiceNumber) =>
        findFirst(list('/invoices', InvoicePage, 'page of APIInvoice', { query: invoiceNumber }),
          (i) => i.invoice_number === invoiceNumber && i.status !== 'DELETED'),
    };

    this.loans = {
      // Idempotent only with a salt_id: Defacto then returns the existing loan instead of a twin.
      request: (body) =>
        send({
          method: 'POST', pathTemplate: '/loans', body, response: json(LoanApiSchema, 'LoanAPI'),
          idempotent: typeof body.salt_id === 'string' && body.salt_id !== '',
        }),
      get: (id) =>
        send({
          method: 'GET', pathTemplate: '/loan/{loan_id}', params: { loan_id: id },
          response: json(LoanApiSchema, 'LoanAPI'), idempotent: true,
        }),
      list: (q = {}) => list('/loans', LoanPage, 'page of MinimalLoanAPI', { ...q }),
      update: (id, patch) =>
        send({
          method: 'PATCH', pathTemplate: '/loan/{loan_id}', params: { loan_id: id }, body: patch,
          response: json(LoanApiSchema, 'LoanAPI'), idempotent: true,
        }),
      // One page holds every loan of the request (at most the terms sent).
      setRepaymentTerms: async (body) =>
        (await send({
          method: 'PUT', pathTemplate: '/loan/repayment-terms', body, response: json(LoanApiPage, 'page of LoanAPI'), idempotent: true,
        })).data,
      documentsLink: (documentType, body) =>
        send({
          method: 'POST', pathTemplate: '/loan/documents/{document_type}', params: { document_type: documentType }, body,
          response: json(LoanDocumentsLinkSchema, 'ApiLoanDocuments'), idempotent: true,
        }),
      page: (q = {}) =>
        send({ method: 'GET', pathTemplate: '/loans', query: { ...q }, response: json(LoanPage, 'page of MinimalLoanAPI'), idempotent: true }),
      validate: (id) =>
        send({
          method: 'POST', pathTemplate: '/loan/{loan_id}/validate', params: { loan_id: id },
          response: json(LoanApiSchema, 'LoanAPI'), idempotent: true,
        }),
      cancel: (id) =>
        send({
          method: 'POST', pathTemplate: '/loan/{loan_id}/cancel', params: { loan_id: id },
          response: json(LoanApiSchema, 'LoanAPI'), idempotent: true,
        }),
      events: (id) =>
        paginate(
          (cursor) =>
            send({
              method: 'GET', pathTemplate: '/loan/{loan_id}/events', params: { loan_id: id }, query: { cursor },
              response: json(LoanEventPage, 'page of LoanApiEvent'), idempotent: true,
            }),
          { method: 'GET', pathTemplate: '/loan/{loan_id}/events' },
        ).all(),
    };

    this.payments = { list: (q = {}) => list('/payments', PaymentPage, 'page of PaymentApi', { ...q }) };
    this.creditLines = {
      list: (q = {}) => list('/credit_lines', CreditLinePage, 'page of APICreditLine', { ...q }),
      partner: () =>
        send({ method: 'GET', pathTemplate: '/credit_line', response: json(ApiTenantCreditLineSchema, 'APITenantCreditLine'), idempotent: true }),
      get: (id, at) =>
        send({
          method: 'GET', pathTemplate: '/credit_line/{credit_line_id}', params: { credit_line_id: id }, query: { at },
          response: json(ApiCreditLineSchema, 'APICreditLine'), idempotent: true,
        }),
    };

    // Eligibility checks only read: safe to replay.
    this.eligibility = {
      borrower: (body) =>
        send({
          method: 'POST', pathTemplate: '/eligibility/borrower', body,
          response: json(EligibilityResponseSchema, 'SimpleEligibilityResponse'), idempotent: true,
        }),
      beneficiary: (body) =>
        send({
          method: 'POST', pathTemplate: '/eligibility/beneficiary', body,
          response: json(EligibilityResponseSchema, 'SimpleEligibilityResponse'), idempotent: true,
        }),
      reasons: () =>
        send({ method: 'GET', pathTemplate: '/eligibility/reasons', response: json(DenialCodeListSchema, 'ListDenialCode[]'), idempotent: true }),
      translateDenialCode: (code) =>
        send({
          method: 'GET', pathTemplate: '/translation/denial-code/{code}', params: { code },
          response: json(TranslationSchema, 'TranslationResult'), idempotent: true,
        }),
    };
    this.counterparties = {
      create: (body) =>
        send({
          method: 'POST', pathTemplate: '/counterparties', body,
          response: json(CounterpartyWithExposureSchema, 'APICounterpartyWithExposure'), idempotent: true,
        }),
      get: (id) =>
        send({
          method: 'GET', pathTemplate: '/counterparty/{counterparty_id}', params: { counterparty_id: id },
          response: json(CounterpartyWithExposureSchema, 'APICounterpartyWithExposure'), idempotent: true,
        }),
      list: (q = {}) => list('/counterparties', CounterpartyPage, 'page of APICounterpartyWithExposure', { ...q }),
    };
    this.accountingEvents = { list: (q = {}) => list('/events', AccountingEventPage, 'page of ApiEvent', { ...q }) };
    this.repayments = {
      installments: (q = {}) => list('/installments', InstallmentPage, 'page of APIInstallment', { ...q }),
      repayNow: (body) =>
        send({ method: 'POST', pathTemplate: '/repay/now', body, response: json(RepayNowResponseSchema, 'RepayNowResponse'), idempotent: false }),
    };
    this.onboardings = onboardingMethods(send);
    this.recollection = recollectionMethods(send);
    this.installmentPlans = installmentPlanMethods(send);

    this.webhooks = {
      create: (body) =>
        send({ method: 'POST', pathTemplate: '/webhooks', body, response: json(WebhookSchema, 'Webhook'), idempotent: false }),
      list: (q = {}) => list('/webhooks', WebhookPage, 'page of Webhook', { ...q }),
      update: (id, patch) =>
        send({
          method: 'PATCH', pathTemplate: '/webhook/{webhook_id}', params: { webhook_id: id }, body: patch,
          response: json(WebhookSchema, 'Webhook'), idempotent: true,
        }),
      delete: (id) =>
        send({
          method: 'DELETE', pathTemplate: '/webhook/{webhook_id}', params: { webhook_id: id },
          response: { kind: 'empty' }, idempotent: true,
        }),
      findByUrl: (url) => findFirst(list('/webhooks', WebhookPage, 'page of Webhook'), (w) => w.to_url === url),
    };
  }

  /** `GET /hello`: checks connectivity and the API key; returns Defacto's greeting. */
  hello(): Promise<string> {
    return this.#send({ method: 'GET', pathTemplate: '/hello', response: { kind: 'text' }, idempotent: true });
  }

  /** Safe description for `JSON.stringify`: base URL, timeout and retry mode; never the key. */
  toJSON(): { baseUrl: string; timeoutMs: number; retry: 'none' | 'standalone' } {
    return { ...this.#description };
  }

  /** Safe description for `util.inspect` / `console.log`; never the key. */
  [inspect.custom](): string {
    return `DefactoClient ${JSON.stringify(this.#description)}`;
  }
}

/** The first item of `items` satisfying `match`, stopping the paging as soon as it is found. */
async function findFirst<T>(items: AsyncIterable<T>, match: (item: T) => boolean): Promise<T | undefined> {
  for await (const item of items) if (match(item)) return item;
  return undefined;
}
