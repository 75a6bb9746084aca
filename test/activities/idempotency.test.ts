/**
 * Every activity is safe to run twice, also when Defacto acted and only its reply was lost: the second
 * run (Temporal's retry) must not create a twin. Activities run under `MockActivityEnvironment` against
 * the emulator, whose inventory counts what exists.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type LoanActivities } from '../../src/activities';
import { DefactoClient } from '../../src/defacto';
import type { LoanStatus, Scenario } from '../../src/domain/loan';
import type { BorrowerSummary, InvoiceSummary, LoanSnapshot } from '../../src/domain/summaries';
import { createLogger } from '../../src/logging';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { runActivity } from './activity-env';
import { emulatorControls, type EmulatorControls } from './emulator-controls';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

interface Tenant {
  readonly acts: LoanActivities;
  readonly controls: EmulatorControls;
  readonly workflowId: string;
}

let tenant: Tenant;
function newTenant(): Tenant {
  const apiKey = `tenant-${randomUUID()}`;
  return {
    acts: createActivities({ defacto: new DefactoClient({ baseUrl: emulator.url, apiKey }), log: createLogger({ level: 'silent' }) }),
    controls: emulatorControls(emulator.url, apiKey),
    workflowId: `loan-ref-${randomUUID().slice(0, 8)}`,
  };
}
afterEach(async () => {
  await tenant?.controls.clearFaults();
});

const run = runActivity;

/** The first attempt fails like a dropped connection (retryable); the retry succeeds. */
async function runAfterLostReply<I, O>(fn: (input: I) => Promise<O>, input: I): Promise<O> {
  const first = await run(fn, input).then(() => undefined, (error: unknown) => error);
  expect(first).toBeInstanceOf(ApplicationFailure);
  expect((first as ApplicationFailure).nonRetryable).toBe(false);
  return run(fn, input);
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function readyBorrower(): Promise<BorrowerSummary> {
  const business = await run(tenant.acts.generateBusiness, { country: 'FRA' });
  const created = await run(tenant.acts.createBorrower, { business, signedAt: new Date().toISOString(), workflowId: tenant.workflowId });
  return until(() => run(tenant.acts.getBorrower, { borrowerId: created.id }), (b) => b.status === 'READY');
}

async function invoiceOf(borrower: BorrowerSummary, scenario: Scenario = 'SUCCESS'): Promise<InvoiceSummary> {
  return run(tenant.acts.generateInvoice, {
    invoiceNumber: `FK-INVOICE-${tenant.workflowId}`, scenario, country: 'FRA', workflowId: tenant.workflowId,
    seller: { identifier: borrower.identifier, identifierType: borrower.identifierType, name: borrower.name },
  });
}

function loanInput(borrower: BorrowerSummary, invoice: InvoiceSummary) {
  const now = Date.now();
  return {
    saltId: `${tenant.workflowId}:loan`, workflowId: tenant.workflowId, invoiceId: invoice.id,
    borrower: { identifier: borrower.identifier, identifierType: borrower.identifierType, name: borrower.name },
    amountCents: invoice.amountCents, currency: invoice.currency,
    toPayAt: new Date(now).toISOString(), toRepayAt: new Date(now + 30 * 86_400_000).toISOString(), autoValidate: false,
  };
}

async function loanIn(status: LoanStatus, scenario: Scenario = 'SUCCESS'): Promise<LoanSnapshot> {
  const borrower = await readyBorrower();
  const loan = await run(tenant.acts.requestLoan, loanInput(borrower, await invoiceOf(borrower, scenario)));
  return until(() => run(tenant.acts.getLoan, { loanId: loan.id }), (l) => l.status === status);
}

describe('activities are safe to run twice', () => {
  it('a lost reply on POST /borrowers still yields exactly one borrower', async () => {
    tenant = newTenant();
    const business = await run(tenant.acts.generateBusiness, { country: 'FRA' });
    await tenant.controls.addFaults([{ route: 'POST /borrowers', kind: 'lost_response', count: 1 }]);
    const borrower = await runAfterLostReply(tenant.acts.createBorrower, { business, signedAt: null, workflowId: tenant.workflowId });
    expect(borrower.identifier).toBe(business.identifier);
    const inventory = await tenant.controls.inventory();
    expect(inventory.borrowers).toBe(1);
    expect(inventory.byIdentifier[business.identifier]).toBe(1);
  });

  it('a lost reply on POST /invoices still yields exactly one invoice under the stable number', async () => {
    tenant = newTenant();
    const borrower = await readyBorrower();
    await tenant.controls.addFaults([{ route: 'POST /invoices', kind: 'lost_response', count: 1 }]);
    const invoice = await runAfterLostReply(tenant.acts.generateInvoice, {
      invoiceNumber: `FK-INVOICE-${tenant.workflowId}`, scenario: 'SUCCESS', country: 'FRA', workflowId: tenant.workflowId,
      seller: { identifier: borrower.identifier, identifierType: borrower.identifierType, name: borrower.name },
    });
    expect(invoice.invoiceNumber).toBe(`FK-INVOICE-${tenant.workflowId}`);
    const inventory = await tenant.controls.inventory();
    expect(inventory.invoices).toBe(1);
    expect(inventory.byInvoiceNumber[invoice.invoiceNumber]).toBe(1);
  });

  it('a lost reply on POST /loans still yields exactly one loan (same salt_id)', async () => {
    tenant = newTenant();
    const borrower = await readyBorrower();
    const input = loanInput(borrower, await invoiceOf(borrower));
    await tenant.controls.addFaults([{ route: 'POST /loans', kind: 'lost_response', count: 1 }]);
    const loan = await runAfterLostReply(tenant.acts.requestLoan, input);
    expect((await tenant.controls.inventory()).loans).toBe(1);
    expect((await run(tenant.acts.requestLoan, input)).id).toBe(loan.id);
  });

  it('a lost reply on POST /loan/{loan_id}/validate still validates exactly once', async () => {
    tenant = newTenant();
    const loan = await loanIn('TO_VALIDATE');
    await tenant.controls.addFaults([{ route: 'POST /loan/{loan_id}/validate', kind: 'lost_response', count: 1 }]);
    const validated = await runAfterLostReply(tenant.acts.validateLoan, { loanId: loan.id });
    expect(['VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'CLOSED']).toContain(validated.status);
    expect((await tenant.controls.inventory()).validations).toBe(1);
  });

  it('a lost reply on validate, when Defacto then cancels the loan (CANCEL scenario), succeeds with the canceled loan', async () => {
    tenant = newTenant();
    const loan = await loanIn('TO_VALIDATE', 'CANCEL');
    await tenant.controls.addFaults([{ route: 'POST /loan/{loan_id}/validate', kind: 'lost_response', count: 1 }]);
    const first = await run(tenant.acts.validateLoan, { loanId: loan.id }).then(() => undefined, (error: unknown) => error);
    expect((first as ApplicationFailure).nonRetryable).toBe(false);
    await until(() => run(tenant.acts.getLoan, { loanId: loan.id }), (l) => l.status === 'CANCELED');
    const retried = await run(tenant.acts.validateLoan, { loanId: loan.id });
    expect(retried.status).toBe('CANCELED');
    expect((await tenant.controls.inventory()).validations).toBe(1);
  });

  it('canceling an already canceled loan succeeds without a second cancellation', async () => {
    tenant = newTenant();
    const loan = await loanIn('TO_VALIDATE');
    expect((await run(tenant.acts.cancelLoan, { loanId: loan.id })).status).toBe('CANCELED');
    expect((await run(tenant.acts.cancelLoan, { loanId: loan.id })).status).toBe('CANCELED');
    expect((await tenant.controls.inventory()).cancels).toBe(1);
  });

  it('validating a loan canceled meanwhile returns the canceled loan, for the workflow to end CANCELED', async () => {
    tenant = newTenant();
    const loan = await loanIn('TO_VALIDATE');
    await run(tenant.acts.cancelLoan, { loanId: loan.id });
    const result = await run(tenant.acts.validateLoan, { loanId: loan.id });
    expect(result.status).toBe('CANCELED');
    expect((await tenant.controls.inventory()).validations).toBe(0);
  });

  it('validating a loan that never reached the review (declined) still fails, naming the refusal', async () => {
    tenant = newTenant();
    const loan = await loanIn('DECLINED', 'REJECT');
    const error = await run(tenant.acts.validateLoan, { loanId: loan.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).type).toBe('DefactoBadRequestError');
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('registering a known company again returns it without a second POST /borrowers', async () => {
    tenant = newTenant();
    const business = await run(tenant.acts.generateBusiness, { country: 'FRA' });
    const input = { business, signedAt: null, workflowId: tenant.workflowId };
    const postsBefore = (await tenant.controls.stats()).routes['POST /borrowers']?.count ?? 0;
    const first = await run(tenant.acts.createBorrower, input);
    const second = await run(tenant.acts.createBorrower, input);
    expect(second.id).toBe(first.id);
    expect((await tenant.controls.stats()).routes['POST /borrowers']?.count).toBe(postsBefore + 1);
  });
});

describe('activity results keep history small and free of documents, links and bank details', () => {
  it('the generated invoice summary carries no PDF and no IBAN; the contract check carries no link', async () => {
    tenant = newTenant();
    const borrower = await readyBorrower();
    const invoice = await invoiceOf(borrower);
    const contract = await run(tenant.acts.getContractLink, { borrowerId: borrower.id });
    const serialized = JSON.stringify({ invoice, contract, borrower });
    expect(contract.available).toBe(true);
    expect(serialized).not.toMatch(/JVBER|https?:\/\/|FR\d{2}\d{5}/);
    expect(serialized.length).toBeLessThan(1_500);
  });
});
