import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookEventSchema, type WebhookEvent } from '../../src/defacto/wire';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, eventually, loanReaches, readyBorrower, requestGuideLoan, type Api } from './http';

const LOAN_EVENTS = ['Loan.SUBMITTED', 'Loan.PENDING_VALIDATION', 'Loan.TO_VALIDATE', 'Loan.VALIDATED', 'Loan.DECLINED',
  'Loan.CANCELED', 'Loan.SCHEDULED', 'Loan.INITIATED', 'Loan.TO_REPAY', 'Loan.CLOSED', 'Loan.ISSUE_DETECTED'];

/** A local subscriber: records every POST; `failNext` makes the next N answers a 500. */
async function startReceiver(): Promise<{ url: string; events: WebhookEvent[]; failNext: { count: number }; close(): Promise<void> }> {
  const events: WebhookEvent[] = [];
  const failNext = { count: 0 };
  const app: FastifyInstance = Fastify();
  app.post('/hook', async (request, reply) => {
    if (failNext.count > 0) {
      failNext.count -= 1;
      return reply.code(500).send({ error: 'try again' });
    }
    events.push(WebhookEventSchema.parse(request.body));
    return reply.code(204).send();
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `${address}/hook`, events, failNext, close: () => app.close() };
}

describe('webhooks', () => {
  let emulator: RunningEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: Api;
  let tenant = 0;
  beforeAll(async () => {
    emulator = await startEmulator({ webhookRetry: { baseDelayMs: 20, attempts: 4 } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });
  beforeEach(() => {
    tenant += 1;
    client = api(emulator.url, `hooks-${tenant}`);
    receiver.events.length = 0;
  });
  afterEach(async () => { await client.delete('/_emulator/faults'); });

  const subscribe = (eventTypes: string[]) =>
    client.post('/webhooks', { name: 'test', to_url: receiver.url, event_types: eventTypes });
  const statusesOf = (entityId: string) => receiver.events.filter((e) => e.id === entityId).map((e) => e.status);

  it('can be created, listed, patched and deleted', async () => {
    const created = await subscribe(['Loan.CLOSED']);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'test', to_url: receiver.url, event_types: ['Loan.CLOSED'] });
    expect((await client.get('/webhooks')).body).toMatchObject({ count: 1, data: [{ id: created.body.id }] });
    const patched = await client.patch(`/webhook/${created.body.id}`, { event_types: ['Loan.DECLINED', 'Loan.CLOSED'] });
    expect(patched.body).toMatchObject({ name: 'test', event_types: ['Loan.DECLINED', 'Loan.CLOSED'] });
    expect((await client.delete(`/webhook/${created.body.id}`)).status).toBe(204);
    expect((await client.get('/webhooks')).body.count).toBe(0);
    expect((await client.delete(`/webhook/${created.body.id}`)).status).toBe(404);
    const invalid = await client.post('/webhooks', { name: '', to_url: 'not a url', event_types: ['Loan.EXPLODED'] });
    expect(invalid.body.invalid_params.map((p: { name: string }) => p.name).sort()).toEqual(['event_types.0', 'name', 'to_url']);
  });

  it('delivers every loan transition, in order, with the documented payload', async () => {
    await subscribe(LOAN_EVENTS);
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { autoValidate: true });
    await loanReaches(client, loan.id, 'CLOSED');
    await eventually(async () => statusesOf(loan.id).includes('CLOSED'));
    expect(statusesOf(loan.id)).toEqual(['SUBMITTED', 'PENDING_VALIDATION', 'VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'CLOSED']);
    const closed = receiver.events.find((e) => e.event_type === 'Loan.CLOSED')!;
    expect(closed).toMatchObject({ entity_type: 'loan', transition_name: 'CLOSE', id: loan.id, entity_state: { id: loan.id, status: 'CLOSED' } });
  });

  it('sends only the subscribed event types, including invoice, payment and credit-line events', async () => {
    await subscribe(['Invoice.SUBMITTED', 'Invoice.VERIFIED', 'Payment.PAID', 'CreditLine.CREATED']);
    const { borrower, input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input, { autoValidate: true });
    await loanReaches(client, loan.id, 'CLOSED');
    // Different entities have independent queues: wait for all five events.
    await eventually(async () => receiver.events.length === 5);
    expect(receiver.events.map((e) => e.event_type).sort()).toEqual(
      ['CreditLine.CREATED', 'Invoice.SUBMITTED', 'Invoice.VERIFIED', 'Payment.PAID', 'Payment.PAID']);
    const created = receiver.events.find((e) => e.event_type === 'CreditLine.CREATED')!;
    expect(created.entity_state.borrower_id).not.toBe(borrower.id);
  });

  it('retries a delivery the receiver answered with a 500, before sending the next event of that entity', async () => {
    await subscribe(['Loan.SUBMITTED', 'Loan.PENDING_VALIDATION', 'Loan.TO_VALIDATE']);
    receiver.failNext.count = 1;
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input);
    await eventually(async () => statusesOf(loan.id).length === 3);
    expect(statusesOf(loan.id)).toEqual(['SUBMITTED', 'PENDING_VALIDATION', 'TO_VALIDATE']);
    const deliveries = (await client.get('/_emulator/webhooks/deliveries')).body.data;
    expect(deliveries[0]).toMatchObject({ event_type: 'Loan.SUBMITTED', attempts: 2, delivered: true, status: 'delivered' });
    expect(deliveries.slice(1).every((d: { attempts: number }) => d.attempts === 1)).toBe(true);
  });

  it('gives up after the bounded number of attempts', async () => {
    await subscribe(['Loan.SUBMITTED']);
    receiver.failNext.count = 100;
    try {
      const { input } = await readyBorrower(client);
      await requestGuideLoan(client, input);
      const [delivery] = await eventually(async () => {
        const data = (await client.get('/_emulator/webhooks/deliveries')).body.data;
        return data[0]?.status === 'failed' ? data : undefined;
      });
      expect(delivery).toMatchObject({ attempts: 4, delivered: false, last_response_status: 500 });
    } finally {
      receiver.failNext.count = 0;
    }
  });

  it('delivers each event twice with the duplicate fault on', async () => {
    await client.post('/_emulator/faults', { rules: [{ kind: 'webhook_duplicate' }] });
    await subscribe(['Loan.SUBMITTED', 'Loan.PENDING_VALIDATION']);
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input);
    await eventually(async () => statusesOf(loan.id).length === 4);
    expect(statusesOf(loan.id)).toEqual(['SUBMITTED', 'SUBMITTED', 'PENDING_VALIDATION', 'PENDING_VALIDATION']);
  });

  it('lets a later event overtake an earlier one with the reorder fault on', async () => {
    await client.post('/_emulator/faults', { rules: [{ kind: 'webhook_reorder', count: 1 }] });
    await subscribe(['Loan.SUBMITTED', 'Loan.PENDING_VALIDATION', 'Loan.TO_VALIDATE']);
    const { input } = await readyBorrower(client);
    const loan = await requestGuideLoan(client, input);
    await eventually(async () => statusesOf(loan.id).length === 3);
    expect(statusesOf(loan.id)).toEqual(['PENDING_VALIDATION', 'SUBMITTED', 'TO_VALIDATE']);
  });
});
