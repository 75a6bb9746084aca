/**
 * The world the client tests against the emulator share: one emulator per test file, a client on a fresh
 * tenant per test (the bearer token is the tenant), and the businesses and loans a test starts from.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { DefactoClient, type DefactoClientOptions } from '../../src/defacto/client';
import type { ApiPostBorrower, ApiPostLoan, LoanApi } from '../../src/defacto/wire';
import type { EmulatorOptions } from '../../src/emulator/app';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';

/** The file's emulator (started before its tests, closed after) and clients on fresh tenants of it. */
export interface EmulatorWorld {
  /** Base URL of the running emulator. */
  url(): string;
  /** A client on a fresh tenant; `extra` overrides the world's client options. */
  newClient(extra?: Partial<DefactoClientOptions>): DefactoClient;
}

/** Starts an emulator with `options` for the calling test file; clients time out after `timeoutMs` unless told otherwise. */
export function emulatorWorld(options: EmulatorOptions, timeoutMs = 5_000): EmulatorWorld {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => { emulator = await startEmulator(options); });
  afterAll(async () => { await emulator?.close(); });
  const url = () => {
    if (!emulator) throw new Error('the emulator starts in beforeAll: call url() inside a test');
    return emulator.url;
  };
  return {
    url,
    newClient: (extra = {}) => new DefactoClient({ baseUrl: url(), apiKey: `sk_test_${randomUUID()}`, timeoutMs, ...extra }),
  };
}

/** `business` named by its SIREN, as requests name a business. */
export const siren = (business: ApiPostBorrower) => ({ identifier: business.identifier, identifier_type: 'siren' as const });

/** A generated business enrolled as a borrower and READY. */
export async function readyBorrower(client: DefactoClient): Promise<ApiPostBorrower> {
  const business = await client.sandbox.generateBusiness({ isBorrower: true });
  await client.borrowers.create({ ...business, wait_for_ready: true });
  return business;
}

/** A loan request (not auto-validated) for a fresh sandbox invoice of `business`, paid out to the invoice's account. */
export async function loanRequestOf(client: DefactoClient, business: ApiPostBorrower): Promise<ApiPostLoan> {
  const { invoice_creation_payload: invoice } = await client.sandbox.generateInvoice({
    scenario: 'SUCCESS', seller: { ...siren(business), name: business.name ?? null },
  });
  return {
    amount: invoice.to_pay_amount ?? 0, loan_to: invoice.to_account!, to_pay_at: new Date().toISOString(), to_repay_at: invoice.due_at!,
    invoices: [{ ...invoice, buyer: invoice.buyer!, seller: invoice.seller!, invoice_number: invoice.invoice_number!,
      issued_at: invoice.issued_at!, due_at: invoice.due_at!, total_amount: invoice.total_amount! }],
  };
}

/** A loan of `business`, validated and disbursed, parked in TO_REPAY (an emulator in production repayment mode). */
export async function loanToRepay(client: DefactoClient, business: ApiPostBorrower): Promise<LoanApi> {
  const loan = await client.loans.request({ ...await loanRequestOf(client, business), auto_validate: true, salt_id: randomUUID() });
  for (let i = 0; i < 200; i += 1) {
    const current = await client.loans.get(loan.id);
    if (current.status === 'TO_REPAY') return current;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the loan never reached TO_REPAY');
}
