/**
 * The edge's operational routes over real HTTP: `/healthz` answers while the process is up, `/readyz`
 * says which dependency is down, `/metrics` counts requests by route and status and webhook refusals
 * exactly, and none of them needs a token.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto';
import { freePort } from '../../src/dev-server';
import { startHttpEdge, type HttpEdge } from '../../src/http/edge';
import { createLogger } from '../../src/logging';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { testEnv } from '../helpers/temporal';

const TOKEN = 'observability-backoffice-token';
const HOOK = 'observability-webhook-token';
const quiet = createLogger({ level: 'silent' });

/** The value of one sample in Prometheus text format (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('the edge\'s health, readiness and metrics', () => {
  let emulator: RunningEmulator;
  let edge: HttpEdge;
  let orphan: HttpEdge;

  beforeAll(async () => {
    const { client } = await testEnv();
    emulator = await startEmulator();
    const defacto = new DefactoClient({ baseUrl: emulator.url, apiKey: `obs-${randomUUID()}`, timeoutMs: 5_000 });
    edge = await startHttpEdge({
      temporalClient: client, taskQueue: 'observability', defacto, logger: quiet, subscribe: false,
      config: { backofficeToken: TOKEN, webhookToken: HOOK },
    });
    // An edge whose Defacto does not exist (nothing listens on that port).
    const nowhere = new DefactoClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: 'k', timeoutMs: 1_000 });
    orphan = await startHttpEdge({
      temporalClient: client, taskQueue: 'observability', defacto: nowhere, logger: quiet, subscribe: false,
      config: { backofficeToken: TOKEN, webhookToken: HOOK },
    });
  });

  afterAll(async () => {
    await edge?.close();
    await orphan?.close();
    await emulator?.close();
  });

  it('/healthz answers 200 without a token', async () => {
    const response = await fetch(`${edge.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when Temporal and Defacto answer, 503 naming Defacto when it does not', async () => {
    const ready = await fetch(`${edge.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { temporal: 'up', defacto: 'up' } });

    const notReady = await fetch(`${orphan.url}/readyz`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as { status: string; checks: { temporal: string; defacto: string } };
    expect(body.status).toBe('not_ready');
    expect(body.checks.temporal).toBe('up');
    expect(body.checks.defacto).toMatch(/^down: DefactoNetworkError$/);
  });

  it('/metrics counts requests by route and status, and webhook refusals by reason', async () => {
    const before = await (await fetch(`${edge.url}/metrics`)).text();
    const series = (route: string, status: number, method = 'GET') =>
      `http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`;

    for (let i = 0; i < 3; i += 1) expect((await fetch(`${edge.url}/loans/nope`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect((await fetch(`${edge.url}/loans/nope`)).status).toBe(401);
    const hook = (token: string, body: string) => fetch(`${edge.url}/webhooks/defacto/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await hook('wrong', '{}')).status).toBe(401);
    expect((await hook(HOOK, '{not json')).status).toBe(400);
    expect((await hook(HOOK, '{"event_type":"Loan.CLOSED"}')).status).toBe(400);

    const response = await fetch(`${edge.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const after = await response.text();
    const delta = (s: string) => sample(after, s) - sample(before, s);
    expect(delta(series('/loans/:workflowId', 404))).toBe(3);
    expect(delta(series('/loans/:workflowId', 401))).toBe(1);
    expect(delta(series('/webhooks/defacto/:token', 401, 'POST'))).toBe(1);
    expect(delta('defacto_webhooks_received_total')).toBe(3);
    expect(delta('defacto_webhooks_refused_total{reason="unauthorized"}')).toBe(1);
    expect(delta('defacto_webhooks_refused_total{reason="malformed"}')).toBe(2);
    // The probes themselves are not traffic.
    expect(after).not.toContain('route="/metrics"');
    expect(after).not.toContain('route="/readyz"');
    // The edge's own Defacto calls (here the readiness probe's) are counted by route and status.
    expect(sample(after, 'defacto_requests_total{method="GET",route="/webhooks",status="200",error_class="none"}')).toBeGreaterThanOrEqual(1);
  });
});
