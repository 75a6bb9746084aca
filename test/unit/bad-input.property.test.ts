/**
 * Bad input, generated: every invalid loan request is refused by the starter (pure validation, and
 * the CLI process with exit code 2 and one line naming the field), and by the emulator's
 * `POST /loans` over real HTTP (422 naming the field, nothing created), and nothing crashes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidLoanRequestError, parseLoanRequest } from '../../src/domain/schemas';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { api, invoiceFor, readyBorrower, type Api } from '../emulator/http';
import {
  invalidEmulatorLoan, invalidLoanRequest, namesField, validEmulatorLoan, validLoanRequest, type InvalidCase,
} from './bad-input.arbitraries';

const RUNS = 1_000;

describe("the starter's validation of generated bad input", () => {
  it('accepts the valid requests the invalid ones are derived from (so each refusal is due to the one broken field)', () => {
    fc.assert(fc.property(validLoanRequest, (body) => {
      const parsed = parseLoanRequest(body);
      expect(parsed.ok, parsed.ok ? '' : parsed.error.message).toBe(true);
    }), { numRuns: 300 });
  });

  it(`refuses ${RUNS} generated invalid requests, each with a typed error whose one-line message names the broken field`, () => {
    const fields = new Set<string>();
    fc.assert(fc.property(invalidLoanRequest, (c) => {
      const parsed = parseLoanRequest(c.body);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.error).toBeInstanceOf(InvalidLoanRequestError);
      expect(parsed.error.message).not.toContain('\n');
      const params = parsed.error.issues.map((i) => ({ name: i.path, reason: i.message }));
      expect(namesField(params, c, '(request)'), `${c.kind} ${c.field}: ${parsed.error.message}`).toBe(true);
      fields.add(`${c.kind}:${c.field}`);
    }), { numRuns: RUNS });
    expect(fields.size).toBeGreaterThan(30);
  });
});

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the starter CLI; resolves with its exit code and output. */
function runStarter(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/starter.ts', ...args], {
      cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the starter CLI on bad input', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'starter-bad-input-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with one line naming the field (bad arguments: then the usage), for sampled invalid input files and bad arguments, and starts nothing', async () => {
    const samples = fc.sample(invalidLoanRequest.filter((c) => c.kind === 'value' || c.kind === 'missing'), { numRuns: 3, seed: 20_240_601 });
    const cases: { args: string[]; names: string; usage?: boolean }[] = samples.map((c: InvalidCase, i) => {
      const file = join(dir, `invalid-${i}.json`);
      writeFileSync(file, JSON.stringify(c.body));
      return { args: ['--input', file], names: c.field };
    });
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{"borrower": ');
    cases.push(
      { args: ['--generate', '--scenario', 'BOGUS'], names: 'invoice.scenario' },
      { args: ['--generate', '--reference', 'has space'], names: 'requestReference' },
      { args: ['--input', notJson], names: 'cannot read' },
      { args: ['--generate', '--bogus'], names: '--bogus', usage: true },
      { args: [], names: '--input', usage: true },
    );
    const results = await Promise.all(cases.map((c) => runStarter(c.args)));
    results.forEach((result, i) => {
      const expected = cases[i]!;
      const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(result.code, `${expected.args.join(' ')} → ${result.stderr}`).toBe(2);
      // Bad input: one line. A bad command line: one line naming the problem, then the usage.
      if (expected.usage) expect(lines[1], expected.args.join(' ')).toMatch(/^usage: npm run starter /);
      else expect(lines, expected.args.join(' ')).toHaveLength(1);
      expect(lines[0]).toContain(expected.names);
      expect(result.stdout).not.toContain('started');
    });
  }, 60_000);
});

describe("the emulator's POST /loans on generated bad input (over HTTP)", () => {
  let emulator: RunningEmulator;
  let client: Api;
  let invoiceId: string;
  const inventory = async () => (await client.get<{ loans: number; invoices: number; borrowers: number }>('/_emulator/inventory')).body;

  beforeAll(async () => {
    emulator = await startEmulator();
    client = api(emulator.url, 'bad-input-tenant');
    const { input } = await readyBorrower(client);
    const generated = await invoiceFor(client, input);
    const created = await client.post<{ id: string }>('/invoices', generated.invoice_creation_payload);
    expect(created.status).toBe(201);
    invoiceId = created.body.id;
  });
  afterAll(async () => {
    await emulator.close();
  });

  it(`answers ${RUNS} generated invalid loan requests with a 422 naming the field, creates nothing and keeps serving`, async () => {
    const before = await inventory();
    const fields = new Set<string>();
    await fc.assert(fc.asyncProperty(invalidEmulatorLoan(invoiceId), async (c) => {
      const answer = await client.post<{ status: number; type: string; invalid_params?: { name: string; reason: string }[] }>('/loans', c.body);
      expect(answer.status, JSON.stringify(c.body)).toBe(422);
      expect(answer.body.type).toMatch(/#validation_error$/);
      expect(namesField(answer.body.invalid_params ?? [], c, 'body'), `${c.field}: ${JSON.stringify(answer.body.invalid_params)}`).toBe(true);
      fields.add(c.field);
    }), { numRuns: RUNS });
    expect(fields.size).toBeGreaterThan(15);
    expect(await inventory()).toEqual(before);
    expect(before.loans).toBe(0);
  });

  it('refuses a body that is not JSON with a 400 problem, creating nothing', async () => {
    const answer = await client.raw('/loans', { method: 'POST', body: '{"amount": 1', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect((await inventory()).loans).toBe(0);
  });

  it('creates the loan when the same base request is left valid (the inventory does see creations)', async () => {
    const [body] = fc.sample(validEmulatorLoan(invoiceId), { numRuns: 1, seed: 7 });
    const answer = await client.post('/loans', body);
    expect(answer.status).toBe(201);
    expect((await inventory()).loans).toBe(1);
  });
});
