/**
 * `npm run test:ui`: the Temporal Web UI checked in a real browser. Brings up the stack (dev server with
 * its Web UI pointed at our codec server, the emulator, a worker), starts loans in every state, then drives
 * Debian's Chromium headless (playwright-core, no browser download) through the list view filtered by our
 * search attributes and through a loan's page, and asserts what an operator reads there: the summary line,
 * the details, the current details, labelled timers and activities, the decoded input. Screenshots go to
 * `.cache/ui/`. Exit code 0 when every check passed, 1 otherwise (each failed check is named).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CommandError, runAsMain } from '../../src/cli';
import { startCodecServer } from '../../src/codec/codec-server';
import { runCommand } from '../../src/command-line';
import { EMULATOR_API_KEY, loadConfig } from '../../src/config';
import { freePort } from '../../src/dev-server';
import { createLogger } from '../../src/logging';
import { startStack, type Stack } from '../../src/stack';
import { emulatorControls } from '../activities/emulator-controls';
import { startLoansInEveryState, type LoanKind } from '../operators/loans-in-every-state';

const root = resolve(import.meta.dirname, '../..');
const defaultShots = join(root, '.cache', 'ui');
const started = Date.now();
const say = (line: string) => process.stdout.write(`[test:ui] ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${line}\n`);

function chromiumPath(): string {
  const recorded = join(root, '.tools', 'chromium-path');
  const path = process.env.CHROMIUM_PATH ?? (existsSync(recorded) ? readFileSync(recorded, 'utf8').trim() : '');
  if (!path || !existsSync(path)) {
    throw new CommandError('Chromium not found: run `node scripts/bootstrap.mjs --chromium` (apt-get install chromium as root) or set CHROMIUM_PATH', 1);
  }
  return path;
}

const failures: string[] = [];
/** Set once the browser runs: a screenshot of the page a failed check left behind. */
let failureShot: ((name: string) => Promise<void>) | undefined;
let checks = 0;
async function check(name: string, run: () => Promise<void>): Promise<void> {
  checks += 1;
  try {
    await run();
    say(`ok    ${name}`);
  } catch (error) {
    failures.push(name);
    await failureShot?.(name).catch(() => undefined);
    say(`FAIL  ${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** The visible text of the page and its frames (the Web UI renders user metadata markdown in iframes). */
async function pageText(page: Page): Promise<string> {
  const texts = await Promise.all(page.frames().map((frame) => frame.locator('body').innerText().catch(() => '')));
  return texts.join('\n');
}

/** Waits until the page's visible text contains every one of `texts` (the Web UI renders asynchronously). */
async function expectText(page: Page, texts: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing: string[] = [...texts];
  while (Date.now() < deadline) {
    const body = await pageText(page);
    missing = texts.filter((t) => !body.includes(t));
    if (missing.length === 0) return;
    await page.waitForTimeout(500);
  }
  throw new Error(`not shown: ${missing.map((t) => JSON.stringify(t)).join(', ')}`);
}

async function expectNoText(page: Page, texts: readonly string[]): Promise<void> {
  const body = await pageText(page);
  const shown = texts.filter((t) => body.includes(t));
  if (shown.length > 0) throw new Error(`shown but should not be: ${shown.join(', ')}`);
}

async function main(shots: string): Promise<number> {
  const executablePath = chromiumPath();
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const config = loadConfig();
  const logger = createLogger({ level: 'warn' });
  const uiPort = await freePort();
  const codecToken = randomBytes(16).toString('hex');
  const codecServer = await startCodecServer({
    keyring: config.dataProtection.keyring, token: codecToken,
    corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
  });
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  try {
    say('starting the dev server with its Web UI (codec endpoint set), the emulator and a worker…');
    stack = await startStack({
      logger,
      temporal: { address: undefined, devServer: { ui: true, uiPort, uiCodecEndpoint: `${codecServer.url}/${codecToken}` } },
      emulator: { run: 'in-process', options: { timing: 'instant', repayment: 'sandbox' } },
    });
    const ui = stack.temporal.uiUrl;
    if (!ui) throw new Error('the dev server has no Web UI');
    const taskQueue = `ui-${randomUUID().slice(0, 8)}`;
    await stack.startWorkers({ taskQueue, defacto: { apiKey: EMULATOR_API_KEY } });
    const controls = emulatorControls(stack.emulator?.url ?? '', EMULATOR_API_KEY);
    say(`Web UI ${ui}; starting loans in every state on ${taskQueue}…`);
    const ids = await startLoansInEveryState({
      client: stack.client, taskQueue, prefix: `ui-${randomUUID().slice(0, 6)}`,
      setRepaymentMode: (mode) => controls.setRepaymentMode(mode), searchTagKey: config.dataProtection.searchTagKey, onProgress: say,
    });

    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1400 } });
    failureShot = async (name) => {
      await page.screenshot({ path: join(shots, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`), fullPage: true });
    };
    const ns = encodeURIComponent(stack.temporal.namespace);
    const all = Object.values(ids);
    const listOf = async (query: string, expected: readonly LoanKind[], shot: string): Promise<void> => {
      await page.goto(`${ui}/namespaces/${ns}/workflows?query=${encodeURIComponent(`${query} AND TaskQueue="${taskQueue}"`)}`);
      await expectText(page, expected.map((k) => ids[k]));
      await expectNoText(page, all.filter((id) => !expected.some((k) => ids[k] === id)));
      await page.screenshot({ path: join(shots, shot), fullPage: true });
    };

    await check('the list filtered by AwaitingDecision=true shows exactly the loan awaiting a decision (list-awaiting-decision.png)', () =>
      listOf('AwaitingDecision=true', ['awaiting'], 'list-awaiting-decision.png'));
    await check('the list filtered by Outcome="CANCELED" shows exactly the canceled loan (list-outcome-canceled.png)', () =>
      listOf('Outcome="CANCELED"', ['canceled'], 'list-outcome-canceled.png'));
    await check('the list filtered by RepaymentDueAt within 7 days shows exactly the loan due (list-due-this-week.png)', () =>
      listOf(`RepaymentDueAt < "${new Date(Date.now() + 7 * 86_400_000).toISOString()}" AND ExecutionStatus="Running"`, ['repaying'], 'list-due-this-week.png'));
    await check('the list view offers our search attributes as filters (list-filters.png)', async () => {
      await page.goto(`${ui}/namespaces/${ns}/workflows`);
      const filter = page.getByRole('button', { name: /filter/i }).first();
      await filter.click({ timeout: 15_000 });
      await expectText(page, ['AwaitingDecision', 'Outcome', 'RepaymentDueAt', 'StepInProgress']);
      await page.screenshot({ path: join(shots, 'list-filters.png'), fullPage: true });
    });

    const loanPage = async (kind: LoanKind, tab: 'history' | 'user-metadata' = 'history'): Promise<void> => {
      const { runId } = await stack!.client.workflow.getHandle(ids[kind]).describe();
      await page.goto(`${ui}/namespaces/${ns}/workflows/${encodeURIComponent(ids[kind])}/${runId}/history`);
      if (tab === 'user-metadata') await page.getByText('User Metadata', { exact: true }).first().click({ timeout: 15_000 });
    };
    await check('a loan awaiting a decision shows its summary, details and current details with the actions (loan-awaiting-decision.png)', async () => {
      await loanPage('awaiting', 'user-metadata');
      await expectText(page, [
        'Loan amount from the generated invoice · invoice FK-INVOICE-',
        'Acceptance policy:',
        'Operator actions now:',
        'approve the offer',
      ]);
      await page.screenshot({ path: join(shots, 'loan-awaiting-decision.png'), fullPage: true });
    });
    await check('its timers and activities are labelled in the history (loan-awaiting-decision-events.png)', async () => {
      await loanPage('awaiting');
      await expectText(page, ['wait for an operator decision', 'Defacto: request the loan']);
      await page.screenshot({ path: join(shots, 'loan-awaiting-decision-events.png'), fullPage: true });
    });
    await check('through the codec endpoint, the input reads decoded (loan-input-decoded.png)', async () => {
      await loanPage('repaying');
      const input = page.getByText(/^Input/).first();
      await input.click({ timeout: 5_000 }).catch(() => undefined);
      await expectText(page, ['requestReference', `${ids.repaying.replace(/^loan-ref-/, '')}`]);
      await page.screenshot({ path: join(shots, 'loan-input-decoded.png'), fullPage: true });
    });
    await check('a closed loan reads its outcome in its current details (loan-closed.png)', async () => {
      await loanPage('closed', 'user-metadata');
      await expectText(page, ['Outcome:', 'CLOSED']);
      await page.screenshot({ path: join(shots, 'loan-closed.png'), fullPage: true });
    });
  } finally {
    await browser?.close().catch(() => undefined);
    await stack?.stop().catch(() => undefined);
    await codecServer.close().catch(() => undefined);
  }
  say(`${checks - failures.length}/${checks} checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots in ${shots}`);
  if (failures.length > 0) say(`failed: ${failures.join('; ')}`);
  return failures.length === 0 ? 0 : 1;
}

const TEST_UI_COMMAND = {
  usage: 'npm run test:ui -- [--shots DIR]',
  description: 'Checks the Temporal Web UI in headless Chromium (Debian `chromium`, installed by the bootstrap as root):\n'
    + 'the list filtered by our search attributes, a loan\'s summary, details, current details, labelled timers and\n'
    + 'decoded input, on a dev server holding loans in every state. Screenshots in .cache/ui/. Exit 0 when all pass.',
  options: {
    shots: { type: 'string', value: 'DIR', help: 'where the screenshots go (default .cache/ui; emptied first)' },
  },
} as const;

runAsMain(import.meta.url, () => runCommand(TEST_UI_COMMAND, process.argv.slice(2), (values) => values, (values) => main(values.shots === undefined ? defaultShots : resolve(values.shots))));
