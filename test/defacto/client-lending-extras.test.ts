/**
 * The client's eligibility, translation, accounting-event, instalment, credit-line, pay-by-link, owner,
 * repayment-method, financial-product, upload, repayment-terms and loan-document methods against the real
 * emulator over HTTP: each answer passes its wire schema and follows the rules.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DefactoBadRequestError, DefactoNotFoundError, DefactoValidationError } from '../../src/defacto/errors';
import { emulatorWorld, loanToRepay, readyBorrower, siren } from './emulator-world';

const { newClient, url } = emulatorWorld({ repayment: 'production' });

describe('eligibility and denial codes', () => {
  it('a business is eligible unless forced NOT_ELIGIBLE, which gives a translated reason', async () => {
    const client = newClient();
    const business = await client.sandbox.generateBusiness();
    const request = siren(business);
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
    const answer = await client.eligibility.borrower(siren(business));
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

describe('borrower owner, repayment methods and financial products', () => {
  it('records an owner and shows it on the borrower', async () => {
    const client = newClient();
    const business = await readyBorrower(client);
    const borrower = (await client.borrowers.findByIdentifier(business.identifier))!;
    const owner = await client.borrowers.createOwner(borrower.id!, { first_name: 'Ada', last_name: 'L', email: 'ada@example.com', phone_number: '+33600000000' });
    expect(owner).toMatchObject({ email: 'ada@example.com', phone_number: '+33600000000' });
    expect((await client.borrowers.get(borrower.id!)).owner).toEqual({ id: owner.id, email: 'ada@example.com', phone_number: '+33600000000' });
  });

  it('starts with a main SCT method; a default DIRECT_DEBIT method becomes main and moves the loans to repay', async () => {
    const client = newClient();
    const business = await readyBorrower(client);
    const borrower = (await client.borrowers.findByIdentifier(business.identifier))!;
    const loan = await loanToRepay(client, business);
    expect(await client.borrowers.repaymentMethods(borrower.id!).all()).toEqual([
      expect.objectContaining({ payment_method: 'SCT', status: 'READY', is_main: true }),
    ]);
    await expect(client.borrowers.addRepaymentMethod(borrower.id!, { payment_method: 'DIRECT_DEBIT', apply_to_all_active_loans: false, is_default_repayment_method: true }))
      .rejects.toBeInstanceOf(DefactoValidationError);
    const added = await client.borrowers.addRepaymentMethod(borrower.id!, {
      payment_method: 'DIRECT_DEBIT', apply_to_all_active_loans: true, is_default_repayment_method: true,
      from_account: { account_number: business.account_number! },
    });
    expect(added).toMatchObject({ payment_method: 'DIRECT_DEBIT', status: 'READY', is_main: true });
    expect((await client.borrowers.repaymentMethods(borrower.id!).all()).map((m) => m.is_main)).toEqual([false, true]);
    expect((await client.loans.get(loan.id)).repayment_method).toBe('DIRECT_DEBIT');
  });

  it("lists one invoice-financing product that mirrors the borrower's credit line", async () => {
    const client = newClient();
    const business = await readyBorrower(client);
    const borrower = (await client.borrowers.findByIdentifier(business.identifier))!;
    const [line] = await client.creditLines.list({ borrower: [business.identifier] }).all();
    const [product, ...rest] = await client.borrowers.financialProducts(borrower.id!).all();
    expect(rest).toEqual([]);
    expect(product).toMatchObject({
      borrower_id: borrower.id, status: 'READY', can_request_loan: true, available_amount: line!.balance_available,
      max_amount: line!.pool_amount, financial_product: { product_type: 'INVOICE_BASED_FINANCING' },
    });
  });
});

describe('invoice upload, repayment terms and loan documents', () => {
  it('an uploaded sandbox PDF becomes a draft with the number, total and seller Defacto extracts; metadata kept', async () => {
    const client = newClient();
    const business = await readyBorrower(client);
    const { invoice_creation_payload: payload } = await client.sandbox.generateInvoice({ seller: siren(business) });
    const draft = await client.invoices.upload({
      file: Buffer.from(payload.document, 'base64'), metadata: { source: 'upload' }, buyer: 'SIREN-123456789',
    });
    expect(draft).toMatchObject({
      status: 'TO_SUBMIT', is_draft: true, invoice_number: payload.invoice_number, total_amount: payload.total_amount,
      to_pay_amount: payload.total_amount, seller: { identifier: business.identifier }, buyer: { identifier: '123456789' },
      metadata: { source: 'upload' },
    });
    await expect(client.invoices.upload({ file: Buffer.from('not a pdf') })).rejects.toBeInstanceOf(DefactoValidationError);
    await expect(client.invoices.upload({ file: Buffer.from(payload.document, 'base64'), seller: 'siren:1' })).rejects.toBeInstanceOf(DefactoValidationError);
  });

  it('an upload without multipart is a 415 (JSON) or a 422 naming file (empty)', async () => {
    const headers = { authorization: `Bearer sk_test_${randomUUID()}` };
    const json = await fetch(`${url()}/invoices/upload`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"document":"x"}' });
    expect(json.status).toBe(415);
    const empty = await fetch(`${url()}/invoices/upload`, { method: 'POST', headers });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { invalid_params: unknown[] }).invalid_params).toEqual([{ name: 'file', reason: 'field required' }]);
  });

  it('repayment terms postpone a loan to repay once; earlier than earliest_to_repay_at is a 422; GET /loans?postponed=true finds it', async () => {
    const client = newClient();
    const loan = await loanToRepay(client, await readyBorrower(client));
    const later = new Date(Date.parse(loan.to_repay_at) + 7 * 86_400_000).toISOString();
    const [moved] = await client.loans.setRepaymentTerms({ repayment_terms: [{ loan_id: loan.id, repayment_date: later, repayment_method: 'SCT' }] });
    expect(moved).toMatchObject({ id: loan.id, to_repay_at: expect.stringMatching(new RegExp(`^${later.slice(0, 19)}`)) });
    expect((await client.loans.list({ postponed: true }).all()).map((l) => l.id)).toEqual([loan.id]);
    const evenLater = new Date(Date.parse(later) + 86_400_000).toISOString();
    await expect(client.loans.setRepaymentTerms({ repayment_terms: [{ loan_id: loan.id, repayment_date: evenLater, repayment_method: 'SCT' }] }))
      .rejects.toBeInstanceOf(DefactoBadRequestError);
    await expect(client.loans.setRepaymentTerms({ repayment_terms: [{ loan_id: loan.id, repayment_date: loan.to_pay_at, repayment_method: 'SCT' }] }))
      .rejects.toBeInstanceOf(DefactoValidationError);
    await expect(client.loans.setRepaymentTerms({ repayment_terms: [{ loan_id: randomUUID(), repayment_date: later, repayment_method: 'SCT' }] }))
      .rejects.toBeInstanceOf(DefactoValidationError);
  });

  it("a loan-documents link leads to the archive of the loans' invoices; an unknown document type is a 422", async () => {
    const client = newClient();
    const loan = await loanToRepay(client, await readyBorrower(client));
    const { link } = await client.loans.documentsLink('invoice', { loan_ids: [loan.id] });
    const archive = await (await fetch(link)).text();
    expect(archive.trim().split('\n')).toEqual(loan.documents.map((d) => d.document_url));
    await expect(client.loans.documentsLink('selfie', { loan_ids: [loan.id] })).rejects.toBeInstanceOf(DefactoValidationError);
  });
});

describe('counterparties', () => {
  it("an invoice's buyer becomes a DEBTOR counterparty; an explicit creation is 201, the same identifier again merges (200)", async () => {
    const client = newClient();
    const business = await readyBorrower(client);
    const loan = await loanToRepay(client, business);
    const invoice = await client.invoices.get(loan.invoice_ids[0]!);
    const [debtor] = await client.counterparties.list({ identifier: invoice.buyer!.identifier }).all();
    expect(debtor).toMatchObject({ relation_types: ['DEBTOR'], selected_for_financing: true, credit_limit: { max_amount: 10_000_000 } });
    expect(debtor!.credit_limit.available_amount).toBe(10_000_000 - loan.amount);
    await expect(client.counterparties.get(debtor!.id)).resolves.toEqual(debtor);

    const headers = { authorization: `Bearer sk_test_${randomUUID()}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ identifier: '552100554', identifier_type: 'siren', relation_types: ['CLIENT'], name: 'Client SA' });
    expect((await fetch(`${url()}/counterparties`, { method: 'POST', headers, body })).status).toBe(201);
    const again = await fetch(`${url()}/counterparties`, { method: 'POST', headers, body: body.replace('CLIENT', 'SUPPLIER') });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { relation_types: string[] }).relation_types).toEqual(['CLIENT', 'SUPPLIER']);
    await expect(client.counterparties.create({ identifier: '552 100 554', identifier_type: 'siren', relation_types: ['CLIENT'] }))
      .rejects.toBeInstanceOf(DefactoValidationError);
    await expect(client.counterparties.get(randomUUID())).rejects.toBeInstanceOf(DefactoNotFoundError);
  });
});
