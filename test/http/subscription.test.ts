/**
 * The webhook subscription at start-up and the edge's small pure rules: looked up by URL before it
 * is created, secrets compared in full, visibility queries built only from validated values.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto';
import { loanListQuery } from '../../src/http/loan-directory';
import { secretMatches } from '../../src/http/plugins/bearer-auth';
import { webhookUrl } from '../../src/http/routes/webhooks';
import { ACTIONABLE_EVENT_TYPES, ensureWebhookSubscription, LIFECYCLE_EVENT_TYPES } from '../../src/http/subscription';
import { startEmulator } from '../helpers/emulator';

const emulator = await startEmulator();
afterAll(() => emulator.close());

function tenant(): DefactoClient {
  return new DefactoClient({ baseUrl: emulator.url, apiKey: `subscription-${randomUUID()}` });
}

describe('ensureWebhookSubscription', () => {
  it('creates the subscription once; a second start-up finds it by URL', async () => {
    const defacto = tenant();
    const url = webhookUrl('https://edge.example.test/', 'secret-token');
    expect(url).toBe('https://edge.example.test/webhooks/defacto/secret-token');

    const first = await ensureWebhookSubscription(defacto, url);
    const second = await ensureWebhookSubscription(defacto, url);
    expect(first.action).toBe('created');
    expect(second.action).toBe('existing');
    expect(second.webhook.id).toBe(first.webhook.id);
    const all = await defacto.webhooks.list().all();
    expect(all.filter((w) => w.to_url === url)).toHaveLength(1);
    expect([...(all[0]?.event_types ?? [])].sort()).toEqual([...ACTIONABLE_EVENT_TYPES].sort());
  });

  it('replaces a subscription to the same URL that lacks event types, keeping the ones it had', async () => {
    const defacto = tenant();
    const url = webhookUrl('https://edge.example.test', 'another-token');
    await defacto.webhooks.create({ name: 'old', to_url: url, event_types: ['Loan.CLOSED', 'Invoice.VERIFIED'] });

    const ensured = await ensureWebhookSubscription(defacto, url);
    expect(ensured.action).toBe('replaced');
    const all = await defacto.webhooks.list().all();
    expect(all).toHaveLength(1);
    expect(all[0]?.event_types).toEqual(expect.arrayContaining([...ACTIONABLE_EVENT_TYPES, 'Loan.CLOSED', 'Invoice.VERIFIED']));
  });

  it('keeps an older, wider subscription as it is (the edge acknowledges the events it does not act on)', async () => {
    const defacto = tenant();
    const url = webhookUrl('https://edge.example.test', 'wide-token');
    const wide = await defacto.webhooks.create({ name: 'old', to_url: url, event_types: [...LIFECYCLE_EVENT_TYPES] });

    const ensured = await ensureWebhookSubscription(defacto, url);
    expect(ensured).toMatchObject({ action: 'existing', webhook: { id: wide.id } });
    expect((await defacto.webhooks.list().all()).filter((w) => w.to_url === url)).toHaveLength(1);
  });
});

describe('secretMatches', () => {
  it('matches only the exact secret, never an unset one', () => {
    expect(secretMatches('token-1', 'token-1')).toBe(true);
    expect(secretMatches('token-1', 'token-2')).toBe(false);
    expect(secretMatches('token-1x', 'token-1')).toBe(false);
    expect(secretMatches('token', 'token-1')).toBe(false);
    expect(secretMatches(undefined, 'token-1')).toBe(false);
    expect(secretMatches('', '')).toBe(false);
    expect(secretMatches('anything', undefined)).toBe(false);
  });
});

describe('loanListQuery', () => {
  it('scopes the listing to loan workflows of the task queue, with the statuses given', () => {
    expect(loanListQuery('loans', ['TO_VALIDATE', 'CLOSED'])).toBe(
      "WorkflowType = 'loanLifecycleWorkflow' AND TaskQueue = 'loans' AND LoanStatus IN ('TO_VALIDATE', 'CLOSED')",
    );
    expect(loanListQuery("q' OR '1'='1")).toBe("WorkflowType = 'loanLifecycleWorkflow' AND TaskQueue = 'q\\' OR \\'1\\'=\\'1'");
  });
});
