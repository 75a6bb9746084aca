/**
 * The operator cookbook of docs/operations.md cannot drift: every row's Web UI query runs through the
 * client's visibility API, its CLI command through `npm run temporal`, and its HTTP route through the
 * back-office API, against the run's dev server holding loans in every state; each must find exactly the
 * expected loans.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app';
import { createLogger } from '../../src/logging';
import { eventually } from '../helpers/temporal';
import type { RunningEmulator } from '../helpers/emulator';
import { fileEmulator, lifecycleWorld, type LifecycleWorld } from '../workflows/harness';
import { startLoansInEveryState, type LoanKind } from './loans-in-every-state';

const root = resolve(import.meta.dirname, '../..');
const TOKEN = `bo-${randomUUID()}`;

/** Which loans each documented question must find (keyed by the question as written). */
const EXPECTED: Record<string, readonly LoanKind[]> = {
  'Which offers await my decision?': ['awaiting'],
  'Which of them expire within a day (then the loan is canceled)?': ['awaiting'],
  'Which repayments are late?': [],
  'What is due this week?': ['repaying'],
  'Which loans are disbursed and not repaid yet?': ['repaying'],
  'Which loans ended repaid?': ['closed'],
  'Which did Defacto decline?': ['declined'],
  'Which were canceled (by an operator, the review deadline or a cancellation request)?': ['canceled'],
  'Which loans are still in progress?': ['awaiting', 'repaying'],
};

interface Row { readonly question: string; readonly query: string; readonly cli: string; readonly http: string }

/** The rows of the cookbook table, between its markers. */
function cookbookRows(): Row[] {
  const doc = readFileSync(resolve(root, 'docs/operations.md'), 'utf8');
  const table = /<!-- cookbook:begin -->\n([\s\S]*?)<!-- cookbook:end -->/.exec(doc)?.[1] ?? '';
  const code = (cell: string) => cell.trim().replace(/^`|`$/g, '');
  return table.trim().split('\n').slice(2).map((line) => {
    const [question = '', query = '', cli = '', http = ''] = line.replace(/^\||\|$/g, '').split(' | ');
    return { question: question.trim(), query: code(query), cli: code(cli), http: code(http) };
  });
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const concrete = (text: string) => text.replaceAll('<now+1d>', inDays(1)).replaceAll('<now+7d>', inDays(7));

function runCli(args: readonly string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, ['scripts/temporal.mjs', ...args], { cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args.join(' ')}: ${stderr || error.message}`));
      else resolveRun(stdout);
    });
  });
}

/** The shell words of a documented command (single or double quotes, no escapes). */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

let emulator: RunningEmulator;
let world: LifecycleWorld;
let app: FastifyInstance;
let ids: Record<LoanKind, string>;
const rows = cookbookRows();

beforeAll(async () => {
  emulator = await fileEmulator();
  world = await lifecycleWorld(emulator);
  app = await buildHttpApp({
    temporalClient: world.env.client, taskQueue: world.taskQueue, defacto: world.defacto, logger: createLogger({ level: 'silent' }),
    config: { backofficeToken: TOKEN, webhookToken: `wh-${randomUUID()}` },
  });
  ids = await startLoansInEveryState({
    client: world.env.client, taskQueue: world.taskQueue, prefix: `cookbook-${randomUUID().slice(0, 8)}`,
    setRepaymentMode: (mode) => world.controls.setRepaymentMode(mode),
  });
}, 180_000);
afterAll(async () => {
  await app?.close();
  await world?.close();
  await emulator?.close();
});

const expectedIds = (question: string) => (EXPECTED[question] ?? []).map((kind) => ids[kind]).sort();

describe('the operator cookbook (docs/operations.md)', () => {
  it('documents exactly the questions this test checks, each with a query and its CLI command', () => {
    expect(rows.map((r) => r.question)).toEqual(Object.keys(EXPECTED));
    for (const row of rows) {
      expect(row.cli).toBe(`npm run temporal -- workflow list --address "$TEMPORAL_ADDRESS" --query '${row.query}'`);
    }
  });

  it.each(rows.map((r) => [r.question, r] as const))('%s: the Web UI query finds exactly the expected loans', async (question, row) => {
    const query = `(${concrete(row.query)}) AND TaskQueue = "${world.taskQueue}"`;
    await eventually(async () => {
      const found: string[] = [];
      for await (const wf of world.env.client.workflow.list({ query })) found.push(wf.workflowId);
      expect(found.sort()).toEqual(expectedIds(question));
    }, { timeoutMs: 15_000, intervalMs: 250 });
  });

  it.each(rows.map((r) => [r.question, r] as const))('%s: the CLI command finds the same loans', async (question, row) => {
    const words = shellWords(concrete(row.cli).replace('$TEMPORAL_ADDRESS', world.env.address));
    expect(words.slice(0, 4)).toEqual(['npm', 'run', 'temporal', '--']);
    const args = words.slice(4);
    const at = args.indexOf('--query');
    args[at + 1] = `(${args[at + 1]}) AND TaskQueue = "${world.taskQueue}"`;
    const stdout = await runCli([...args, '--output', 'json']);
    const found = [...stdout.matchAll(/"workflowId":\s*"([^"]+)"/g)].map((m) => m[1]);
    expect([...new Set(found)].sort()).toEqual(expectedIds(question));
  });

  it.each(rows.filter((r) => r.http !== '').map((r) => [r.question, r] as const))('%s: the HTTP route lists the same loans', async (question, row) => {
    const [method, url] = row.http.split(' ');
    const response = await app.inject({ method: method as 'GET', url: url ?? '', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    const items = (response.json() as { items: { workflowId: string }[] }).items;
    expect(items.map((i) => i.workflowId).sort()).toEqual(expectedIds(question));
  });
});
