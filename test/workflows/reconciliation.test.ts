/**
 * Reconciliation on the real dev server and the emulator: loan workflows terminated mid-flight leave
 * their loans open at Defacto; the next run reports exactly those orphans (not the loan whose workflow
 * was asked to cancel: it keeps following its loan) and adopts them, each adoption follows its loan to
 * the outcome, and a run after that reports nothing.
 */
import { describe, expect, it } from 'vitest';
import type { LoanOutcome } from '../../src/domain/loan';
import { ensureReconciliationSchedule, latestReconciliation, RECONCILIATION_SCHEDULE_ID } from '../../src/loans/reconciliation-schedule';
import { type adoptedLoanWorkflow, adoptedWorkflowId, loanReconciliationWorkflow, type ReconciliationInput } from '../../src/workflows';
import { approveConditionsUpdate, progressQuery } from '../../src/workflows/messages';
import { eventually, uniqueTaskQueue } from '../helpers/temporal';
import { FAST_POLLING, progressUntil, type LifecycleWorld, worldsPerTest } from './harness';

const worlds = worldsPerTest();

const RECONCILE: ReconciliationInput = { adoptedLoan: { pollSchedule: { ...FAST_POLLING } }, pageSize: 2 };

function reconcile(world: LifecycleWorld) {
  return world.env.client.workflow.execute(loanReconciliationWorkflow, {
    taskQueue: world.taskQueue, workflowId: uniqueTaskQueue('reconciliation'), args: [RECONCILE],
  });
}

async function loanIdOfWorkflow(world: LifecycleWorld, workflowId: string): Promise<string> {
  return eventually(async () => {
    const loans = await world.defacto.loans.list({}).all();
    const loan = loans.find((l) => l.metadata?.workflow_id === workflowId);
    if (!loan) throw new Error(`no loan at Defacto for ${workflowId} yet`);
    return loan.id;
  }, { timeoutMs: 20_000, intervalMs: 100 });
}

describe('reconciliation', () => {
  it('finds exactly the orphans of terminated workflows (a canceled one still follows its loan), adopts each to its outcome, then reports nothing', async () => {
    const world = await worlds.open();
    await world.controls.setRepaymentMode('production');

    // Terminated before the loan request returned: POST /loans is held, the loan appears afterwards.
    await world.controls.addFaults([{ route: 'POST /loans', kind: 'latency', latencyMs: 2_500, count: 1 }]);
    const early = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    await progressUntil(early.handle, (p) => p.steps.LOAN_REQUESTED.status === 'ACTIVE');
    await early.handle.terminate('test: before the loan request returned');
    const earlyLoan = await loanIdOfWorkflow(world, early.workflowId);
    await world.controls.clearFaults();

    // Terminated while awaiting an operator.
    const review = await world.start({ borrower: { generate: true }, invoice: { generate: true }, loan: { acceptancePolicy: { requireOperatorApproval: true } } });
    const reviewLoan = (await progressUntil(review.handle, (p) => p.awaitingOperator)).loan?.id ?? '';
    await review.handle.terminate('test: awaiting an operator');

    // Terminated in TO_REPAY; and canceled in TO_REPAY (the Web UI's "cancel" path): past cancellation at
    // Defacto, that workflow records the refusal and keeps following its loan, so it is no orphan.
    const repaying = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    const repayingLoan = (await progressUntil(repaying.handle, (p) => p.loan?.status === 'TO_REPAY')).loan?.id ?? '';
    await repaying.handle.terminate('test: in TO_REPAY');
    const canceled = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    const canceledLoan = (await progressUntil(canceled.handle, (p) => p.loan?.status === 'TO_REPAY')).loan?.id ?? '';
    await canceled.handle.cancel();

    const first = await reconcile(world);
    const orphans = first.findings.filter((f) => f.kind === 'orphan');
    expect(Object.fromEntries(orphans.map((f) => [f.loanId, f.workflowStatus]))).toEqual({
      [earlyLoan]: 'TERMINATED', [reviewLoan]: 'TERMINATED', [repayingLoan]: 'TERMINATED',
    });
    expect(first.counts).toEqual({ orphan: 3, disagreement: 0, 'review-overdue': 0, 'repayment-late': 0, 'credit-line-drift': 0 });
    expect(first.adoptionsStarted).toBe(3);
    for (const f of orphans) expect(f).toMatchObject({ adoptedBy: adoptedWorkflowId(f.loanId) });

    // While the adoptions run, a second run finds every open loan followed.
    const second = await reconcile(world);
    expect(second.findings).toEqual([]);
    expect(second.adoptionsStarted).toBe(0);
    expect(second.loansChecked).toBe(4);

    // Each adoption follows its loan to the outcome, with the lifecycle's operator commands.
    const adopted = (loanId: string) => world.env.client.workflow.getHandle<typeof adoptedLoanWorkflow>(adoptedWorkflowId(loanId));
    for (const loanId of [earlyLoan, reviewLoan]) {
      await progressUntil(adopted(loanId), (p) => p.awaitingOperator);
      await adopted(loanId).executeUpdate(approveConditionsUpdate, { args: [{ reason: 'adopted, checked by ops' }] });
    }
    const outcomes: LoanOutcome[] = [];
    for (const loanId of [earlyLoan, reviewLoan, repayingLoan]) {
      await progressUntil(adopted(loanId), (p) => p.loan?.status === 'TO_REPAY');
      await world.controls.repay(loanId);
      outcomes.push(await adopted(loanId).result());
    }
    expect(outcomes.map((o) => [o.status, o.loanId])).toEqual([earlyLoan, reviewLoan, repayingLoan].map((id) => ['CLOSED', id]));
    await world.controls.repay(canceledLoan);
    expect(await canceled.handle.result()).toMatchObject({ status: 'CLOSED', loanId: canceledLoan });
    const progress = await adopted(reviewLoan).query(progressQuery);
    expect(progress.steps.LOAN_REQUESTED.note).toContain('adopted from Defacto');
    expect(progress.review).toMatchObject({ decision: 'approved', decidedBy: 'operator' });
    // Nothing was created twice: four loans, four validations at most.
    expect((await world.controls.inventory()).loans).toBe(4);

    const third = await reconcile(world);
    expect(third).toMatchObject({ loansChecked: 0, findings: [], adoptionsStarted: 0 });
  }, 90_000);

  it('the loan-reconciliation schedule is created then updated in place, and its latest report is readable', async () => {
    const world = await worlds.open();
    expect(await ensureReconciliationSchedule(world.env.client, { taskQueue: world.taskQueue, input: RECONCILE })).toBe('created');
    const schedule = world.env.client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
    try {
      expect(await ensureReconciliationSchedule(world.env.client, { taskQueue: world.taskQueue, input: RECONCILE })).toBe('updated');
      await schedule.trigger();
      const latest = await eventually(async () => {
        const found = await latestReconciliation(world.env.client);
        if (!found?.report) throw new Error('no completed run yet');
        return found;
      }, { timeoutMs: 20_000, intervalMs: 200 });
      expect(latest).toMatchObject({ status: 'COMPLETED', report: { loansChecked: 0, findings: [] } });
    } finally {
      await schedule.delete();
    }
  });
});
