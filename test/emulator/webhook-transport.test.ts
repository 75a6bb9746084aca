/**
 * The dispatcher's HTTP delivery on its own: kept-alive connections, the per-attempt timeout (a silent
 * receiver is retried, then the delivery fails) and stop() aborting a request in flight.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/defacto/wire';
import { FaultInjector } from '../../src/emulator/faults';
import type { TenantState } from '../../src/emulator/store';
import { WebhookDispatcher, type WebhookRetryPolicy } from '../../src/emulator/webhook-dispatcher';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => { for (const close of closers.splice(0)) await close(); });

async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(answer);
  let connections = 0;
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, connections: () => connections };
}

function setUp(url: string, retry: Partial<WebhookRetryPolicy> = {}) {
  const dispatcher = new WebhookDispatcher(new FaultInjector(1), { attempts: 3, baseDelayMs: 5, maxDelayMs: 10, timeoutMs: 2_000, ...retry });
  closers.push(async () => { dispatcher.stop(); });
  const tenant = { key: 't1', webhooks: { items: [{ id: 'w1', eventTypes: ['Loan.CLOSED'], toUrl: url }] } } as unknown as TenantState;
  const publish = (id: string) => dispatcher.publish(tenant, { id, event_type: 'Loan.CLOSED', status: 'CLOSED' } as unknown as WebhookEvent);
  return { dispatcher, publish };
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('webhook delivery over HTTP', () => {
  it('delivers the JSON body and reuses kept-alive connections', async () => {
    const bodies: string[] = [];
    const hook = await receiver((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => { bodies.push(body); res.writeHead(200).end('ok'); });
    });
    const { dispatcher, publish } = setUp(hook.url);
    for (let i = 0; i < 5; i += 1) {
      publish(`loan-${i}`);
      await until(() => dispatcher.pendingCount() === 0);
    }
    expect(bodies.map((b) => (JSON.parse(b) as { id: string }).id)).toEqual(['loan-0', 'loan-1', 'loan-2', 'loan-3', 'loan-4']);
    expect(dispatcher.deliveries('t1').every((d) => d.status === 'delivered' && d.last_response_status === 200)).toBe(true);
    expect(hook.connections()).toBeLessThanOrEqual(2);
  });

  it('a receiver that never answers times out each attempt (status null), then the delivery fails', async () => {
    const hook = await receiver(() => { /* never answers */ });
    const { dispatcher, publish } = setUp(hook.url, { timeoutMs: 100, attempts: 2 });
    publish('loan-1');
    await until(() => dispatcher.deliveries('t1')[0]?.status === 'failed');
    expect(dispatcher.deliveries('t1')[0]).toMatchObject({ attempts: 2, last_response_status: null, delivered: false });
  });

  it('stop() aborts a delivery in flight at once', async () => {
    let received = false;
    const hook = await receiver(() => { received = true; });
    const { dispatcher, publish } = setUp(hook.url, { timeoutMs: 60_000 });
    publish('loan-1');
    await until(() => received);
    const started = Date.now();
    dispatcher.stop();
    await until(() => dispatcher.pendingCount() === 0, 2_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
