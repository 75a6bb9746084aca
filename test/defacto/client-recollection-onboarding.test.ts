/**
 * The client's onboarding, public-data, recollection and installment-plan methods against the real emulator over
 * HTTP: each answer passes its wire schema, failures arrive as the right error class.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DefactoBadRequestError, DefactoNotFoundError, DefactoValidationError } from '../../src/defacto/errors';
import { emulatorWorld, loanRequestOf, loanToRepay, readyBorrower, siren } from './emulator-world';

const { newClient } = emulatorWorld({ repayment: 'production' });
const DAY = 86_400_000;

describe('onboardings and public data through the client', () => {
  it('creates and reads an onboarding; searches public data; errors are typed', async () => {
    const client = newClient();
    const business = await client.sandbox.generateBusiness();
    const onboarding = await client.onboardings.create({ preferred_language: 'fr', business: siren(business), referral: 'partner-site' });
    expect(onboarding).toMatchObject({ status: 'CREATED', referral: 'partner-site', business: { identifier: business.identifier } });
    await expect(client.onboardings.get(onboarding.id)).resolves.toEqual(onboarding);
    await expect(client.onboardings.get(randomUUID())).rejects.toBeInstanceOf(DefactoNotFoundError);
    await expect(client.onboardings.create({ preferred_language: 'french' })).rejects.toBeInstanceOf(DefactoValidationError);

    const [found, ...more] = await client.onboardings.searchPublicData({ identifier: business.identifier });
    expect(more).toEqual([]);
    expect(found).toMatchObject({ identifier: business.identifier, name: onboarding.business!.name });
    await expect(client.onboardings.searchPublicData({ identifier: business.identifier, name: 'no such name' })).resolves.toEqual([]);
  });
});

describe('recollection through the client', () => {
  it('opens a case, lists it, notes it, computes a plan and stores it; 404 and 400 arrive typed', async () => {
    const client = newClient();
    const debtor = await readyBorrower(client);
    const loan = await loanToRepay(client, debtor);
    const opened = await client.recollection.createCase({
      agent: 'Ada', debtor_business: siren(debtor), loan_ids: [loan.id],
      next_action: { action_name: 'send a reminder', due_at: new Date(Date.now() + DAY).toISOString() },
    });
    expect(opened).toMatchObject({ loan_ids: [loan.id], next_action: { action_status: 'SCHEDULED' }, strategies: [] });
    await expect(client.recollection.getCase(opened.id)).resolves.toEqual(opened);
    expect((await client.recollection.listCases({ ...siren(debtor), page_size: 1 }).all()).map((c) => c.id)).toEqual([opened.id]);
    await expect(client.recollection.updateCase(opened.id, { recollection_notes: { tone: 'friendly' } }))
      .resolves.toMatchObject({ recollection_notes: { tone: 'friendly' } });

    const proposal = await client.recollection.computeInstallmentPlan(opened.id, {
      number_of_installment: 2, start_date: new Date(Date.now() + DAY).toISOString(), period: 'weekly', repayment_method: 'DIRECT_DEBIT',
    });
    expect(proposal.payment_method).toBe('DIRECT_DEBIT');
    expect(proposal.installments.reduce((sum, i) => sum + i.amount, 0)).toBe(loan.amount + loan.fees_estimated!);
    expect((await client.recollection.getCase(opened.id)).strategies).toEqual([]);
    const created = await client.recollection.createInstallmentPlan(opened.id, proposal);
    expect(created.recollection_case.strategies).toEqual([{ id: created.installment_plan_id, is_active: true, strategy_type: 'INSTALLMENT_PLAN' }]);
    const plan = await client.installmentPlans.get(created.installment_plan_id);
    expect(plan.installments.map((i) => i.amount)).toEqual(proposal.installments.map((i) => i.amount));

    await expect(client.recollection.getCase(randomUUID())).rejects.toBeInstanceOf(DefactoNotFoundError);
    await expect(client.installmentPlans.get(randomUUID())).rejects.toBeInstanceOf(DefactoNotFoundError);
    const pending = await client.loans.request({ ...(await loanRequestOf(client, debtor)), salt_id: randomUUID() });
    await expect(client.recollection.createCase({
      agent: 'Ada', debtor_business: siren(debtor), loan_ids: [pending.id],
      next_action: { action_name: 'call', due_at: new Date(Date.now() + DAY).toISOString() },
    })).rejects.toBeInstanceOf(DefactoBadRequestError);
  });

  it('POST /installment-plans is safe to retry: the same loans give the same plan', async () => {
    const client = newClient();
    const debtor = await readyBorrower(client);
    const loan = await loanToRepay(client, debtor);
    const owed = loan.amount + loan.fees_estimated!;
    const body = { payment_method: 'SCT' as const, installments: [{ amount: owed, date: new Date(Date.now() + DAY).toISOString(), loans: [{ loan_id: loan.id, amount: owed }] }] };
    const first = await client.installmentPlans.create(body);
    expect(first).toMatchObject({ business_identifier: siren(debtor), loan_ids: [loan.id], installments: [{ amount: owed, status: 'DRAFT' }] });
    expect((await client.installmentPlans.create(body)).id).toBe(first.id);
    await expect(client.installmentPlans.create({ ...body, salt_id: 'other', installments: [{ ...body.installments[0]!, amount: owed + 1 }] }))
      .rejects.toBeInstanceOf(DefactoValidationError);
  });
});

