/**
 * Contract tests over real HTTP: one walk through every operation the emulator emulates; every answer
 * (successes and problem bodies) is parsed with the client's wire schema, and any field the schema does
 * not know is flagged (the client's schemas strip unknown keys, so drift would otherwise go unseen).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  AccountingEventSchema, ApiBorrowerSchema, ApiCreditLineSchema, ApiInstallmentSchema, ApiInvoiceSchema, ApiPostBorrowerSchema,
  ApiTenantCreditLineSchema, DenialCodeListSchema, EligibilityResponseSchema, GeneratedInvoiceSchema, IbanGeneratedSchema,
  LoanApiEventSchema, LoanApiSchema, MinimalLoanApiSchema, pageSchema, PaymentApiSchema, ProblemSchema, RepayNowResponseSchema,
  TranslationSchema, WebhookSchema, BorrowerFinancialProductSchema, LoanDocumentsLinkSchema, OwnerCreatedSchema,
  RepaymentMethodSchema, CounterpartyWithExposureSchema, BusinessSearchResultListSchema, InstallmentPlanSchema, OnboardingSchema,
  RecollectionCaseSchema, RecollectionInstallmentPlanCreatedSchema, RecollectionInstallmentPlanSchema, type ApiPostBorrower,
  type GeneratedInvoice, type LoanApi, type RecollectionInstallmentPlan,
} from '../../src/defacto/wire';
import { OPERATIONS } from '../../src/emulator/operations';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';

/** Paths of `raw` that `parsed` lost: fields the schema does not declare. */
export function unknownFields(raw: unknown, parsed: unknown, path = ''): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) return raw.flatMap((item, i) => unknownFields(item, parsed[i], `${path}[${i}]`));
  if (raw === null || typeof raw !== 'object' || parsed === null || typeof parsed !== 'object') return [];
  return Object.entries(raw as Record<string, unknown>).flatMap(([key, value]) =>
    (key in (parsed as object) ? unknownFields(value, (parsed as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}`]));
}

interface Checked { readonly operation: string; readonly status: number; readonly problems: string[] }

describe('every emulator response passes the client wire schemas, with no unknown field', () => {
  let emulator: RunningEmulator;
  const checked: Checked[] = [];
  const key = `contract-${randomUUID()}`;

  /** Calls `operation` at `path` and checks the answer with `schema` (problem bodies with ProblemSchema). */
  async function call<T>(operation: string, path: string, schema: z.ZodType | 'empty' | 'text', body?: unknown): Promise<T> {
    const method = operation.split(' ')[0]!;
    const form = body instanceof FormData;
    const response = await fetch(`${emulator.url}${path}`, {
      method, headers: { authorization: `Bearer ${key}`, ...(body === undefined || form ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: form ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    const problems: string[] = [];
    let value: unknown;
    if (response.status >= 400 || (schema !== 'empty' && schema !== 'text')) {
      const json = JSON.parse(text) as unknown;
      const used: z.ZodType = response.status >= 400 || schema === 'empty' || schema === 'text' ? ProblemSchema : schema;
      const result = used.safeParse(json);
      if (!result.success) problems.push(...result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      else problems.push(...unknownFields(json, result.data).map((p) => `unknown field ${p}`));
      value = result.success ? result.data : json;
    } else if (schema === 'empty' && text !== '') problems.push('expected an empty body');
    checked.push({ operation, status: response.status, problems });
    return value as T;
  }
  const page = <T extends z.ZodType>(item: T) => pageSchema(item);

  beforeAll(async () => {
    emulator = await startEmulator({ repayment: 'production' });
  });
  afterAll(() => emulator.close());

  it('walks the lending flow through every emulated operation', async () => {
    await call('GET /hello', '/hello', 'text');
    const business = await call<ApiPostBorrower>('GET /sandbox/business-generator', '/sandbox/business-generator?is_borrower=true', ApiPostBorrowerSchema);
    await call('GET /sandbox/iban-generator', '/sandbox/iban-generator?scenario=SUCCESS', IbanGeneratedSchema);
    const other = await call<ApiPostBorrower>('GET /sandbox/business-generator', '/sandbox/business-generator', ApiPostBorrowerSchema);
    await call('POST /sandbox/business-eligible', '/sandbox/business-eligible', 'empty',
      { business_identifier: { identifier: other.identifier, identifier_type: 'siren' }, scenario: 'NOT_ELIGIBLE' });
    await call('POST /eligibility/borrower', '/eligibility/borrower', EligibilityResponseSchema, { identifier: business.identifier, identifier_type: 'siren' });
    await call('POST /eligibility/beneficiary', '/eligibility/beneficiary', EligibilityResponseSchema, { identifier: other.identifier, identifier_type: 'siren' });
    await call('GET /eligibility/reasons', '/eligibility/reasons', DenialCodeListSchema);
    await call('GET /translation/denial-code/{code}', '/translation/denial-code/BUSINESS_UNKNOWN', TranslationSchema);
    await call('GET /translation/denial-code/{code}', '/translation/denial-code/NOPE', TranslationSchema);

    const { signed_at: _unsigned, ...toSign } = business;
    const borrower = await call<{ id: string }>('POST /borrowers', '/borrowers', ApiBorrowerSchema, toSign);
    await call('POST /borrowers', '/borrowers', ApiBorrowerSchema, { identifier: 'has spaces 1' });
    await call('GET /borrowers', `/borrowers?borrower_identifier=${business.identifier}`, page(ApiBorrowerSchema));
    await call('GET /borrower/{borrower_id}', `/borrower/${borrower.id}`, ApiBorrowerSchema);
    await call('GET /borrower/{borrower_id}', `/borrower/${randomUUID()}`, ApiBorrowerSchema);
    await call('POST /borrower/{borrower_id}/sign', `/borrower/${borrower.id}/sign`, ApiBorrowerSchema,
      { signed_at: new Date().toISOString(), wait_for_ready: true });

    await call('POST /borrower/{borrower_id}/owner', `/borrower/${borrower.id}/owner`, OwnerCreatedSchema, { first_name: 'A', last_name: 'B', email: 'a@b.c' });
    await call('GET /borrower/{borrower_id}/repayment-methods', `/borrower/${borrower.id}/repayment-methods`, page(RepaymentMethodSchema));
    await call('POST /borrower/{borrower_id}/repayment-methods', `/borrower/${borrower.id}/repayment-methods`, RepaymentMethodSchema,
      { payment_method: 'DIRECT_DEBIT', apply_to_all_active_loans: false, is_default_repayment_method: false });
    await call('POST /borrower/{borrower_id}/repayment-methods', `/borrower/${borrower.id}/repayment-methods`, RepaymentMethodSchema,
      { payment_method: 'SCT', apply_to_all_active_loans: true, is_default_repayment_method: true });
    await call('GET /borrower/{borrower_id}/financial-products', `/borrower/${borrower.id}/financial-products`, page(BorrowerFinancialProductSchema));

    const seller = { identifier: business.identifier, identifier_type: 'siren', name: business.name };
    const generated = await call<GeneratedInvoice>('POST /sandbox/invoice-generator', '/sandbox/invoice-generator', GeneratedInvoiceSchema, { seller });
    const invoice = generated.invoice_creation_payload;
    const draft = await call<{ id: string }>('POST /invoices', '/invoices', ApiInvoiceSchema, { document: invoice.document, is_draft: true });
    await call('PATCH /invoice/{invoice_id}', `/invoice/${draft.id}`, ApiInvoiceSchema, { total_amount: 1_000 });
    await call('GET /invoice/{invoice_id}', `/invoice/${draft.id}`, ApiInvoiceSchema);
    await call('POST /invoice/{invoice_id}/submit', `/invoice/${draft.id}/submit`, ApiInvoiceSchema);
    await call('DELETE /invoice/{invoice_id}', `/invoice/${draft.id}`, ApiInvoiceSchema);
    const second = await call<GeneratedInvoice>('POST /sandbox/invoice-generator', '/sandbox/invoice-generator', GeneratedInvoiceSchema, { seller });
    const draft2 = await call<{ id: string }>('POST /invoices', '/invoices', ApiInvoiceSchema, { ...second.invoice_creation_payload, is_draft: true });
    await call('POST /invoice/{invoice_id}/submit', `/invoice/${draft2.id}/submit`, ApiInvoiceSchema);
    await call('DELETE /invoice/{invoice_id}', `/invoice/${draft2.id}`, ApiInvoiceSchema);
    await call('GET /invoices', '/invoices?linked_to_loan=false', page(ApiInvoiceSchema));

    const form = new FormData();
    form.append('file', new Blob([Buffer.from(invoice.document, 'base64')], { type: 'application/pdf' }), 'invoice.pdf');
    await call('POST /invoices/upload', '/invoices/upload?seller=SIREN-123456789', ApiInvoiceSchema, form);
    await call('POST /invoices/upload', '/invoices/upload', ApiInvoiceSchema);

    const loan = await call<LoanApi>('POST /loans', '/loans', LoanApiSchema, { invoices: [invoice], salt_id: randomUUID(), wait_for_validation: true });
    await call('PATCH /loan/{loan_id}', `/loan/${loan.id}`, LoanApiSchema, { metadata: { order: 'A-1' } });
    await call('POST /loan/{loan_id}/validate', `/loan/${loan.id}/validate`, LoanApiSchema);
    await call('POST /loan/{loan_id}/validate', `/loan/${loan.id}/validate`, LoanApiSchema);
    await call('GET /loans', '/loans?sort_by=to_repay_at:asc', page(MinimalLoanApiSchema));
    await call('GET /loan/{loan_id}', `/loan/${loan.id}`, LoanApiSchema);
    await call('GET /loan/{loan_id}/events', `/loan/${loan.id}/events`, page(LoanApiEventSchema));
    await call('POST /loan/{loan_id}/cancel', `/loan/${loan.id}/cancel`, LoanApiSchema);
    const third = await call<GeneratedInvoice>('POST /sandbox/invoice-generator', '/sandbox/invoice-generator', GeneratedInvoiceSchema, { seller });
    const cancelled = await call<LoanApi>('POST /loans', '/loans', LoanApiSchema,
      { invoices: [third.invoice_creation_payload], salt_id: randomUUID(), wait_for_validation: true });
    await call('POST /loan/{loan_id}/cancel', `/loan/${cancelled.id}/cancel`, LoanApiSchema);

    await expect.poll(async () => (await call<LoanApi>('GET /loan/{loan_id}', `/loan/${loan.id}`, LoanApiSchema)).status).toBe('TO_REPAY');
    await call('GET /payments', `/payments?loan_id=${loan.id}`, page(PaymentApiSchema));
    await call('GET /installments', `/installments?loan_ids=${loan.id}`, page(ApiInstallmentSchema));
    await call('GET /events', `/events?loan_id=${loan.id}`, page(AccountingEventSchema));
    const lines = await call<{ data: { id: string }[] }>('GET /credit_lines', '/credit_lines', page(ApiCreditLineSchema));
    await call('GET /credit_line', '/credit_line', ApiTenantCreditLineSchema);
    await call('GET /credit_line/{credit_line_id}', `/credit_line/${lines.data[0]!.id}`, ApiCreditLineSchema);
    await call('POST /loan/documents/{document_type}', '/loan/documents/invoice', LoanDocumentsLinkSchema, { loan_ids: [loan.id] });
    await call('POST /loan/documents/{document_type}', '/loan/documents/selfie', LoanDocumentsLinkSchema, { loan_ids: [loan.id] });
    await call('PUT /loan/repayment-terms', '/loan/repayment-terms', page(LoanApiSchema), { repayment_terms: [{
      loan_id: loan.id, repayment_method: 'SCT', repayment_date: new Date(Date.parse((await call<LoanApi>('GET /loan/{loan_id}', `/loan/${loan.id}`, LoanApiSchema)).to_repay_at) + 86_400_000).toISOString(),
    }] });
    const current = await call<LoanApi>('GET /loan/{loan_id}', `/loan/${loan.id}`, LoanApiSchema);
    await call('POST /repay/now', '/repay/now', RepayNowResponseSchema, { amount: 1, base_callback_url: 'https://partner.example/back' });
    await call('POST /repay/now', '/repay/now', RepayNowResponseSchema,
      { amount: current.amount + (current.fees_ongoing ?? 0), base_callback_url: 'https://partner.example/back' });

    const counterparty = await call<{ id: string }>('POST /counterparties', '/counterparties', CounterpartyWithExposureSchema,
      { identifier: '552100554', identifier_type: 'siren', relation_types: ['CLIENT'] });
    await call('POST /counterparties', '/counterparties', CounterpartyWithExposureSchema, { identifier: '552100554', identifier_type: 'siren', relation_types: [] });
    await call('GET /counterparties', '/counterparties?relation_types=DEBTOR', page(CounterpartyWithExposureSchema));
    await call('GET /counterparty/{counterparty_id}', `/counterparty/${counterparty.id}`, CounterpartyWithExposureSchema);

    const newcomer = await call<ApiPostBorrower>('GET /sandbox/business-generator', '/sandbox/business-generator', ApiPostBorrowerSchema);
    const newcomerId = { identifier: newcomer.identifier, identifier_type: 'siren' };
    const onboarding = await call<{ id: string }>('POST /onboardings', '/onboardings', OnboardingSchema,
      { preferred_language: 'fr', business: newcomerId, redirect_url: 'https://partner.example/onboarded', email: 'owner@example.com' });
    await call('POST /onboardings', '/onboardings', OnboardingSchema, { preferred_language: 'fr', business: newcomerId });
    await call('POST /onboardings', '/onboardings', OnboardingSchema, { preferred_language: 'fr' });
    await call('GET /onboarding/{onboarding_id}', `/onboarding/${onboarding.id}`, OnboardingSchema);
    expect((await fetch(`${emulator.url}/_emulator/onboarding/continue/${onboarding.id}`, { redirect: 'manual' })).status).toBe(303);
    await call('GET /onboarding/{onboarding_id}', `/onboarding/${onboarding.id}`, OnboardingSchema);
    await call('POST /onboardings', '/onboardings', OnboardingSchema, { preferred_language: 'fr', business: newcomerId });
    await call('GET /onboarding/{onboarding_id}', `/onboarding/${randomUUID()}`, OnboardingSchema);
    await call('GET /business/public-data', `/business/public-data?identifier=${business.identifier}`, BusinessSearchResultListSchema);
    await call('GET /business/public-data', '/business/public-data?identifier=HRB4711&identifier_type=hr_nummer', BusinessSearchResultListSchema);
    await call('GET /business/public-data', '/business/public-data', BusinessSearchResultListSchema);

    const debtor = { identifier: business.identifier, identifier_type: 'siren' };
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const recollection = await call<{ id: string }>('POST /recollection-cases', '/recollection-cases', RecollectionCaseSchema,
      { agent: 'Ada', debtor_business: debtor, loan_ids: [loan.id], next_action: { action_name: 'call', due_at: tomorrow, short_description: 'first call' } });
    await call('POST /recollection-cases', '/recollection-cases', RecollectionCaseSchema,
      { agent: 'Ada', debtor_business: debtor, loan_ids: [randomUUID()], next_action: { action_name: 'call', due_at: tomorrow } });
    await call('GET /recollection-cases', `/recollection-cases?identifier=${business.identifier}&identifier_type=siren`, page(RecollectionCaseSchema));
    await call('GET /recollection-cases', '/recollection-cases', page(RecollectionCaseSchema));
    await call('GET /recollection-case/{recollection_case_id}', `/recollection-case/${recollection.id}`, RecollectionCaseSchema);
    await call('GET /recollection-case/{recollection_case_id}', `/recollection-case/${randomUUID()}`, RecollectionCaseSchema);
    await call('PUT /recollection-case/{recollection_case_id}', `/recollection-case/${recollection.id}`, RecollectionCaseSchema, { recollection_notes: { promised: 'Friday' } });
    const proposal = await call<RecollectionInstallmentPlan>('POST /recollection-case/{recollection_case_id}/installment-plans/compute',
      `/recollection-case/${recollection.id}/installment-plans/compute`, RecollectionInstallmentPlanSchema,
      { number_of_installment: 2, start_date: tomorrow, period: 'biweekly', recollection_fees: 100 });
    const plan = await call<{ installment_plan_id: string }>('POST /recollection-case/{recollection_case_id}/installment-plans',
      `/recollection-case/${recollection.id}/installment-plans`, RecollectionInstallmentPlanCreatedSchema, proposal);
    await call('POST /recollection-case/{recollection_case_id}/installment-plans', `/recollection-case/${recollection.id}/installment-plans`,
      RecollectionInstallmentPlanCreatedSchema, { payment_method: 'SCT', installments: [] });
    await call('GET /installment-plan/{installment_plan_id}', `/installment-plan/${plan.installment_plan_id}`, InstallmentPlanSchema);
    await call('GET /installment-plan/{installment_plan_id}', `/installment-plan/${randomUUID()}`, InstallmentPlanSchema);
    await call('POST /installment-plans', '/installment-plans', InstallmentPlanSchema, {
      payment_method: 'SCT', salt_id: randomUUID(),
      installments: proposal.installments.map(({ recollection_fees: fees, ...rest }) => ({ ...rest, amount: rest.amount - (fees ?? 0), reference: 'plan' })),
    });

    const hook = await call<{ id: string }>('POST /webhooks', '/webhooks', WebhookSchema, { name: 'n', to_url: 'http://127.0.0.1:9/h', event_types: ['Loan.CLOSED'] });
    await call('GET /webhooks', '/webhooks', page(WebhookSchema));
    await call('PATCH /webhook/{webhook_id}', `/webhook/${hook.id}`, WebhookSchema, { name: 'renamed' });
    await call('DELETE /webhook/{webhook_id}', `/webhook/${hook.id}`, 'empty');
    await call('POST /borrower/{borrower_id}/deactivate', `/borrower/${borrower.id}/deactivate`, 'empty');

    // Onboarding and recollection: the walk's successes and refusals are the intended ones.
    expect(checked.filter((c) => /onboarding|public-data|recollection|installment-plan/.test(c.operation)).map((c) => c.status))
      .toEqual([200, 200, 422, 200, 200, 200, 404, 200, 200, 422, 201, 422, 200, 422, 200, 404, 200, 200, 201, 422, 200, 404, 201]);
    const bad = checked.filter((c) => c.problems.length > 0);
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    expect(checked.filter((c) => c.status >= 400).length).toBeGreaterThanOrEqual(5);
  });

  it('the walk covered every emulated operation', () => {
    const covered = new Set(checked.map((c) => c.operation));
    const emulated = OPERATIONS.filter((o) => o.emulated).map((o) => `${o.method} ${o.path}`);
    expect(emulated.filter((o) => !covered.has(o))).toEqual([]);
  });

  it('flags a field the schema does not know', () => {
    const raw = { id: 'x', identifier: '1', surprise: 1, accounts: [{ account_number: 'a', account_number_type: 'iban', bank_identifier: 'b', bank_identifier_type: 'bic', extra: true }] };
    expect(unknownFields(raw, ApiBorrowerSchema.parse(raw))).toEqual(['.surprise', '.accounts[0].extra']);
  });
});
