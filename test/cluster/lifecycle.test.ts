/**
 * The project against a multi-service Temporal cluster on PostgreSQL over TLS, through its public entry
 * points only (`src/worker.ts`, `src/starter.ts`, `src/namespace-setup.ts`, `scripts/replay.ts`), each a
 * child process configured by the TEMPORAL_* variables the cluster prints.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkNamespace, namespaceGaps } from '../../src/namespace-setup';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { eventually } from '../helpers/temporal';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const clusterEnv = inject('clusterEnv');
const taskQueue = `cluster-${randomUUID()}`;
/** How long the worker may take to poll (SDK load, workflow bundle, namespace check) on a busy machine. */
const WORKER_READY_MS = 150_000;

interface Program {
  readonly output: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<number>;
  stop(): Promise<number>;
}

/** Runs an entry point with only PATH, HOME, the cluster's variables and `env`. */
function program(args: readonly string[], env: Record<string, string> = {}): Program {
  const child = spawn(tsx, args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...clusterEnv, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number>((done) => child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1))));
  return {
    output: () => stdout,
    stderr: () => stderr,
    exit,
    stop: () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

function tlsConnection(): Promise<Connection> {
  return Connection.connect({
    address: clusterEnv.TEMPORAL_ADDRESS ?? '',
    tls: {
      serverNameOverride: clusterEnv.TEMPORAL_TLS_SERVER_NAME ?? '',
      serverRootCACertificate: readFileSync(clusterEnv.TEMPORAL_TLS_SERVER_CA_CERT_PATH ?? ''),
    },
  });
}

let emulator: RunningEmulator;
let connection: Connection;
beforeAll(async () => {
  emulator = await startEmulator();
  connection = await tlsConnection();
});
afterAll(async () => {
  await connection?.close();
  await emulator?.close();
});

describe('the cluster (PostgreSQL, four services, TLS)', () => {
  it('serves TLS only: a plaintext client is refused', async () => {
    const plain = Connection.connect({ address: clusterEnv.TEMPORAL_ADDRESS ?? '', connectTimeout: 3_000 })
      .then(async (c) => {
        try {
          await c.workflowService.getSystemInfo({});
        } finally {
          await c.close();
        }
      });
    await expect(plain).rejects.toThrow();
    expect(clusterEnv.TEMPORAL_TLS).toBe('true');
  });

  it('a loan reaches CLOSED: worker and starter started from the printed TEMPORAL_* variables', async () => {
    const worker = program(['src/worker.ts', '--emulator-url', emulator.url], { LOG_LEVEL: 'info' });
    let workerExit: number | undefined;
    try {
      // Loading the SDK and bundling the workflow code takes a while on a busy machine: say so if it is too long.
      await eventually(() => worker.output().includes('loan worker polling'), { timeoutMs: WORKER_READY_MS, intervalMs: 200 }).catch(() => {
        throw new Error(`the worker did not poll within ${WORKER_READY_MS / 1000} s; its output:\n${worker.output()}${worker.stderr()}`);
      });
      const reference = `cluster-${randomUUID().slice(0, 8)}`;
      const input = join(mkdtempSync(join(tmpdir(), 'cluster-loan-')), 'loan.json');
      writeFileSync(input, JSON.stringify({
        requestReference: reference, borrower: { generate: true }, invoice: { generate: true, scenario: 'SUCCESS' },
        loan: { pollSchedule: { initialMs: 50, maxMs: 200, idleCheckMs: 300 } },
      }));
      const starter = program(['src/starter.ts', '--wait', '--input', input]);
      expect(await starter.exit, starter.stderr()).toBe(0);
      expect(starter.output()).toMatch(new RegExp(`^started loan-ref-${reference}\\n`));
      expect(starter.output()).toMatch(/borrower registered: [\s\S]*repaid: [\s\S]*CLOSED: /);
      // No TEMPORAL_UI_URL and not the local dev server: no link to a Web UI that does not exist.
      expect(starter.output()).not.toContain('/namespaces/');
    } finally {
      // Stopped whatever happened; asserting here would hide the failure above (a worker stopped before
      // it installed its signal handlers exits 143).
      workerExit = await worker.stop();
    }
    // A drained worker exits 0.
    expect(workerExit, worker.stderr()).toBe(0);
  });

  it('the worker refuses a namespace without the project\'s search attributes, naming the setup command; the setup command fixes it', async () => {
    const bare = `bare-${randomUUID().slice(0, 8)}`;
    await connection.workflowService.registerNamespace({ namespace: bare, workflowExecutionRetentionPeriod: msToTs('1 day') });
    // Wait until the new namespace answers, so the refusal is about attributes, not existence.
    await eventually(() => namespaceGaps(connection, bare), { timeoutMs: 30_000, intervalMs: 500 });

    const refused = program(['src/worker.ts', '--emulator-url', emulator.url], { TEMPORAL_NAMESPACE: bare });
    expect(await refused.exit).toBe(1);
    const lines = refused.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `namespace ${bare} lacks search attributes LoanStatus, LifecycleStep, BorrowerIdentifier, InvoiceNumber, LoanId, LoanAmountCents, Currency, StepInProgress, AwaitingDecision, DecisionDeadline, RepaymentLate, RepaymentDueAt, Outcome: run \`npm run namespace:setup\` (with the same TEMPORAL_* settings) first`,
    );

    const setup = program(['src/namespace-setup.ts'], { TEMPORAL_NAMESPACE: bare });
    expect(await setup.exit, setup.stderr()).toBe(0);
    expect(setup.output()).toContain(`namespace ${bare} exists; search attributes added: LoanStatus, LifecycleStep, BorrowerIdentifier, InvoiceNumber, LoanId, LoanAmountCents, Currency, StepInProgress, AwaitingDecision, DecisionDeadline, RepaymentLate, RepaymentDueAt, Outcome; already present: none`);
    expect(await checkNamespace(connection, bare)).toEqual({ status: 'ready' });
    const again = program(['src/namespace-setup.ts'], { TEMPORAL_NAMESPACE: bare });
    expect(await again.exit).toBe(0);
    expect(again.output()).toContain('search attributes added: none; already present: LoanStatus, LifecycleStep');
  });

  it('every lifecycle history the cluster recorded replays with today\'s workflow code (npm run replay)', async () => {
    // Visibility is eventually consistent: the closed loan of the test above shows up a moment later.
    const run = await eventually(async () => {
      const replay = program(['scripts/replay.ts', '--query', `WorkflowType = 'loanLifecycleWorkflow' AND TaskQueue = '${taskQueue}'`]);
      const code = await replay.exit;
      if (code === 3) throw new Error('nothing listed yet');
      return { code, stdout: replay.output(), stderr: replay.stderr() };
    }, { timeoutMs: 30_000, intervalMs: 1_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ok {4}loan-ref-cluster-/m);
    expect(run.stdout).toMatch(/replayed [1-9]\d* workflow\(s\) in default: [1-9]\d* ok, 0 failed/);
  });
});
