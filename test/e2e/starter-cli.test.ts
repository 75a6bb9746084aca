/**
 * The starter through its public entry point (`tsx src/starter.ts`, what `npm run starter` runs), against
 * the run's dev server and a worker serving the emulator.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto';
import { createLogger } from '../../src/logging';
import { runWorker, type RunningWorker } from '../../src/loans/loan-worker';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { progressQuery, rejectConditionsUpdate } from '../../src/workflows/messages';
import { bundleOnce, eventually, testDataConverter, testEnv, uniqueTaskQueue } from '../helpers/temporal';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'starter-cli-'));
const taskQueue = uniqueTaskQueue('starter-cli');

let emulator: RunningEmulator;
let worker: RunningWorker;
let address: string;
beforeAll(async () => {
  const env = await testEnv();
  address = env.address;
  emulator = await startEmulator();
  worker = await runWorker({
    connection: env.nativeConnection, namespace: env.namespace, taskQueue, workflowBundle: await bundleOnce(),
    dataConverter: testDataConverter(),
    defacto: new DefactoClient({ baseUrl: emulator.url, apiKey: `tenant-${randomUUID()}` }),
    shutdownSignals: [], logger: createLogger({ level: 'silent' }),
  });
});
afterAll(async () => {
  await worker.stop();
  await emulator.close();
});

interface Run { code: number; stdout: string; stderr: string }

function starter(args: string[]): Promise<Run> {
  return new Promise((resolveRun) => {
    execFile(tsx, ['src/starter.ts', ...args], {
      cwd: root,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_UI_URL: 'http://ui.example:8233', LOG_LEVEL: 'warn',
      },
    }, (error, stdout, stderr) => {
      resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function inputFile(content: unknown): string {
  const path = join(dir, `${randomUUID()}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('npm run starter', () => {
  it('bad input: one line naming the field, exit code 2, nothing started', async () => {
    const reference = `bad-${randomUUID().slice(0, 8)}`;
    const run = await starter(['--input', inputFile({ requestReference: reference, borrower: { generate: true }, invoice: { generate: true, scenario: 'MAYBE' } })]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^invalid loan request: invoice\.scenario: /);
    const { client } = await testEnv();
    await expect(client.workflow.getHandle(`loan-ref-${reference}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('--input … --wait prints the workflow ID, its Web UI URL and each step, and exits 0 on CLOSED', async () => {
    const reference = `cli-${randomUUID().slice(0, 8)}`;
    const run = await starter(['--wait', '--input', inputFile({
      requestReference: reference, borrower: { generate: true }, invoice: { generate: true },
      loan: { pollSchedule: { initialMs: 50, maxMs: 200, idleCheckMs: 300 } },
    })]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`started loan-ref-${reference}`);
    expect(lines[1]).toBe(`http://ui.example:8233/namespaces/default/workflows/loan-ref-${reference}`);
    expect(run.stdout).toMatch(/borrower registered: .*\n.*contract link obtained[\s\S]*conditions reviewed: 120\.00 EUR[\s\S]*repaid: [\s\S]*CLOSED: /);
  });

  it('--generate twice with the same reference and request finds the same loan; another request under it is refused (exit 3)', async () => {
    const reference = `dup-${randomUUID().slice(0, 8)}`;
    const first = await starter(['--generate', '--scenario', 'SUCCESS', '--reference', reference]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^started loan-ref-${reference}\n`));
    const retry = await starter(['--generate', '--reference', reference]);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toMatch(new RegExp(`^already started by this same request: loan-ref-${reference}\n`));
    const other = await starter(['--generate', '--reference', reference, '--require-approval']);
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(new RegExp(`requestReference ${reference} is already used by loan-ref-${reference} for a different request`));
    const { client } = await testEnv();
    expect((await client.workflow.count(`WorkflowId = 'loan-ref-${reference}'`)).count).toBe(1);
    expect((await client.workflow.getHandle(`loan-ref-${reference}`).result()).status).toBe('CLOSED');
  });

  it('--generate without --reference is refused (exit 2): the reference is the caller key', async () => {
    const run = await starter(['--generate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/requestReference is required.*--reference REF/);
  });

  it('--require-approval and the policy flags start a loan that waits for an operator, without hand-written JSON', async () => {
    const reference = `policy-${randomUUID().slice(0, 8)}`;
    const run = await starter(['--generate', '--reference', reference, '--require-approval', '--max-fee-rate', '3.5', '--review-hours', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { client } = await testEnv();
    const handle = client.workflow.getHandle(`loan-ref-${reference}`);
    const progress = await eventually(async () => {
      const p = await handle.query(progressQuery);
      expect(p.awaitingOperator).toBe(true);
      return p;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(progress.awaitingOperator).toBe(true);
    await handle.executeUpdate(rejectConditionsUpdate, { args: [{ reason: 'test' }] });
    expect((await handle.result()).status).toBe('CANCELED');
  });

  it('--help lists the policy flags', async () => {
    const run = await starter(['--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--require-approval', '--max-fee-rate PERCENT', '--max-duration-days DAYS', '--review-hours HOURS', '--duration-days DAYS']) {
      expect(run.stdout).toContain(flag);
    }
  });
});
