/**
 * One loan per sandbox scenario through the whole lifecycle, on the real dev server and the emulator.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { LoanOutcome } from '../../src/domain/loan';
import { eventually } from '../helpers/temporal';
import { fileEmulator, historyLength, progressUntil, worldsPerTest } from './harness';
import { progressQuery } from '../../src/workflows/messages';

const worlds = worldsPerTest();

function expectStatus<S extends LoanOutcome['status']>(outcome: LoanOutcome, status: S): Extract<LoanOutcome, { status: S }> {
  expect(outcome.status).toBe(status);
  return outcome as Extract<LoanOutcome, { status: S }>;
}

describe('sandbox scenarios', () => {
  it('SUCCESS: the loan is validated, paid, repaid and CLOSED, every step stamped, in under 150 history events', async () => {
    const world = await worlds.open();
    const { handle, workflowId } = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'SUCCESS' } });
    const closed = expectStatus(await handle.result(), 'CLOSED');
    expect(closed.repaidNominalCents).toBe(closed.amountCents);
    expect(closed.repaidAmountCents).toBe(closed.amountCents + closed.feesCents);
    expect(closed.payments.map((p) => `${p.type}:${p.status}`).sort()).toEqual(['LOAN_PAYMENT:PAID', 'REPAYMENT_FULL:PAID']);
    expect(closed.eventCount).toBeGreaterThan(0);
    expect(closed.creditLineBefore?.balanceAvailableCents).toEqual(expect.any(Number));
    expect(closed.creditLineAfter?.balanceAvailableCents).toEqual(expect.any(Number));

    const progress = await handle.query(progressQuery);
    expect(progress.currentStep).toBe('FINISHED');
    for (const [step, state] of Object.entries(progress.steps)) {
      expect(state.status, step).toBe('DONE');
      expect(Date.parse(state.completedAt ?? ''), step).toBeGreaterThanOrEqual(Date.parse(state.startedAt ?? ''));
    }
    expect(progress.review).toMatchObject({ mode: 'policy', withinPolicy: true, decidedBy: 'policy' });
    expect(await historyLength(handle)).toBeLessThan(150);

    const listed = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of world.env.client.workflow.list({ query: `LoanStatus="CLOSED" AND WorkflowId="${workflowId}"` })) ids.push(wf.workflowId);
      if (ids.length === 0) throw new Error('not visible yet');
      return ids;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    expect(listed).toEqual([workflowId]);
  });

  it('SUCCESS_ONE_DAY_LATER: the loan waits in TO_REPAY until a day passes on the emulator clock, then CLOSES', async () => {
    // Its own emulator: the virtual clock moves a day, which must not age other tests' invoices.
    const ownEmulator = await fileEmulator();
    onTestFinished(() => ownEmulator.close());
    const world = await worlds.open({ emulator: ownEmulator });
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'SUCCESS_ONE_DAY_LATER' } });
    const waiting = await progressUntil(handle, (p) => p.loan?.status === 'TO_REPAY');
    expect(waiting.steps.DISBURSED.status).toBe('DONE');
    expect(waiting.steps.REPAID.status).toBe('ACTIVE');
    await world.controls.advanceClock(25 * 3_600_000);
    const closed = expectStatus(await handle.result(), 'CLOSED');
    expect(closed.repaidNominalCents).toBe(closed.amountCents);
  });

  it('FAIL: the disbursement fails and the outcome is PAYMENT_FAILED with the failed payment', async () => {
    const world = await worlds.open();
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'FAIL' } });
    const failed = expectStatus(await handle.result(), 'PAYMENT_FAILED');
    expect(failed.loanStatus).toBe('ISSUE_DETECTED');
    expect(failed.failedPayment).toMatchObject({ type: 'LOAN_PAYMENT', status: 'FAILED' });
    const progress = await handle.query(progressQuery);
    expect(progress.steps.VALIDATED.status).toBe('DONE');
    expect(progress.steps.DISBURSED.status).toBe('FAILED');
    expect(progress.steps.REPAID.status).toBe('SKIPPED');
  });

  it('REJECT: Defacto declines the loan and the outcome is DECLINED with its denial reason', async () => {
    const world = await worlds.open();
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'REJECT' } });
    const declined = expectStatus(await handle.result(), 'DECLINED');
    expect(declined.denialReason).toBe('CREDIT_RISK_NOT_ELIGIBLE');
    expect((await handle.query(progressQuery)).steps.CONDITIONS_REVIEWED.status).toBe('FAILED');
  });

  it('CANCEL: Defacto cancels the validated loan and the outcome is CANCELED by Defacto', async () => {
    const world = await worlds.open();
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'CANCEL' } });
    const canceled = expectStatus(await handle.result(), 'CANCELED');
    expect(canceled.canceledBy).toBe('defacto');
    expect((await handle.query(progressQuery)).steps.VALIDATED.status).toBe('DONE');
  });

  it('with autoValidate, Defacto validates the offer itself and the review step records it', async () => {
    const world = await worlds.open();
    const { handle } = await world.start({
      borrower: { generate: true }, invoice: { generate: true }, loan: { autoValidate: true },
    });
    expectStatus(await handle.result(), 'CLOSED');
    const progress = await handle.query(progressQuery);
    expect(progress.review).toMatchObject({ mode: 'auto', decidedBy: 'api' });
    expect((await world.controls.inventory()).validations).toBe(0);
  });
});
