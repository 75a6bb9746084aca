import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiBorrower, Page, PaymentApi } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

describe('cursor pagination', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, 'pages');
  });
  afterAll(() => emulator.close());

  const addBorrower = async (): Promise<ApiBorrower> => {
    const { body: business } = await client.get('/sandbox/business-generator');
    return (await client.post<ApiBorrower>('/borrowers', business)).body;
  };

  it('walks 3+ pages without repeating or skipping items while others are inserted between pages', async () => {
    const original: string[] = [];
    for (let i = 0; i < 8; i += 1) original.push((await addBorrower()).id!);

    const seen: string[] = [];
    let page = (await client.get<Page<ApiBorrower>>('/borrowers?page_size=3')).body;
    expect(page).toMatchObject({ count: 3, page_size: 3, previous_page: null, total: 8 });
    expect(Object.keys(page).sort()).toEqual(['count', 'data', 'next_page', 'page_size', 'previous_page', 'total']);
    let pages = 1;
    seen.push(...page.data.map((b) => b.id!));
    while (page.next_page) {
      expect(page.next_page).toMatch(/^\/borrowers\?.*cursor=/);
      await addBorrower();
      page = (await client.get<Page<ApiBorrower>>(page.next_page)).body;
      pages += 1;
      seen.push(...page.data.map((b) => b.id!));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...original].reverse());
  });

  it('goes back with previous_page to the page before', async () => {
    const first = (await client.get<Page<ApiBorrower>>('/borrowers?page_size=2')).body;
    const second = (await client.get<Page<ApiBorrower>>(first.next_page!)).body;
    expect(second.previous_page).toMatch(/cursor=p/);
    const back = (await client.get<Page<ApiBorrower>>(second.previous_page!)).body;
    expect(back.data.map((b) => b.id)).toEqual(first.data.map((b) => b.id));
  });

  it('keeps filters in next_page and rejects a malformed cursor with a 422', async () => {
    const { body } = await client.get<Page<ApiBorrower>>('/borrowers?page_size=1&from_signed_at=2000-01-01T00:00:00Z');
    expect(body.next_page).toContain('from_signed_at=2000-01-01T00%3A00%3A00Z');
    const bad = await client.get('/borrowers?cursor=banana');
    expect(bad.status).toBe(422);
    expect(bad.body.invalid_params).toEqual([{ name: 'cursor', reason: 'malformed cursor' }]);
  });

  it('reads repeated query keys as arrays (loan_id, status)', async () => {
    const { input } = await readyBorrower(client);
    const a = await requestGuideLoan(client, input, { autoValidate: true });
    const b = await requestGuideLoan(client, input, { autoValidate: true, scenario: 'REJECT' });
    await loanReaches(client, a.id, 'CLOSED');
    await loanReaches(client, b.id, 'DECLINED');
    const both = (await client.get<Page<PaymentApi>>(`/payments?loan_id=${a.id}&loan_id=${b.id}`)).body;
    expect(both.total).toBe(2);
    const loans = (await client.get(`/loans?status=CLOSED&status=DECLINED`)).body;
    expect(loans.data.map((l: { id: string }) => l.id).sort()).toEqual([a.id, b.id].sort());
    const events = (await client.get(`/loan/${a.id}/events?page_size=3`)).body;
    expect(events).toMatchObject({ count: 3, total: 7 });
    expect(events.data[0].status).toBe('SUBMITTED');
  });
});
