/**
 * What goes wrong around a loan: Defacto refusing (fail fast), failing transiently (retried), losing
 * replies (no twins), the worker going away, duplicate starts, long waits, and history growth.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { DefactoFailureDetails } from '../../src/domain/defacto-failures';
import { DuplicateLoanError } from '../../src/loans/start-loan';
import { approveConditionsUpdate, defactoEventSignal, progressQuery, rejectConditionsUpdate } from '../../src/workflows/messages';
import { eventually } from '../helpers/temporal';
import { fileEmulator, historyLength, progressUntil, worldsPerTest } from './harness';

const DAY_MS = 86_400_000;

const worlds = worldsPerTest();
// Faults are emulator-wide: none outlives its test (this runs before the harness closes the world).
afterEach(async () => {
  await worlds.current().controls.clearFaults();
});

function durationMs(start: { seconds?: unknown; nanos?: number | null } | null | undefined, end: typeof start): number {
  const ms = (t: typeof start) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  return ms(end) - ms(start);
}

describe('Defacto failures', () => {
  it('a 4xx fails the workflow fast, with the error class as failure type and the problem type in its details', async () => {
    const world = await worlds.open();
    const { iban } = await world.defacto.sandbox.generateIban({ scenario: 'SUCCESS' });
    const issuedAt = new Date().toISOString();
    const dueAt = new Date(Date.now() + 30 * DAY_MS).toISOString();
    const account = { account_number: iban, bank_identifier: 'FK2FACTO' };
    // Another seller already owns this sandbox IBAN: Defacto refuses a second owner with a 400.
    await world.defacto.invoices.create({
      document: 'JVBERi0xLjQK', invoice_number: `OTHER-${randomUUID()}`, issued_at: issuedAt, due_at: dueAt, total_amount: 12_000,
      currency: 'EUR', buyer: { identifier: '552100554', name: 'Buyer' }, seller: { identifier: '732829320', name: 'Other seller' },
      to_account: account, is_draft: false,
    });
    const postsBefore = (await world.controls.stats()).routes['POST /invoices']?.count ?? 0;
    const { handle } = await world.start({
      borrower: { identifier: '843221479', identifierType: 'siren', name: 'Seller SAS', country: 'FRA', signedAt: issuedAt },
      invoice: {
        invoice_number: `INV-${randomUUID()}`, issued_at: issuedAt, due_at: dueAt, total_amount: 12_000, currency: 'EUR',
        buyer: { identifier: '552100554', name: 'Buyer' }, seller: { identifier: '843221479', name: 'Seller SAS' }, to_account: account,
      },
    });
    const error = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const failure = (error as WorkflowFailedError).cause;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('DefactoBadRequestError');
    expect(failure?.message).toMatch(/^INVOICE_CREATED: POST \/invoices failed with HTTP 400/);
    const details = (failure as ApplicationFailure).details?.[0] as DefactoFailureDetails;
    expect(details.problemType).toMatch(/errors#bad_request$/);
    expect(details.invalidParams).toEqual([{ name: 'to_account.account_number', reason: 'IBAN already used by another counterparty' }]);
    expect((await world.controls.stats()).routes['POST /invoices']?.count).toBe(postsBefore + 1);
    expect((await handle.query(progressQuery)).steps.INVOICE_CREATED.status).toBe('FAILED');
  });

  it('5xx answers are retried, and a 429 is retried after its Retry-After; the loan still CLOSES', async () => {
    const world = await worlds.open();
    await world.controls.addFaults([
      { route: 'POST /borrowers', kind: 'status', status: 500, count: 1 },
      { route: 'GET /loan/{loan_id}', kind: 'status', status: 503, count: 2 },
      { route: 'POST /loans', kind: 'rate_limit', retryAfterS: 2, count: 1 },
    ]);
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    expect((await handle.result()).status).toBe('CLOSED');
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'requestLoan');
    const started = events.find((e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(2);
    // The activity back-off starts at 500 ms: only Retry-After explains a 2 s gap.
    expect(durationMs(scheduled?.eventTime, started?.eventTime)).toBeGreaterThanOrEqual(1_900);
  });

  it('lost replies on POST /borrowers, /invoices, /loans and /loan/{id}/validate still yield exactly one of each', async () => {
    const world = await worlds.open();
    await world.controls.addFaults(['POST /borrowers', 'POST /invoices', 'POST /loans', 'POST /loan/{loan_id}/validate']
      .map((route) => ({ route, kind: 'lost_response' as const, count: 1 })));
    const { handle } = await world.start({ borrower: { generate: true }, invoice: { generate: true } });
    expect((await handle.result()).status).toBe('CLOSED');
    expect(await world.controls.inventory()).toMatchObject({ borrowers: 1, invoices: 1, loans: 1, validations: 1 });
  });
});

describe('durability', () => {
  it('a worker shut down mid-flight is replaced and the new one finishes the loan', async () => {
    const world = await worlds.open();
    const { handle } = await world.start({
      borrower: { generate: true }, invoice: { generate: true }, loan: { acceptancePolicy: { requireOperatorApproval: true } },
    });
    await progressUntil(handle, (p) => p.awaitingOperator);
    await world.worker.stop();
    await world.restartWorker();
    await handle.executeUpdate(approveConditionsUpdate, { args: [{}] });
    expect((await handle.result()).status).toBe('CLOSED');
    expect(await world.controls.inventory()).toMatchObject({ borrowers: 1, invoices: 1, loans: 1, validations: 1 });
  });

  it('a second start for the same financing is refused, while it runs and after it ended', async () => {
    const world = await worlds.open();
    const request = {
      requestReference: `dup-${randomUUID().slice(0, 8)}`, borrower: { generate: true }, invoice: { generate: true },
      loan: { acceptancePolicy: { requireOperatorApproval: true } },
    } as const;
    const { handle, workflowId } = await world.start(request);
    expect(workflowId).toBe(`loan-ref-${request.requestReference}`);
    await expect(world.start(request)).rejects.toThrow(DuplicateLoanError);
    await expect(world.start(request)).rejects.toMatchObject({ workflowId, existingStatus: 'RUNNING' });
    await progressUntil(handle, (p) => p.awaitingOperator);
    await handle.executeUpdate(rejectConditionsUpdate, { args: [{}] });
    await handle.result();
    await expect(world.start(request)).rejects.toMatchObject({ existingStatus: 'COMPLETED' });
    expect((await world.controls.inventory()).loans).toBe(1);
  });

  it('a production-like loan repaid 90 days later sleeps on long timers and stays under 400 history events', async () => {
    // Its own emulator: the virtual clock moves 90 days, which must not age other tests' invoices.
    const ownEmulator = await fileEmulator();
    onTestFinished(() => ownEmulator.close());
    const world = await worlds.open({ emulator: ownEmulator });
    await world.controls.setRepaymentMode('production');
    const { handle } = await world.start({
      borrower: { generate: true }, invoice: { generate: true },
      loan: { autoValidate: true, durationDays: 90, pollSchedule: { idleCheckMs: 3_600_000 } },
    });
    const disbursed = await progressUntil(handle, (p) => p.loan?.status === 'TO_REPAY' && p.lastPolledAt !== null);
    const loanId = disbursed.loan?.id ?? '';
    // The workflow now sleeps until the repayment date (capped at idleCheckMs), not on a short poll.
    await eventually(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const lastTimer = events.filter((e) => e.timerStartedEventAttributes).at(-1)?.timerStartedEventAttributes;
      expect(Number(lastTimer?.startToFireTimeout?.seconds ?? 0)).toBeGreaterThanOrEqual(3_500);
    });

    await world.controls.advanceClock(90 * DAY_MS + 3_600_000);
    const loan = await world.defacto.loans.get(loanId);
    if (loan.status === 'TO_REPAY') await world.controls.repay(loanId);
    // Stand-in for the webhook receiver: the Defacto event wakes the long wait at once.
    const event = { loanId, status: 'CLOSED', eventType: 'Loan.CLOSED', timestamp: new Date().toISOString() } as const;
    await handle.signal(defactoEventSignal, event);
    await handle.signal(defactoEventSignal, event);
    expect((await handle.result()).status).toBe('CLOSED');
    const progress = await handle.query(progressQuery);
    expect(progress.eventsSeen).toBe(1);
    expect(progress.polls).toBeLessThan(10);
    expect(await historyLength(handle)).toBeLessThan(400);
  });

  it('continue-as-new carries the lifecycle over: the next run resumes where the last one stopped', async () => {
    const world = await worlds.open();
    await world.controls.setRepaymentMode('production');
    const { handle } = await world.start({
      borrower: { generate: true }, invoice: { generate: true },
      loan: { continueAsNewAfterEvents: 90, pollSchedule: { initialMs: 50, maxMs: 50, idleCheckMs: 50 } },
    });
    const continued = await progressUntil(handle, (p) => p.runs >= 2 && p.loan?.status === 'TO_REPAY', 60_000);
    expect(continued.steps.DISBURSED.status).toBe('DONE');
    expect(continued.borrower?.identifier).toEqual(expect.any(String));
    await world.controls.repay(continued.loan?.id ?? '');
    expect((await handle.result()).status).toBe('CLOSED');
    expect(await world.controls.inventory()).toMatchObject({ borrowers: 1, invoices: 1, loans: 1, validations: 1 });
  });
});
