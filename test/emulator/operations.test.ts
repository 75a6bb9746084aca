import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/emulator/operations';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, type Api } from './http';

/** Defacto's OpenAPI document next to the project (never copied into it); the comparison is skipped without it. */
const OPENAPI = [
  process.env.DEFACTO_OPENAPI_PATH,
  resolve(process.cwd(), '../shared/defacto-reference/defacto-openapi.json'),
  '/work/shared/defacto-reference/defacto-openapi.json',
].find((path): path is string => path !== undefined && existsSync(path));

const concrete = (path: string) => path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');

describe('the operation table', () => {
  let emulator: RunningEmulator;
  let client: Api;
  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, 'operations');
  });
  afterAll(() => emulator.close());

  it.skipIf(OPENAPI === undefined)("lists exactly the OpenAPI document's 77 operations", () => {
    const document = JSON.parse(readFileSync(OPENAPI!, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(OPERATIONS.map((o) => `${o.method} ${o.path}`).sort()).toEqual(documented.sort());
    expect(OPERATIONS).toHaveLength(77);
  });

  it('emulates 59 of the 77 operations; the 18 others are cards, billing, business-data sharing, segments, subscriptions, as docs/emulator.md says', () => {
    const emulated = OPERATIONS.filter((o) => o.emulated);
    const missing = OPERATIONS.filter((o) => !o.emulated);
    expect(emulated).toHaveLength(59);
    expect(missing).toHaveLength(18);
    expect([...new Set(missing.map((o) => o.family))].sort()).toEqual(['billing', 'business-data', 'cards', 'segments', 'subscriptions']);
    expect([...new Set(emulated.map((o) => o.family))].sort()).toEqual(['counterparties', 'lending', 'onboarding', 'recollection', 'repayment']);
    const doc = readFileSync(resolve(__dirname, '../../docs/emulator.md'), 'utf8');
    expect(doc).toContain(`**Emulated (${emulated.length})**`);
    expect(doc).toContain(`**501 with a problem naming the operation (${missing.length})**`);
  });

  it('every operation the emulator does not emulate answers 501 with a problem naming it', async () => {
    const missing = OPERATIONS.filter((o) => !o.emulated);
    expect(missing.length).toBeGreaterThan(0);
    for (const { method, path, family } of missing) {
      const answer = await client.raw(concrete(path), { method });
      expect(answer.status, `${method} ${path}`).toBe(501);
      expect(answer.body).toMatchObject({
        status: 501, type: expect.stringContaining('#not_implemented'), data: { operation: `${method} ${path}`, family },
      });
    }
  });

  it('every emulated operation has a route (never the 404 "No route", never 501)', async () => {
    for (const { method, path } of OPERATIONS.filter((o) => o.emulated)) {
      const answer = await client.raw(concrete(path), { method, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
      expect(answer.status, `${method} ${path}`).not.toBe(501);
      expect(String((answer.body as { detail?: string }).detail ?? ''), `${method} ${path}`).not.toMatch(/^No route/);
    }
  });

  it('an unauthenticated call to a not-emulated operation is still a 401 first', async () => {
    expect((await api(emulator.url, null).get('/cards')).status).toBe(401);
  });
});
