/**
 * A deploy never breaks a loan in flight. The baseline commit's own worker (its workflow bundle and
 * activities, in a child process) starts loans and leaves them in the states that last for weeks: an
 * offer awaiting an operator decision, and a disbursed loan waiting for its repayment (one of them
 * already continued-as-new by the baseline). The baseline worker stops as in a deploy, a worker with
 * today's code takes over the same task queue, the operator decides, the Defacto clock moves, and every
 * loan must reach its outcome with exactly one borrower, invoice and loan at Defacto.
 */
import { randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefactoClient } from '../../src/defacto';
import type { LoanOutcome, LoanProgress } from '../../src/domain/loan';
import { parseLoanRequest, type LoanRequestInput } from '../../src/domain/schemas';
import { createLogger } from '../../src/logging';
import { startLoan } from '../../src/loans/start-loan';
import { runWorker, type RunningWorker } from '../../src/loans/loan-worker';
import type { loanLifecycleWorkflow } from '../../src/workflows';
import { approveConditionsUpdate, progressQuery, rejectConditionsUpdate } from '../../src/workflows/messages';
import { emulatorControls } from '../activities/emulator-controls';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { bundleOnce, eventually, testDataConverter, testEnv, uniqueTaskQueue } from '../helpers/temporal';
import { baselineCommit, prepareBaseline, startBaselineWorker, type BaselineWorker } from './baseline';

type LoanHandle = WorkflowHandle<typeof loanLifecycleWorkflow>;

const HOUR_MS = 3_600_000;
const FAST_POLLING = { initialMs: 50, maxMs: 200, multiplier: 2, idleCheckMs: 300 } as const;
const generated = { borrower: { generate: true } } as const;
const operatorReview = { acceptancePolicy: { requireOperatorApproval: true } } as const;

/** A loan of the test: how it is started, where it parks under the baseline, how it must end. */
interface UpgradeLoan {
  readonly name: string;
  readonly request: Omit<LoanRequestInput, 'requestReference'>;
  readonly parked: (p: LoanProgress) => boolean;
  readonly expected: (o: LoanOutcome) => boolean;
}

const LOANS: readonly UpgradeLoan[] = [
  {
    name: 'approved-after-deploy',
    request: { ...generated, invoice: { generate: true, scenario: 'SUCCESS' }, loan: operatorReview },
    parked: (p) => p.awaitingOperator && p.loan?.status === 'TO_VALIDATE',
    expected: (o) => o.status === 'CLOSED',
  },
  {
    name: 'rejected-after-deploy',
    request: { ...generated, invoice: { generate: true, scenario: 'SUCCESS' }, loan: operatorReview },
    parked: (p) => p.awaitingOperator && p.loan?.status === 'TO_VALIDATE',
    expected: (o) => o.status === 'CANCELED' && o.canceledBy === 'operator',
  },
  {
    name: 'repaid-after-deploy',
    request: { ...generated, invoice: { generate: true, scenario: 'SUCCESS_ONE_DAY_LATER' } },
    parked: (p) => p.loan?.status === 'TO_REPAY',
    expected: (o) => o.status === 'CLOSED',
  },
  {
    name: 'continued-then-repaid-after-deploy',
    request: { ...generated, invoice: { generate: true, scenario: 'SUCCESS_ONE_DAY_LATER' }, loan: { continueAsNewAfterEvents: 40 } },
    // Carried state crosses the deploy: the baseline continued-as-new at least once before it stops.
    parked: (p) => p.loan?.status === 'TO_REPAY' && p.runs >= 2,
    expected: (o) => o.status === 'CLOSED',
  },
];

const quiet = createLogger({ level: 'silent' });
const apiKey = `tenant-${randomUUID()}`;
const taskQueue = uniqueTaskQueue('upgrade');

let emulator: RunningEmulator;
let baseline: BaselineWorker | undefined;
let today: RunningWorker | undefined;

beforeAll(async () => {
  emulator = await startEmulator();
  // Today's bundle builds while the baseline worker starts.
  void bundleOnce().catch(() => undefined);
}, 120_000);

afterAll(async () => {
  await baseline?.stop(2_000);
  await today?.stop();
  await emulator?.close();
});

async function workflowTaskIdentities(handle: LoanHandle, runId?: string): Promise<string[]> {
  const { client } = await testEnv();
  const history = await client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
  const completed = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  return (history.events ?? [])
    .filter((event) => event.eventType === completed)
    .map((event) => event.workflowTaskCompletedEventAttributes?.identity ?? '');
}

async function baselinePolling(worker: BaselineWorker): Promise<void> {
  const { client, namespace } = await testEnv();
  const { TaskQueueType } = temporal.api.enums.v1;
  let exitedWith: number | string | undefined;
  void worker.exited.then((code) => {
    exitedWith = code;
  });
  await eventually(async () => {
    if (exitedWith !== undefined) throw new Error(`the baseline worker exited (${exitedWith}) before polling:\n${worker.output()}`);
    const described = await client.workflowService.describeTaskQueue({
      namespace, taskQueue: { name: taskQueue }, taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (!described.pollers?.some((poller) => poller.identity === worker.identity)) throw new Error(`the baseline worker is not polling yet:\n${worker.output()}`);
  }, { timeoutMs: 90_000, intervalMs: 250 }).catch((error: unknown) => {
    if (exitedWith !== undefined) throw error;
    throw new Error(`the baseline worker did not start polling within 90 s: ${error instanceof Error ? error.message : String(error)}`);
  });
}

function progressUntil(handle: LoanHandle, predicate: (p: LoanProgress) => boolean, what: string): Promise<LoanProgress> {
  return eventually(async () => {
    const progress = await handle.query(progressQuery);
    if (!predicate(progress)) throw new Error(`${what}: not yet (${progress.currentStep}, loan ${progress.loan?.status ?? '-'}, run ${progress.runs})`);
    return progress;
  }, { timeoutMs: 30_000, intervalMs: 100 });
}

describe(`an upgrade from the baseline commit (test/upgrade/baseline-commit) to today's code`, () => {
  it('loans parked by the baseline worker (awaiting an operator, awaiting repayment) finish under today\'s worker, nothing created twice', async () => {
    const env = await testEnv();
    const dir = prepareBaseline(baselineCommit());
    baseline = startBaselineWorker({
      dir, temporalAddress: env.address, namespace: env.namespace, taskQueue, emulatorUrl: emulator.url, apiKey,
    });
    await baselinePolling(baseline);

    // Loans started before the deploy: by a client of the baseline's time, without payload encryption.
    const baselineClient = new Client({ connection: env.client.connection, namespace: env.namespace });
    const started = await Promise.all(LOANS.map(async (loan) => {
      const parsed = parseLoanRequest({
        ...loan.request,
        requestReference: `upgrade-${loan.name}-${randomUUID().slice(0, 8)}`,
        loan: { ...loan.request.loan, pollSchedule: FAST_POLLING },
      });
      if (!parsed.ok) throw parsed.error;
      const { handle, runId } = await startLoan(baselineClient, parsed.value, { taskQueue });
      return { loan, handle, firstRunId: runId };
    }));
    for (const { loan, handle } of started) await progressUntil(handle, loan.parked, `${loan.name} parked under the baseline`);

    // The deploy: the baseline worker drains and exits; today's worker takes the task queue over.
    expect(await baseline.stop()).toBe(0);
    const controls = emulatorControls(emulator.url, apiKey);
    const before = await controls.inventory();
    today = await runWorker({
      connection: env.nativeConnection, namespace: env.namespace, taskQueue, workflowBundle: await bundleOnce(),
      defacto: new DefactoClient({ baseUrl: emulator.url, apiKey }), shutdownSignals: [], logger: quiet,
      dataConverter: testDataConverter(),
      workerOptions: { workflowFailureErrorTypes: { '*': ['DeterminismViolationError', 'NondeterminismError'] }, shutdownGraceTime: '2s' },
    });

    // After the deploy every client encrypts (today's worker writes encrypted payloads from now on).
    const byName = new Map(started.map((s): [string, LoanHandle] => [s.loan.name, env.client.workflow.getHandle(s.handle.workflowId)]));
    const approved = await byName.get('approved-after-deploy')?.executeUpdate(approveConditionsUpdate, { args: [{ reason: 'approved after the deploy' }] });
    const rejected = await byName.get('rejected-after-deploy')?.executeUpdate(rejectConditionsUpdate, { args: [{ reason: 'rejected after the deploy' }] });
    expect(approved?.loanStatus).not.toBe('TO_VALIDATE');
    expect(rejected?.loanStatus).toBe('CANCELED');
    await controls.advanceClock(25 * HOUR_MS);

    const outcomes = await Promise.all(started.map(async ({ loan, handle }) => ({
      loan, outcome: await env.client.workflow.getHandle<typeof loanLifecycleWorkflow>(handle.workflowId).result(),
    })));
    for (const { loan, outcome } of outcomes) {
      expect(loan.expected(outcome), `${loan.name}: ${JSON.stringify(outcome).slice(0, 300)}`).toBe(true);
    }

    // Each loan was really worked by both: the baseline's workflow tasks first, then today's.
    const todayIdentity = today.worker.options.identity;
    for (const { loan, handle, firstRunId } of started) {
      const first = await workflowTaskIdentities(handle, firstRunId);
      const last = await workflowTaskIdentities(handle);
      expect(first[0], `${loan.name}: first workflow task`).toBe(baseline.identity);
      expect(last.at(-1), `${loan.name}: last workflow task`).toBe(todayIdentity);
    }

    // Nothing created twice at Defacto, across the deploy.
    const after = await controls.inventory();
    expect(before).toMatchObject({ borrowers: LOANS.length, invoices: LOANS.length, loans: LOANS.length });
    expect(after).toMatchObject({
      borrowers: LOANS.length, invoices: LOANS.length, loans: LOANS.length,
      validations: 3, cancels: 1, loansByStatus: { CLOSED: 3, CANCELED: 1 },
    });
    expect(Object.values(after.byIdentifier).every((count) => count === 1)).toBe(true);
    expect(Object.values(after.byInvoiceNumber).every((count) => count === 1)).toBe(true);
  }, 150_000);
});
