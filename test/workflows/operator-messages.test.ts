/**
 * Conditions review and operator messages: the acceptance policy, approve / reject / cancel, the review
 * deadline, and the refusal of each message outside the state it belongs to.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { LoanOutcome } from '../../src/domain/loan';
import type { loanLifecycleWorkflow } from '../../src/workflows';
import {
  approveConditionsUpdate, cancelLoanUpdate, progressQuery, rejectConditionsUpdate,
} from '../../src/workflows/messages';
import { eventually } from '../helpers/temporal';
import { historyLength, parkedHistoryLength, progressUntil, type LifecycleWorld, refusal, refusalOrEnded, worldsPerTest } from './harness';

const worlds = worldsPerTest();

type Handle = WorkflowHandle<typeof loanLifecycleWorkflow>;

async function awaitingOperator(options: { requireOperatorApproval?: boolean; maxFeeRatePercent?: number; conditionsReviewMs?: number }) {
  const world = await worlds.open();
  const started = await world.start({
    borrower: { generate: true },
    invoice: { generate: true },
    loan: {
      acceptancePolicy: {
        requireOperatorApproval: options.requireOperatorApproval ?? false,
        ...(options.maxFeeRatePercent !== undefined ? { maxFeeRatePercent: options.maxFeeRatePercent } : {}),
      },
      ...(options.conditionsReviewMs ? { deadlines: { conditionsReviewMs: options.conditionsReviewMs } } : {}),
    },
  });
  const progress = await progressUntil(started.handle, (p) => p.awaitingOperator);
  return { ...started, progress, world };
}


function expectCanceledBy(outcome: LoanOutcome, by: string): void {
  expect(outcome).toMatchObject({ status: 'CANCELED', canceledBy: by });
}

describe('conditions review', () => {
  it('manual validation within policy: the workflow validates the offer itself, exactly once', async () => {
    const world = await worlds.open();
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true }, loan: { autoValidate: false } });
    expect((await handle.result()).status).toBe('CLOSED');
    const { review, steps } = await handle.query(progressQuery);
    expect(review).toMatchObject({ mode: 'policy', withinPolicy: true, decision: 'approved', decidedBy: 'policy' });
    expect(steps.CONDITIONS_REVIEWED.note).toContain('within policy');
    expect((await world.controls.inventory()).validations).toBe(1);
  });

  it('approval required: the loan waits in TO_VALIDATE, findable by search attribute, until an operator approves', async () => {
    const { world, handle, workflowId, progress } = await awaitingOperator({ requireOperatorApproval: true });
    expect(progress.loan?.status).toBe('TO_VALIDATE');
    expect(progress.currentStep).toBe('CONDITIONS_REVIEWED');
    await eventually(async () => {
      const found: string[] = [];
      for await (const wf of world.env.client.workflow.list({ query: `LoanStatus="TO_VALIDATE" AND WorkflowId="${workflowId}"` })) found.push(wf.workflowId);
      expect(found).toEqual([workflowId]);
    }, { timeoutMs: 15_000, intervalMs: 200 });

    const result = await handle.executeUpdate(approveConditionsUpdate, { args: [{ reason: 'checked by ops' }] });
    expect(result.loanId).toBe(progress.loan?.id);
    expect(['VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'CLOSED']).toContain(result.loanStatus);
    expect((await handle.result()).status).toBe('CLOSED');
    expect((await handle.query(progressQuery)).review).toMatchObject({ mode: 'operator', decision: 'approved', decidedBy: 'operator' });
  });

  it('an offer outside policy waits for an operator, naming the limit it exceeds', async () => {
    const { handle, progress } = await awaitingOperator({ maxFeeRatePercent: 0.5 });
    expect(progress.review).toMatchObject({ mode: 'operator', withinPolicy: false });
    expect(progress.review?.reasons.join(' ')).toMatch(/fee rate .* above 0\.5%/);
    await handle.executeUpdate(approveConditionsUpdate, { args: [{}] });
    expect((await handle.result()).status).toBe('CLOSED');
    expect((await handle.query(progressQuery)).steps.CONDITIONS_REVIEWED.note).toContain('outside policy');
  });

  it('an operator rejection cancels the loan: CANCELED by operator', async () => {
    const { world, handle } = await awaitingOperator({ requireOperatorApproval: true });
    const result = await handle.executeUpdate(rejectConditionsUpdate, { args: [{ reason: 'fees too high for this client' }] });
    expect(result.loanStatus).toBe('CANCELED');
    const outcome = await handle.result();
    expectCanceledBy(outcome, 'operator');
    expect(outcome).toMatchObject({ reason: 'fees too high for this client' });
    expect((await world.controls.inventory()).cancels).toBe(1);
  });

  it('without a decision before the review deadline, the workflow cancels the loan: CANCELED by deadline', async () => {
    const { world, handle } = await awaitingOperator({ requireOperatorApproval: true, conditionsReviewMs: 1_000 });
    expectCanceledBy(await handle.result(), 'deadline');
    expect((await handle.query(progressQuery)).review).toMatchObject({ decision: 'expired', decidedBy: 'deadline' });
    expect((await world.controls.inventory()).loansByStatus).toEqual({ CANCELED: 1 });
  });

  it('an operator may cancel a loan awaiting review: CANCELED by operator', async () => {
    const { handle } = await awaitingOperator({ requireOperatorApproval: true });
    const result = await handle.executeUpdate(cancelLoanUpdate, { args: [{ reason: 'client withdrew' }] });
    expect(result.loanStatus).toBe('CANCELED');
    expectCanceledBy(await handle.result(), 'operator');
  });
});

describe('refused operator messages', () => {
  /** A loan parked in TO_REPAY: repayment happens only when the test says so. */
  async function disbursedLoan(): Promise<{ world: LifecycleWorld; handle: Handle }> {
    const world = await worlds.open();
    await world.controls.setRepaymentMode('production');
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    await progressUntil(handle, (p) => p.loan?.status === 'TO_REPAY');
    return { world, handle };
  }

  it('approve, reject and cancel are refused once the loan is disbursed, leaving history and the loan untouched', async () => {
    const { world, handle } = await disbursedLoan();
    const before = await parkedHistoryLength(handle);
    expect(await refusal(handle.executeUpdate(approveConditionsUpdate, { args: [{}] }))).toMatch(/^NoDecisionPending: no loan offer is awaiting an operator decision/);
    expect(await refusal(handle.executeUpdate(rejectConditionsUpdate, { args: [{}] }))).toMatch(/^NoDecisionPending: no loan offer is awaiting an operator decision/);
    expect(await refusal(handle.executeUpdate(cancelLoanUpdate, { args: [{}] }))).toMatch(/^LoanNotCancellable: the loan cannot be canceled in status TO_REPAY/);
    expect(await historyLength(handle)).toBe(before);
    expect((await world.controls.inventory()).cancels).toBe(0);

    const { loan } = await handle.query(progressQuery);
    await world.controls.repay(loan?.id ?? '');
    expect((await handle.result()).status).toBe('CLOSED');
  });

  it('approve and reject are refused once an operator decided (a second approval does nothing)', async () => {
    const { world, handle } = await awaitingOperator({ requireOperatorApproval: true });
    await handle.executeUpdate(approveConditionsUpdate, { args: [{}] });
    // Refused while the workflow still runs; with the instant emulator it may already have ended (no update then).
    expect(await refusalOrEnded(handle.executeUpdate(approveConditionsUpdate, { args: [{}] }))).toMatch(/^NoDecisionPending: no loan offer is awaiting|^ended$/);
    expect(await refusalOrEnded(handle.executeUpdate(rejectConditionsUpdate, { args: [{}] }))).toMatch(/^NoDecisionPending: no loan offer is awaiting|^ended$/);
    expect((await handle.result()).status).toBe('CLOSED');
    expect((await world.controls.inventory()).validations).toBe(1);
  });
});
