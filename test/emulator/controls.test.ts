import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoanApi } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

describe('emulator controls', () => {
  let emulator: RunningEmulator;
  let client: Api;
  let controls: Api;
  beforeAll(async () => {
    emulator = await startEmulator({ clock: { startAt: '2030-01-01T00:00:00Z' } });
    client = api(emulator.url, 'controls');
    controls = api(emulator.url, null);
  });
  afterAll(() => emulator.close());

  it('report the virtual clock, which starts where asked and only moves forward', async () => {
    const { body: before } = await controls.get('/_emulator/clock');
    expect(before.now).toMatch(/^2030-01-01T00:00:0\d\.\d{6}\+00:00$/);
    const { body: after } = await controls.post('/_emulator/clock/advance', { ms: 3_600_000 });
    expect(after.now_ms - before.now_ms).toBeGreaterThanOrEqual(3_600_000);
    expect((await controls.post('/_emulator/clock/advance', { ms: -1 })).status).toBe(422);
  });

  it('switch a tenant to production repayment, and back', async () => {
    expect((await client.post('/_emulator/settings', { repayment: 'production' })).body).toEqual({ repayment: 'production' });
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { autoValidate: true });
    await loanReaches(client, loan.id, 'TO_REPAY');
    expect((await controls.post('/_emulator/repayments', { loan_id: loan.id })).status).toBe(200);
    await loanReaches(client, loan.id, 'CLOSED');
    expect((await client.post('/_emulator/settings', { repayment: null })).body).toEqual({ repayment: 'sandbox' });
    expect((await controls.post('/_emulator/repayments', { loan_id: 'nope' })).status).toBe(404);
  });

  it('count per tenant in the inventory, which needs the tenant key', async () => {
    expect((await controls.get('/_emulator/inventory')).status).toBe(401);
    const { body } = await client.get('/_emulator/inventory');
    expect(body).toMatchObject({ borrowers: 1, invoices: 1, loans: 1, validations: 0, loansByStatus: { CLOSED: 1 } });
  });

  it('forget everything on reset', async () => {
    const { body: loans } = await client.get('/loans');
    const id = (loans.data[0] as LoanApi).id;
    expect((await controls.post('/_emulator/reset')).status).toBe(204);
    expect((await client.get(`/loan/${id}`)).status).toBe(404);
    expect((await client.get('/_emulator/inventory')).body.loans).toBe(0);
    expect((await controls.get('/_emulator/nothing-here')).status).toBe(404);
  });
});
