/**
 * `npm run histories:record`: re-records the replay corpus. On a fresh dev server, with the emulator
 * (instant timing unless a scenario says otherwise) and a worker running the real activities, it runs
 * every scenario of `test/replay/scenarios.ts` end to end, checks each history shows what the scenario is
 * named after and carries no secret, and only then replaces `test/replay/histories/current/` (histories plus
 * `manifest.json`). Nothing is written when any scenario fails. The frozen corpora (`FROZEN_CORPORA`:
 * `histories/v1/` … `v4/`) are never written.
 *
 *   npm run histories:record                          # all scenarios, replaces the corpus
 *   npm run histories:record -- --only success fail   # dry run of some scenarios, writes nothing
 *   npm run histories:record -- --temporal HOST:PORT  # on an existing Temporal (workflow IDs get a run suffix)
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { runCommand, TEMPORAL_OPTION, UsageError } from '../src/command-line';
import { DefactoClient } from '../src/defacto';
import type { LoanOutcome, LoanProgress } from '../src/domain/loan';
import { parseLoanRequest, type LoanRequestInput } from '../src/domain/schemas';
import { createLogger } from '../src/logging';
import { recordingKeyring } from '../test/replay/recording-keys';
import { startStack, type Stack } from '../src/stack';
import { startLoan } from '../src/loans/start-loan';
import type { loanLifecycleWorkflow } from '../src/workflows';
import { progressQuery } from '../src/workflows/messages';
import {
  RECORDING_DIR, MANIFEST_FILE, historyFiles, historyStrings, type Manifest, type RecordedHistory,
} from '../test/replay/history-files';
import { historyToJson } from '../test/replay/history-json';
import { REPLAY_SCENARIOS, type JsonHistory, type ReplayScenario } from '../test/replay/scenarios';
import { runAsMain } from '../src/cli';

/** Polling of recorded runs unless a scenario sets its own: fast, like the lifecycle tests. */
const FAST_POLLING = { initialMs: 50, maxMs: 200, multiplier: 2, idleCheckMs: 300 } as const;
const SCENARIO_TIMEOUT_MS = 60_000;
const WORKFLOW_TYPE = 'loanLifecycleWorkflow';

const quiet = createLogger({ level: 'silent' });

interface Secrets {
  readonly apiKey: string;
  readonly webhookToken: string;
  readonly backofficeToken: string;
}

interface RecordedFile {
  readonly entry: RecordedHistory;
  readonly json: string;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = SCENARIO_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function emulatorCall(baseUrl: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path} → HTTP ${response.status}`);
}

/** Every run of the workflow, first to last (following continue-as-new). */
async function runHistories(client: Client, workflowId: string, firstRunId: string): Promise<{ runId: string; json: string }[]> {
  const runs: { runId: string; json: string }[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const handle: WorkflowHandle = client.workflow.getHandle(workflowId, runId);
    const json = historyToJson(await handle.fetchHistory());
    runs.push({ runId, json });
    const closing = (JSON.parse(json) as JsonHistory).events.at(-1) ?? {};
    const continued = closing['workflowExecutionContinuedAsNewEventAttributes'] as { newExecutionRunId?: string } | undefined;
    runId = continued?.newExecutionRunId;
  }
  return runs;
}

function assertNoSecrets(json: string, secrets: Secrets, file: string): void {
  const strings = historyStrings(JSON.parse(json));
  for (const [name, secret] of Object.entries(secrets)) {
    if (strings.some((s) => s.includes(secret))) throw new Error(`${file} contains the ${name}: refusing to write it`);
  }
}

/** Runs one scenario on its own emulator, worker and task queue; returns its history files. */
async function recordScenario(scenario: ReplayScenario, stack: Stack, secrets: Secrets, runSuffix: string): Promise<RecordedFile[]> {
  const emulator = await stack.startEmulator({ run: 'in-process', options: { timing: 'instant', ...scenario.emulator } });
  const emulatorUrl = emulator.url;
  const defacto = new DefactoClient({ baseUrl: emulatorUrl, apiKey: secrets.apiKey, retry: 'none' });
  const taskQueue = `replay-recording-${scenario.name}-${randomUUID().slice(0, 8)}`;
  const client = stack.client;
  const worker = await stack.startWorkers({
    taskQueue, run: 'in-process', defacto: { apiKey: secrets.apiKey, baseUrl: emulatorUrl }, logger: quiet,
    workerOptions: { shutdownGraceTime: '2s' },
  });
  const edge = scenario.webhooks
    ? await stack.startEdge({
      taskQueue, defacto, logger: quiet, backofficeToken: secrets.backofficeToken, webhookToken: secrets.webhookToken,
    }).catch(async (error: unknown) => {
      await worker.stop();
      await emulator.stop();
      throw error;
    })
    : undefined;
  try {
    const input: LoanRequestInput = {
      ...scenario.request,
      requestReference: `replay-${scenario.name}${runSuffix}`,
      loan: { ...scenario.request.loan, pollSchedule: scenario.request.loan?.pollSchedule ?? FAST_POLLING },
    };
    const parsed = parseLoanRequest(input);
    if (!parsed.ok) throw parsed.error;
    const { handle, workflowId, runId } = await startLoan(client, parsed.value, { taskQueue });
    const typed = handle as WorkflowHandle<typeof loanLifecycleWorkflow>;
    const result = typed.result();
    result.catch(() => undefined);
    await scenario.drive?.({
      handle: typed,
      progressUntil: (predicate: (p: LoanProgress) => boolean, what: string) =>
        until(async () => {
          const progress = await typed.query(progressQuery);
          return predicate(progress) ? progress : undefined;
        }, what),
      advanceClock: (ms: number) => emulatorCall(emulatorUrl, '/_emulator/clock/advance', { ms }),
    });
    const outcome: LoanOutcome = await Promise.race([
      result,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the loan did not finish in time')), SCENARIO_TIMEOUT_MS).unref()),
    ]);
    const runs = await runHistories(client, workflowId, runId);
    try {
      scenario.verify({ outcome, runs: runs.map((run) => JSON.parse(run.json) as JsonHistory) });
    } catch (error) {
      const dir = mkdtempSync(join(tmpdir(), `replay-${scenario.name}-`));
      runs.forEach((run, i) => writeFileSync(join(dir, `run-${i + 1}.json`), run.json));
      throw new Error(`${scenario.name}: ${error instanceof Error ? error.message : String(error)} (histories kept in ${dir})`);
    }
    const kept = scenario.runs === 'first-and-last' && runs.length > 1 ? [runs[0], runs.at(-1)] : [runs.at(-1)];
    return kept.map((run, index) => {
      if (!run) throw new Error('no run recorded');
      const name = index === 0 ? scenario.name : `${scenario.name}-last-run`;
      const history = JSON.parse(run.json) as JsonHistory;
      const closing = String(history.events.at(-1)?.['eventType'] ?? '');
      assertNoSecrets(run.json, secrets, `${name}.json`);
      return {
        json: `${run.json}\n`,
        entry: {
          scenario: name,
          file: `${name}.json`,
          description: index === 0 && kept.length > 1 ? `${scenario.description} (first run)` : scenario.description,
          workflowId,
          runId: run.runId,
          result: closing.endsWith('CONTINUED_AS_NEW') ? 'CONTINUED_AS_NEW' : outcome.status,
          events: history.events.length,
        },
      };
    });
  } finally {
    await edge?.stop();
    await worker.stop();
    await emulator.stop();
  }
}

function sdkVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@temporalio/worker/package.json') as { version: string }).version;
}

const COMMAND = {
  usage: 'npm run histories:record -- [--only SCENARIO...] [--temporal HOST:PORT]',
  description: 'Re-records the replay corpus (test/replay/histories); --only records some scenarios without writing anything.',
  positionals: true,
  options: {
    only: { type: 'boolean', help: `record only the scenarios named after it, write nothing (${REPLAY_SCENARIOS.map((s) => s.name).join(', ')})` },
    ...TEMPORAL_OPTION,
  },
} as const;

/** Records every scenario; writes the corpus only when all succeeded. Returns the exit code. */
export function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runCommand(COMMAND, argv, (v) => {
    if (v._.length > 0 && !v.only) throw new UsageError(`unexpected argument ${v._[0]}: scenarios are named after --only`);
    if (v.only && v._.length === 0) throw new UsageError('--only needs at least one scenario name');
    const unknown = v._.filter((name) => !REPLAY_SCENARIOS.some((s) => s.name === name));
    if (unknown.length > 0) throw new UsageError(`unknown scenario(s): ${unknown.join(', ')}; known: ${REPLAY_SCENARIOS.map((s) => s.name).join(', ')}`);
    return { only: [...v._], temporal: v.temporal };
  }, record);
}

async function record({ only, temporal }: { only: readonly string[]; temporal: string | undefined }): Promise<number> {
  const scenarios = only.length > 0 ? REPLAY_SCENARIOS.filter((s) => only.includes(s.name)) : REPLAY_SCENARIOS;
  const secrets: Secrets = {
    apiKey: `recorder-api-key-${randomUUID()}`,
    webhookToken: `recorder-webhook-token-${randomUUID()}`,
    backofficeToken: `recorder-backoffice-token-${randomUUID()}`,
  };
  say('starting Temporal (a fresh dev server unless one is given) and building the workflow bundle…');
  // Errors only: an expected activity failure (the injected 503) would otherwise interleave with progress.
  // Recorded encrypted, as production writes histories, under the corpus's published key.
  const stack = await startStack({
    logger: createLogger({ level: 'error' }), temporal: { address: temporal }, payloadKeyring: recordingKeyring(),
  });
  // Workflow IDs are fixed on a fresh dev server; on a long-lived Temporal they must not meet an earlier recording.
  const runSuffix = stack.temporal.devServer ? '' : `-${randomUUID().slice(0, 8)}`;
  const files: RecordedFile[] = [];
  let bundleCode: string;
  try {
    bundleCode = (await stack.workflowBundle()).code;
    for (const [index, scenario] of scenarios.entries()) {
      const started = Date.now();
      process.stdout.write(`[${index + 1}/${scenarios.length}] ${scenario.name}… `);
      const recorded = await recordScenario(scenario, stack, secrets, runSuffix);
      files.push(...recorded);
      const summary = recorded.map((f) => `${f.entry.file} (${f.entry.result}, ${f.entry.events} events)`).join(', ');
      say(`${((Date.now() - started) / 1000).toFixed(1)} s → ${summary}`);
    }
  } finally {
    await stack.stop();
  }

  if (only.length > 0) {
    say('--only: nothing written (the corpus is only ever replaced as a whole)');
    return 0;
  }
  const manifest: Manifest = {
    workflowType: WORKFLOW_TYPE,
    sdkVersion: sdkVersion(),
    recordedAt: new Date().toISOString(),
    bundleSha256: createHash('sha256').update(bundleCode).digest('hex'),
    histories: files.map((f) => f.entry),
  };
  mkdirSync(RECORDING_DIR, { recursive: true });
  for (const stale of historyFiles(RECORDING_DIR)) rmSync(join(RECORDING_DIR, stale));
  for (const file of files) writeFileSync(join(RECORDING_DIR, file.entry.file), file.json);
  writeFileSync(join(RECORDING_DIR, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const where = relative(process.cwd(), RECORDING_DIR) || RECORDING_DIR;
  say(`wrote ${files.length} histories and ${MANIFEST_FILE} to ${where} (${readdirSync(RECORDING_DIR).length} files)`);
  return 0;
}

runAsMain(import.meta.url, () => main(), {
  failurePrefix: 'recording failed, nothing written: ',
  beforeFailure: () => process.stdout.write('\n'),
});
