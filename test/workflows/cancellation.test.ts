/**
 * A Temporal cancellation request (Web UI "Request Cancellation", `temporal workflow cancel`,
 * `handle.cancel()`) is an operator command: in every phase Defacto and the workflow end up agreeing.
 * Reset (to the first workflow task, to just after the loan request) creates nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { loanLifecycleWorkflow } from '../../src/workflows';
import { progressQuery } from '../../src/workflows/messages';
import { eventually } from '../helpers/temporal';
import { progressUntil, type LifecycleWorld, worldsPerTest } from './harness';

const worlds = worldsPerTest();

type Handle = WorkflowHandle<typeof loanLifecycleWorkflow>;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

async function statusOf(handle: Handle): Promise<string> {
  return (await handle.describe()).status.name;
}

describe('cancellation requested through Temporal', () => {
  it('before any loan exists: a loan request in flight lands later and is canceled at Defacto; nothing else is created', async () => {
    const world = await worlds.open();
    await world.controls.addFaults([{ route: 'POST /loans', kind: 'latency', latencyMs: 3_000, count: 1 }]);
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    await progressUntil(handle, (p) => p.steps.LOAN_REQUESTED.status === 'ACTIVE');
    await handle.cancel();
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'CANCELED', canceledBy: 'operator' });
    expect(outcome.status === 'CANCELED' && outcome.loanId).toBeTruthy();
    expect(outcome.status === 'CANCELED' && outcome.reason).toMatch(/workflow cancellation requested/);
    expect(await world.controls.inventory()).toMatchObject({ borrowers: 1, invoices: 1, loans: 1, cancels: 1, validations: 0, loansByStatus: { CANCELED: 1 } });
  });

  it('before any loan exists: canceled while the invoice is created, no loan is ever requested', async () => {
    const world = await worlds.open();
    await world.controls.addFaults([{ route: 'POST /invoices', kind: 'latency', latencyMs: 2_000, count: 1 }]);
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    await progressUntil(handle, (p) => p.steps.INVOICE_CREATED.status === 'ACTIVE');
    await handle.cancel();
    expect(await handle.result()).toMatchObject({ status: 'CANCELED', loanId: null, canceledBy: 'operator' });
    // The invoice request in flight may still land; no loan may follow it.
    await new Promise((resolve) => { setTimeout(resolve, 2_500); });
    const inventory = await world.controls.inventory();
    expect(inventory.loans).toBe(0);
    expect(inventory.invoices).toBeLessThanOrEqual(1);
  });

  it('loan still cancellable (awaiting an operator): canceled at Defacto, outcome CANCELED by the operator, search attributes final', async () => {
    const world = await worlds.open();
    const { handle, workflowId } = await world.start({
      borrower: { generate: true }, invoice: { generate: true }, loan: { acceptancePolicy: { requireOperatorApproval: true } },
    });
    await progressUntil(handle, (p) => p.awaitingOperator);
    await handle.cancel();
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'CANCELED', canceledBy: 'operator' });
    const progress = await handle.query(progressQuery);
    expect(progress.loan?.status).toBe('CANCELED');
    expect(progress.review).toMatchObject({ decision: 'rejected', decidedBy: 'operator' });
    expect(await world.controls.inventory()).toMatchObject({ loans: 1, cancels: 1, validations: 0, loansByStatus: { CANCELED: 1 } });
    await eventually(async () => {
      const found: string[] = [];
      for await (const wf of world.env.client.workflow.list({ query: `LoanStatus="CANCELED" AND WorkflowId="${workflowId}"` })) found.push(wf.workflowId);
      expect(found).toEqual([workflowId]);
    }, { timeoutMs: 15_000, intervalMs: 200 });
  });

  it('loan past cancellation (money moved): the workflow keeps running, records the refusal, and follows the loan to CLOSED', async () => {
    const world = await worlds.open();
    await world.controls.setRepaymentMode('production');
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    const progress = await progressUntil(handle, (p) => p.loan?.status === 'TO_REPAY');
    await handle.cancel();
    const refused = await progressUntil(handle, (p) => p.refusedCancellations.length === 1);
    expect(refused.refusedCancellations[0]).toMatchObject({ loanStatus: 'TO_REPAY' });
    expect(await statusOf(handle)).toBe('RUNNING');
    expect(await world.controls.inventory()).toMatchObject({ loans: 1, cancels: 0, loansByStatus: { TO_REPAY: 1 } });
    await world.controls.repay(progress.loan?.id ?? '');
    expect((await handle.result()).status).toBe('CLOSED');
    expect(await world.controls.inventory()).toMatchObject({ loans: 1, cancels: 0, loansByStatus: { CLOSED: 1 } });
  });
});

describe('reset from the Web UI creates nothing twice at Defacto', () => {
  async function resetTo(world: LifecycleWorld, handle: Handle, eventId: HistoryEvent['eventId']): Promise<string> {
    const { runId } = await handle.describe();
    const response = await world.env.client.workflowService.resetWorkflowExecution({
      namespace: world.env.namespace,
      workflowExecution: { workflowId: handle.workflowId, runId },
      reason: 'operator reset (test)',
      workflowTaskFinishEventId: eventId ?? null,
      requestId: randomUUID(),
    });
    return (response as { runId?: string | null }).runId ?? '';
  }

  // A named borrower (its company number is the natural key): a generated one is a new random business
  // each time the generator runs, which a reset to the first workflow task re-runs.
  async function parkedForOperator(): Promise<{ world: LifecycleWorld; handle: Handle; loanId: string }> {
    const world = await worlds.open();
    const { handle } = await world.start({
      borrower: { identifier: '843221479', identifierType: 'siren', name: 'Seller SAS', country: 'FRA' }, invoice: { generate: true }, loan: { acceptancePolicy: { requireOperatorApproval: true } },
    });
    const progress = await progressUntil(handle, (p) => p.awaitingOperator);
    return { world, handle, loanId: progress.loan?.id ?? '' };
  }

  async function finishesWithOneOfEach(world: LifecycleWorld, handle: Handle, newRunId: string, loanId: string): Promise<void> {
    const reset = world.env.client.workflow.getHandle<typeof loanLifecycleWorkflow>(handle.workflowId, newRunId);
    const progress = await progressUntil(reset, (p) => p.awaitingOperator);
    expect(progress.loan?.id).toBe(loanId);
    await reset.cancel();
    expect((await reset.result()).status).toBe('CANCELED');
    expect(await world.controls.inventory()).toMatchObject({ borrowers: 1, invoices: 1, loans: 1, cancels: 1, loansByStatus: { CANCELED: 1 } });
  }

  it('reset to the first workflow task: the same borrower, invoice and loan are found again', async () => {
    const { world, handle, loanId } = await parkedForOperator();
    const events = (await handle.fetchHistory()).events ?? [];
    const firstTask = events.find((e) => e.workflowTaskCompletedEventAttributes);
    const newRunId = await resetTo(world, handle, firstTask?.eventId);
    await finishesWithOneOfEach(world, handle, newRunId, loanId);
  });

  it('reset to just after the loan request: the run continues with the same loan', async () => {
    const { world, handle, loanId } = await parkedForOperator();
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'requestLoan');
    const completedAt = events.findIndex((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
    const nextTask = events.slice(completedAt).find((e) => e.workflowTaskCompletedEventAttributes);
    const newRunId = await resetTo(world, handle, nextTask?.eventId);
    await finishesWithOneOfEach(world, handle, newRunId, loanId);
  });
});
