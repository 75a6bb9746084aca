/**
 * The client's eligibility, translation, accounting-event, instalment, credit-line and pay-by-link
 * methods against the real emulator over HTTP: each answer passes its wire schema and follows the rules.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto/client';
import { DefactoBadRequestError, DefactoNotFoundError, DefactoValidationError } from '../../src/defacto/errors';
import type { ApiPostBorrower, LoanApi } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';

let emu: RunningEmulator;
beforeAll(async () => { emu = await startEmulator({ repayment: 'production' }); });
afterAll(async () => { await emu.close(); });

const newClient = () => new DefactoClient({ baseUrl: emu.url, apiKey: `sk_test_${randomUUID()}`, timeoutMs: 5_000 });

async function readyBorrower(client: DefactoClient): Promise<ApiPostBorrower> {
  const business = await client.sandbox.generateBusiness({ isBorrower: true });
  await client.borrowers.create({ ...business, wait_for_ready: true });
  return business;
}

/** A loan of `business`, validated and disbursed, parked in TO_REPAY (production repayment mode). */
async function loanToRepay(client: DefactoClient, business: ApiPostBorrower): Promise<LoanApi> {
  const { invoice_creation_payload: invoice } = await client.sandbox.generateInvoice({
    scenario: 'SUCCESS', seller: { identifier: business.identifier, identifier_type: 'siren', name: business.name ?? null },
  });
  const loan = await client.loans.request({
    amount: invoice.to_pay_amount ?? 0, loan_to: invoice.to_account!, to_pay_at: new Date().toISOString(),
    to_repay_at: invoice.due_at!, invoices: [{ ...invoice, buyer: invoice.buyer!, seller: invoice.seller!, invoice_number: invoice.invoice_number!,
      issued_at: invoice.issued_at!, due_at: invoice.due_at!, total_amount: invoice.total_amount! }],
    auto_validate: true, salt_id: randomUUID(),
  });
  for (let i = 0; i < 200; i += 1) {
    const current = await client.loans.get(loan.id);
    if (current.status === 'TO_REPAY') return current;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the loan never reached TO_REPAY');
}

describe('eligibility and denial codes', () => {
  it('a business is eligible unless forced NOT_ELIGIBLE, which gives a translated reason', async () => {
    const client = newClient();
    const business = await client.sandbox.generateBusiness();
    const request = { identifier: business.identifier, identifier_type: 'siren' as const };
    await expect(client.eligibility.borrower(request)).resolves.toEqual({ is_eligible: true, reasons: null });
    await client.sandbox.setBusinessEligibility({ business_identifier: request, scenario: 'NOT_ELIGIBLE' });
    const refused = await client.eligibility.borrower(request);
    expect(refused.is_eligible).toBe(false);
    expect(refused.reasons?.map((r) => r.code)).toEqual(['DOES_NOT_MATCH_ELIGIBILITY_CRITERIA']);
    await expect(client.eligibility.beneficiary(request)).resolves.toMatchObject({ is_eligible: false });
    const translation = await client.eligibility.translateDenialCode(refused.reasons![0]!.code);
    expect(translation.fr).toMatch(/critères d'éligibilité/);
    expect(translation.en).toBe(refused.reasons![0]!.description);
  });

  it('a deactivated borrower is not eligible, with BORROWER_STATUS', async () => {
    const client = newClient();
    const business = await readyBorrower(client);
    const borrower = await client.borrowers.findByIdentifier(business.identifier);
    await client.borrowers.deactivate(borrower!.id!);
    const answer = await client.eligibility.borrower({ identifier: business.identifier, identifier_type: 'siren' });
    expect(answer).toMatchObject({ is_eligible: false, reasons: [{ code: 'BORROWER_STATUS' }] });
  });

  it('lists every denial code with four translations; an unknown code is a 404, a missing identifier_type a 422', async () => {
    const client = newClient();
    const codes = await client.eligibility.reasons();
    expect(codes.length).toBe(170);
    expect(codes.find((c) => c.denial_code_name === 'INVOICE_ALREADY_FINANCED')?.translations.de).toMatch(/bereits finanziert/);
    await expect(client.eligibility.translateDenialCode('NOT_A_CODE')).rejects.toBeInstanceOf(DefactoNotFoundError);
    await expect(client.eligibility.borrower({ identifier: '123456789' } as never)).rejects.toBeInstanceOf(DefactoValidationError);
  });
});

describe('credit lines, accounting events, instalments and early repayment', () => {
  it("reads the partner's own line (deprecated GET /credit_line) and any line by id", async () => {
    const client = newClient();
    const business = await readyBorrower(client);
    const partner = await client.creditLines.partner();
    expect(partner).toMatchObject({ distribution: 'DIRECT', amount_to_repay: 0, default_borrower: null });
    const [line] = await client.creditLines.list({ borrower: [business.identifier] }).all();
    await expect(client.creditLines.get(line!.id!)).resolves.toMatchObject({ id: line!.id, default_borrower: { identifier: business.identifier } });
    await expect(client.creditLines.get(partner.id!, new Date().toISOString())).resolves.toMatchObject({ id: partner.id });
    await expect(client.creditLines.get(randomUUID())).rejects.toBeInstanceOf(DefactoNotFoundError);
  });

  it('a disbursed loan has one instalment and LOAN_VALIDATED, LOAN_DISBURSEMENT_PAID accounting events', async () => {
    const client = newClient();
    const loan = await loanToRepay(client, await readyBorrower(client));
    const [installment, ...others] = await client.repayments.installments({ loan_ids: [loan.id] }).all();
    expect(others).toEqual([]);
    expect(installment).toMatchObject({ scheduled_at: expect.any(String), paid_amount: 0, reference: loan.repayment_to_references[0], attempts: [] });
    expect(installment!.due_amount).toBe(loan.amount + loan.fees_estimated!);
    const events = await client.accountingEvents.list({ loan_id: [loan.id] }).all();
    expect(events.map((e) => e.event_type).sort()).toEqual(['LOAN_DISBURSEMENT_PAID', 'LOAN_VALIDATED']);
    expect(events.every((e) => e.event_payload.principal_amount === loan.amount)).toBe(true);
    expect((await client.creditLines.partner()).amount_to_repay).toBeGreaterThanOrEqual(loan.amount);
  });

  it('POST /repay/now gives a link; following it repays the loan in full and closes it; the link pays once', async () => {
    const client = newClient();
    const loan = await loanToRepay(client, await readyBorrower(client));
    const owed = loan.amount + (loan.fees_ongoing ?? 0);
    await expect(client.repayments.repayNow({ amount: owed - 1, base_callback_url: 'https://partner.example/back' }))
      .rejects.toBeInstanceOf(DefactoValidationError);
    const { url } = await client.repayments.repayNow({ amount: owed, base_callback_url: 'https://partner.example/back', repayment_method: 'PISP' });
    expect(url).toMatch(/\/_emulator\/pay-by-link\//);
    const followed = await fetch(url, { redirect: 'manual' });
    expect(followed.status).toBe(303);
    expect(followed.headers.get('location')).toMatch(/^https:\/\/partner\.example\/back\?pay_by_link_id=.+&status=PAID$/);
    for (let i = 0; i < 200 && (await client.loans.get(loan.id)).status !== 'CLOSED'; i += 1) await new Promise((r) => setTimeout(r, 10));
    const closed = await client.loans.get(loan.id);
    expect(closed).toMatchObject({ status: 'CLOSED', repaid_amount: owed });
    const events = await client.accountingEvents.list({ loan_id: [loan.id], event_type: ['LOAN_REPAYMENT_NOMINAL_PAID', 'LOAN_REPAYMENT_FEES_PAID'] }).all();
    expect(events).toHaveLength(2);
    await fetch(url, { redirect: 'manual' });
    const repayments = await client.payments.list({ loan_id: [loan.id], payment_type: ['REPAYMENT_FULL'] }).all();
    expect(repayments).toHaveLength(1);
    await expect(client.repayments.repayNow({ amount: owed, base_callback_url: 'https://partner.example/back' }))
      .rejects.toBeInstanceOf(DefactoBadRequestError);
  });
});
