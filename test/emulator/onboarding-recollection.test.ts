/**
 * Onboardings, the public business registry, recollection cases and installment plans over real HTTP: shapes
 * parsed with the client's wire schemas, state rules, pagination and filters, problems naming the right field.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BusinessSearchResultListSchema, InstallmentPlanSchema, OnboardingSchema, pageSchema, RecollectionCaseSchema,
  RecollectionInstallmentPlanCreatedSchema, RecollectionInstallmentPlanSchema, type ApiBorrower, type ApiPostBorrower, type InstallmentPlan,
  type LoanApi, type Onboarding, type RecollectionInstallmentPlan,
} from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, eventually, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

const DAY = 86_400_000;
const invalidNames = (body: { invalid_params?: { name: string }[] }) => (body.invalid_params ?? []).map((p) => p.name);
const siren = (business: ApiPostBorrower) => ({ identifier: business.identifier, identifier_type: 'siren' as const });

describe('onboardings and public business data', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, `onboarding-${randomUUID()}`);
  });
  afterAll(() => emulator.close());

  const newBusiness = async () => (await client.get<ApiPostBorrower>('/sandbox/business-generator')).body;

  it('creates an onboarding, reads it back, and the tunnel completes it with a READY borrower', async () => {
    const business = await newBusiness();
    const created = await client.post<Onboarding>('/onboardings', {
      preferred_language: 'fr', business: siren(business), redirect_url: 'https://partner.example/back', email: 'owner@example.com',
    });
    expect(created.status).toBe(200);
    const onboarding = OnboardingSchema.parse(created.body);
    expect(onboarding).toMatchObject({ status: 'CREATED', is_expired: false, borrower_id: null, referral: 'api', eligibility: null, secure_resume_link: null });
    expect(onboarding.business).toMatchObject({ identifier: business.identifier, identifier_type: 'siren' });
    expect(onboarding.business!.name.length).toBeGreaterThan(0);
    expect((await client.get(`/onboarding/${onboarding.id}`)).body).toEqual(created.body);

    const tunnel = await fetch(`${emulator.url}/_emulator/onboarding/continue/${onboarding.id}`, { redirect: 'manual' });
    expect(tunnel.status).toBe(303);
    expect(tunnel.headers.get('location')).toBe(`https://partner.example/back?onboarding_id=${onboarding.id}`);
    const completed = OnboardingSchema.parse((await client.get(`/onboarding/${onboarding.id}`)).body);
    expect(completed).toMatchObject({ status: 'COMPLETED', eligibility: { status: 'DONE', response: { is_eligible: true } } });
    const borrower = (await client.get<ApiBorrower>(`/borrower/${completed.borrower_id}`)).body;
    expect(borrower).toMatchObject({ identifier: business.identifier, status: 'READY', name: onboarding.business!.name });

    const again = OnboardingSchema.parse((await client.post('/onboardings', { preferred_language: 'fr', business: siren(business) })).body);
    expect(again).toMatchObject({ status: 'DUPLICATE', borrower_id: completed.borrower_id });
    expect(again.id).not.toBe(onboarding.id);
  });

  it('a second onboarding of a business with a live one answers it with a secure resume link', async () => {
    const business = await newBusiness();
    const first = OnboardingSchema.parse((await client.post('/onboardings', { preferred_language: 'en', business: siren(business), referral: 'Qonto' })).body);
    const second = OnboardingSchema.parse((await client.post('/onboardings', { preferred_language: 'en', business: siren(business) })).body);
    expect(second.id).toBe(first.id);
    expect(second.referral).toBe('Qonto');
    expect(second.secure_resume_link).toMatch(new RegExp(`/_emulator/onboarding/continue/${first.id}\\?token=`));
  });

  it('an onboarding expires after 168 hours; the tunnel then refuses it', async () => {
    const business = await newBusiness();
    const onboarding = (await client.post<Onboarding>('/onboardings', { preferred_language: 'de', business: siren(business) })).body;
    await fetch(`${emulator.url}/_emulator/clock/advance`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 168 * 3_600_000 }),
    });
    expect((await client.get<Onboarding>(`/onboarding/${onboarding.id}`)).body).toMatchObject({ status: 'CREATED', is_expired: true });
    const tunnel = await fetch(`${emulator.url}/_emulator/onboarding/continue/${onboarding.id}`, { redirect: 'manual' });
    expect(tunnel.status).toBe(400);
  });

  it('a business forced NOT_ELIGIBLE stays CREATED after the tunnel, with the reason', async () => {
    const business = await newBusiness();
    await client.post('/sandbox/business-eligible', { business_identifier: siren(business), scenario: 'NOT_ELIGIBLE' });
    const onboarding = (await client.post<Onboarding>('/onboardings', { preferred_language: 'fr', business: siren(business) })).body;
    const tunnel = await fetch(`${emulator.url}/_emulator/onboarding/continue/${onboarding.id}`);
    expect(tunnel.status).toBe(200);
    const read = OnboardingSchema.parse((await client.get(`/onboarding/${onboarding.id}`)).body);
    expect(read).toMatchObject({ status: 'CREATED', borrower_id: null, eligibility: { response: { is_eligible: false, reasons: [{ code: 'DOES_NOT_MATCH_ELIGIBILITY_CRITERIA' }] } } });
  });

  it('refuses bad onboarding requests naming the field, and unknown ids with 404', async () => {
    const noLanguage = await client.post('/onboardings', { business: { identifier: '552100554', identifier_type: 'siren' } });
    expect(noLanguage.status).toBe(422);
    expect(invalidNames(noLanguage.body)).toEqual(['preferred_language']);
    const noBusiness = await client.post('/onboardings', { preferred_language: 'fr' });
    expect(noBusiness.status).toBe(422);
    expect(invalidNames(noBusiness.body)).toEqual(['business']);
    const spaces = await client.post('/onboardings', { preferred_language: 'fr', business: { identifier: '552 100 554', identifier_type: 'siren' } });
    expect(invalidNames(spaces.body)).toEqual(['business.identifier']);
    const badType = await client.post('/onboardings', { preferred_language: 'fr', business: { identifier: '552100554', identifier_type: 'ssn' } });
    expect(invalidNames(badType.body)).toEqual(['business.identifier_type']);
    const unknown = await client.get(`/onboarding/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404, type: expect.stringContaining('#not_found') });
    expect((await fetch(`${emulator.url}/_emulator/onboarding/continue/${randomUUID()}`)).status).toBe(404);
  });

  it('public data: a known borrower is found as registered, any other identifier the same way on every call, filters narrow', async () => {
    const { input } = await readyBorrower(client);
    const known = BusinessSearchResultListSchema.parse((await client.get(`/business/public-data?identifier=${input.identifier}`)).body);
    expect(known).toEqual([{ identifier: input.identifier, identifier_type: 'siren', name: input.name, address: input.address }]);
    const byCity = await client.get(`/business/public-data?identifier=${input.identifier}&city=${encodeURIComponent(input.address!.city.toUpperCase())}`);
    expect(byCity.body).toHaveLength(1);
    expect((await client.get(`/business/public-data?identifier=${input.identifier}&name=nobody-by-this-name`)).body).toEqual([]);

    const first = BusinessSearchResultListSchema.parse((await client.get('/business/public-data?identifier=HRB12345&identifier_type=hr_nummer')).body);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ identifier: 'HRB12345', identifier_type: 'hr_nummer' });
    expect((await client.get('/business/public-data?identifier=HRB12345')).body).toEqual(first);

    const missing = await client.get('/business/public-data?name=x');
    expect(missing.status).toBe(422);
    expect(invalidNames(missing.body)).toEqual(['identifier']);
    const badType = await client.get('/business/public-data?identifier=1&identifier_type=siren');
    expect(invalidNames(badType.body)).toEqual(['identifier_type']);
  });
});

describe('recollection cases and installment plans', () => {
  let emulator: RunningEmulator;
  let client: Api;
  let debtor: ApiPostBorrower;
  let other: ApiPostBorrower;
  beforeAll(async () => {
    emulator = await startEmulator({ repayment: 'production' });
    client = api(emulator.url, `recollection-${randomUUID()}`);
    debtor = (await readyBorrower(client)).input;
    other = (await readyBorrower(client)).input;
  });
  afterAll(() => emulator.close());

  const lateLoan = async (borrower = debtor): Promise<LoanApi> => {
    const loan = await requestGuideLoan(client, borrower, { autoValidate: true });
    return loanReaches(client, loan.id, 'TO_REPAY');
  };
  const openCase = async (loanIds: string[], business = debtor) => client.post('/recollection-cases', {
    agent: 'Ada', debtor_business: siren(business), loan_ids: loanIds,
    next_action: { action_name: 'call the debtor', due_at: new Date(Date.now() + 2 * DAY).toISOString(), short_description: 'first reminder' },
  });
  const owed = (loan: LoanApi) => loan.amount + loan.fees_estimated!;
  const tomorrow = () => new Date(Date.now() + DAY).toISOString();

  it('opens a case, reads it back, and lists the debtor’s cases page by page', async () => {
    const [a, b] = [await lateLoan(), await lateLoan()];
    const created = await openCase([a.id, b.id]);
    expect(created.status).toBe(201);
    const opened = RecollectionCaseSchema.parse(created.body);
    expect(opened).toMatchObject({
      agent: 'Ada', debtor_business: siren(debtor), loan_ids: [a.id, b.id], past_actions: [], strategies: [], recollection_notes: null,
      next_action: { action_name: 'call the debtor', action_status: 'SCHEDULED', short_description: 'first reminder' },
    });
    expect((await client.get(`/recollection-case/${opened.id}`)).body).toEqual(created.body);
    const second = RecollectionCaseSchema.parse((await openCase([a.id])).body);
    const otherCase = RecollectionCaseSchema.parse((await openCase([(await lateLoan(other)).id], other)).body);

    const pages = pageSchema(RecollectionCaseSchema);
    const first = pages.parse((await client.get(`/recollection-cases?identifier=${debtor.identifier}&identifier_type=siren&page_size=1`)).body);
    expect(first).toMatchObject({ count: 1, total: 2 });
    expect(first.data.map((c) => c.id)).toEqual([second.id]);
    const next = pages.parse((await client.get(first.next_page!)).body);
    expect(next.data.map((c) => c.id)).toEqual([opened.id]);
    expect(next.next_page ?? null).toBeNull();
    const others = pages.parse((await client.get(`/recollection-cases?identifier=${other.identifier}&identifier_type=siren`)).body);
    expect(others.data.map((c) => c.id)).toEqual([otherCase.id]);
    expect(pages.parse((await client.get(`/recollection-cases?identifier=${debtor.identifier}&identifier_type=kvk`)).body).data).toEqual([]);

    const unfiltered = await client.get('/recollection-cases');
    expect(unfiltered.status).toBe(422);
    expect(invalidNames(unfiltered.body)).toEqual(['identifier', 'identifier_type']);
    expect(invalidNames((await client.get('/recollection-cases?identifier=1&identifier_type=ssn')).body)).toEqual(['identifier_type']);
  });

  it('refuses a case naming the right field: unknown loan, another business’s loan, unknown debtor, missing due date; a loan not to repay is a 400', async () => {
    const mine = await lateLoan();
    const theirs = await lateLoan(other);
    const unknown = await openCase([randomUUID()]);
    expect(unknown.status).toBe(422);
    expect(invalidNames(unknown.body)).toEqual(['loan_ids.0']);
    expect(invalidNames((await openCase([mine.id, theirs.id])).body)).toEqual(['loan_ids.1']);
    expect(invalidNames((await openCase([mine.id, 'not-a-uuid'])).body)).toEqual(['loan_ids.1']);
    expect(invalidNames((await openCase([mine.id, mine.id])).body)).toEqual(['loan_ids.1']);
    expect(invalidNames((await openCase([])).body)).toEqual(['loan_ids']);
    const stranger = await client.post('/recollection-cases', {
      agent: 'Ada', debtor_business: { identifier: '552100554', identifier_type: 'siren' }, loan_ids: [mine.id],
      next_action: { action_name: 'call', due_at: tomorrow() },
    });
    expect(invalidNames(stranger.body)).toEqual(['debtor_business.identifier']);
    const noDue = await client.post('/recollection-cases', {
      agent: 'Ada', debtor_business: siren(debtor), loan_ids: [mine.id], next_action: { action_name: 'call' },
    });
    expect(invalidNames(noDue.body)).toEqual(['next_action.due_at']);

    const pending = await requestGuideLoan(client, debtor);
    const notLate = await openCase([pending.id]);
    expect(notLate.status).toBe(400);
    expect(notLate.body).toMatchObject({ type: expect.stringContaining('#invalid_transition') });
  });

  it('answers 404 for unknown case and plan ids on every operation', async () => {
    const id = randomUUID();
    expect((await client.get(`/recollection-case/${id}`)).status).toBe(404);
    expect((await client.raw(`/recollection-case/${id}`, {
      method: 'PUT', body: JSON.stringify({ recollection_notes: {} }), headers: { 'content-type': 'application/json' },
    })).status).toBe(404);
    expect((await client.post(`/recollection-case/${id}/installment-plans/compute`, { number_of_installment: 2, start_date: tomorrow() })).status).toBe(404);
    expect((await client.post(`/recollection-case/${id}/installment-plans`, { payment_method: 'SCT', installments: [] })).status).toBe(404);
    const plan = await client.get(`/installment-plan/${id}`);
    expect(plan.status).toBe(404);
    expect(plan.body).toMatchObject({ status: 404, type: expect.stringContaining('#not_found') });
  });

  it('PUT replaces the notes of a case', async () => {
    const opened = (await openCase([(await lateLoan()).id])).body;
    const put = (notes: unknown) => client.raw(`/recollection-case/${opened.id}`, {
      method: 'PUT', body: JSON.stringify(notes), headers: { 'content-type': 'application/json' },
    });
    expect((await put({ recollection_notes: { called: true, promise: 'end of month' } })).body).toMatchObject({ recollection_notes: { called: true, promise: 'end of month' } });
    expect((await put({ recollection_notes: { called: false } })).status).toBe(200);
    expect((await client.get(`/recollection-case/${opened.id}`)).body.recollection_notes).toEqual({ called: false });
    const missing = await put({});
    expect(missing.status).toBe(422);
    expect(invalidNames(missing.body)).toEqual(['recollection_notes']);
  });

  it('compute proposes a plan without storing it; creating it stores it as the active strategy, DRAFT then PROPOSED', async () => {
    const [a, b] = [await lateLoan(), await lateLoan()];
    const opened = (await openCase([a.id, b.id])).body;
    const proposal = await client.post<RecollectionInstallmentPlan>(`/recollection-case/${opened.id}/installment-plans/compute`, {
      number_of_installment: 3, start_date: tomorrow(), period: 'monthly', recollection_fees: 301,
    });
    expect(proposal.status).toBe(200);
    const plan = RecollectionInstallmentPlanSchema.parse(proposal.body);
    expect(plan.payment_method).toBe('SCT');
    expect(plan.installments).toHaveLength(3);
    const debt = owed(a) + owed(b);
    expect(plan.installments.reduce((sum, i) => sum + i.amount, 0)).toBe(debt + 301);
    expect(plan.installments.map((i) => i.recollection_fees)).toEqual([101, 100, 100]);
    for (const inst of plan.installments) {
      expect(inst.amount).toBe(inst.loans.reduce((sum, l) => sum + l.amount, 0) + inst.recollection_fees!);
      expect([0, 6]).not.toContain(new Date(inst.date).getUTCDay());
    }
    const dates = plan.installments.map((i) => Date.parse(i.date));
    expect(dates[1]! - dates[0]!).toBeGreaterThan(26 * DAY);
    const perLoan = (id: string) => plan.installments.flatMap((i) => i.loans).filter((l) => l.loan_id === id).reduce((s, l) => s + l.amount, 0);
    expect([perLoan(a.id), perLoan(b.id)]).toEqual([owed(a), owed(b)]);
    expect((await client.get(`/recollection-case/${opened.id}`)).body.strategies).toEqual([]);

    const created = await client.post(`/recollection-case/${opened.id}/installment-plans`, plan);
    expect(created.status).toBe(201);
    const answer = RecollectionInstallmentPlanCreatedSchema.parse(created.body);
    expect(answer.recollection_case.strategies).toEqual([{ id: answer.installment_plan_id, is_active: true, strategy_type: 'INSTALLMENT_PLAN' }]);
    const stored = InstallmentPlanSchema.parse((await client.get(`/installment-plan/${answer.installment_plan_id}`)).body);
    expect(stored).toMatchObject({ business_identifier: siren(debtor), loan_ids: expect.arrayContaining([a.id, b.id]) });
    expect(stored.installments.map((i) => i.amount)).toEqual(plan.installments.map((i) => i.amount));
    await eventually(async () => (await client.get<InstallmentPlan>(`/installment-plan/${stored.id}`)).body.installments.every((i) => i.status === 'PROPOSED'));

    const replacement = RecollectionInstallmentPlanCreatedSchema.parse((await client.post(`/recollection-case/${opened.id}/installment-plans`, plan)).body);
    expect(replacement.recollection_case.strategies.map((s) => s.is_active)).toEqual([false, true]);
    await eventually(async () => (await client.get<InstallmentPlan>(`/installment-plan/${stored.id}`)).body.installments.every((i) => i.status === 'CANCELED'));
  });

  it('refuses plans that do not add up, name loans outside the case, or compute more installments than cents', async () => {
    const [a, b] = [await lateLoan(), await lateLoan()];
    const opened = (await openCase([a.id])).body;
    const whole = { amount: owed(a), date: tomorrow(), loans: [{ loan_id: a.id, amount: owed(a) }] };
    const post = (body: unknown) => client.post(`/recollection-case/${opened.id}/installment-plans`, body);
    const badSum = await post({ payment_method: 'SCT', installments: [{ ...whole, amount: owed(a) + 1 }] });
    expect(badSum.status).toBe(422);
    expect(invalidNames(badSum.body)).toEqual(['installments.0.amount']);
    const short = await post({ payment_method: 'SCT', installments: [{ ...whole, amount: 100, loans: [{ loan_id: a.id, amount: 100 }] }] });
    expect(invalidNames(short.body)).toEqual(['installments']);
    const outside = await post({ payment_method: 'SCT', installments: [whole, { amount: owed(b), date: new Date(Date.now() + 2 * DAY).toISOString(), loans: [{ loan_id: b.id, amount: owed(b) }] }] });
    expect(invalidNames(outside.body)).toEqual(['installments.1.loans.0.loan_id']);
    const past = await post({ payment_method: 'SCT', installments: [{ ...whole, date: new Date(Date.now() - 3 * DAY).toISOString() }] });
    expect(invalidNames(past.body)).toEqual(['installments.0.date']);
    expect(invalidNames((await post({ installments: [whole] })).body)).toEqual(['payment_method']);
    expect((await post({ payment_method: 'SCT', installments: [whole] })).status).toBe(201);

    const compute = (body: unknown) => client.post(`/recollection-case/${opened.id}/installment-plans/compute`, body);
    expect(invalidNames((await compute({ number_of_installment: 0, start_date: tomorrow() })).body)).toEqual(['number_of_installment']);
    expect(invalidNames((await compute({ number_of_installment: 37, start_date: tomorrow() })).body)).toEqual(['number_of_installment']);
    expect(invalidNames((await compute({ number_of_installment: 2 })).body)).toEqual(['start_date']);
    expect(invalidNames((await compute({ number_of_installment: 2, start_date: tomorrow(), period: 'daily' })).body)).toEqual(['period']);
  });

  it('POST /installment-plans: DRAFT at once, deduplicated on the derived salt, and a new plan cancels the one it replaces', async () => {
    const loan = await lateLoan();
    const body = { payment_method: 'SCT', installments: [
      { amount: 5_000, date: tomorrow(), loans: [{ loan_id: loan.id, amount: 5_000 }], reference: 'part 1' },
      { amount: owed(loan) - 5_000, date: new Date(Date.now() + 30 * DAY).toISOString(), loans: [{ loan_id: loan.id, amount: owed(loan) - 5_000 }] },
    ] };
    const created = await client.post<InstallmentPlan>('/installment-plans', body);
    expect(created.status).toBe(201);
    const plan = InstallmentPlanSchema.parse(created.body);
    expect(plan).toMatchObject({ business_identifier: siren(debtor), loan_ids: [loan.id] });
    expect(plan.installments.map((i) => [i.amount, i.status])).toEqual([[5_000, 'DRAFT'], [owed(loan) - 5_000, 'DRAFT']]);
    const retried = await client.post<InstallmentPlan>('/installment-plans', body);
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(plan.id);
    await eventually(async () => (await client.get<InstallmentPlan>(`/installment-plan/${plan.id}`)).body.installments.every((i) => i.status === 'PROPOSED'));

    const replacement = InstallmentPlanSchema.parse((await client.post('/installment-plans', { ...body, salt_id: 'renegotiated' })).body);
    expect(replacement.id).not.toBe(plan.id);
    await eventually(async () => (await client.get<InstallmentPlan>(`/installment-plan/${plan.id}`)).body.installments.every((i) => i.status === 'CANCELED'));
    expect((await client.get<InstallmentPlan>(`/installment-plan/${replacement.id}`)).body.installments.map((i) => i.status)).toEqual(['PROPOSED', 'PROPOSED']);

    const theirs = await lateLoan(other);
    const mixed = await client.post('/installment-plans', { payment_method: 'SCT', installments: [
      { amount: owed(loan) + owed(theirs), date: tomorrow(), loans: [{ loan_id: loan.id, amount: owed(loan) }, { loan_id: theirs.id, amount: owed(theirs) }] },
    ] });
    expect(mixed.status).toBe(422);
    expect(invalidNames(mixed.body)).toEqual(['installments']);
    const unknown = await client.post('/installment-plans', { payment_method: 'SCT', installments: [{ amount: 1, date: tomorrow(), loans: [{ loan_id: randomUUID(), amount: 1 }] }] });
    expect(invalidNames(unknown.body)).toEqual(['installments.0.loans.0.loan_id']);
  });
});
