/**
 * Loans in every state an operator asks about, started through the production start path on one task
 * queue (a worker must serve it): closed, declined, canceled by an operator, awaiting a decision (review
 * window 20 h), and disbursed with the repayment due in 3 days (the emulator's production repayment mode
 * keeps it open). Shared by the cookbook test and `npm run test:ui`.
 */
import type { Client } from '@temporalio/client';
import { parseLoanRequest, type LoanRequestInput } from '../../src/domain/schemas';
import { startLoan } from '../../src/loans/start-loan';
import { progressQuery, rejectConditionsUpdate } from '../../src/workflows/messages';

/** Retries `check` until it resolves, for at most `timeoutMs` (no vitest here: `npm run test:ui` uses it too). */
async function eventually(check: () => Promise<void>, { timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** The states held. */
export const LOAN_KINDS = ['closed', 'declined', 'canceled', 'awaiting', 'repaying'] as const;
export type LoanKind = (typeof LOAN_KINDS)[number];

/** What the fixture needs. */
export interface LoansInEveryStateOptions {
  readonly client: Client;
  readonly taskQueue: string;
  /** Prefix of the request references (unique per run). */
  readonly prefix: string;
  /** Switches the emulator tenant's repayment mode (`/_emulator/settings`). */
  readonly setRepaymentMode: (mode: 'sandbox' | 'production') => Promise<unknown>;
  readonly searchTagKey?: Buffer | undefined;
  readonly onProgress?: (line: string) => void;
}

/** Fast first looks, then long waits, so parked loans keep a short history. */
const POLLING = { initialMs: 50, maxMs: 30_000, multiplier: 2, idleCheckMs: 60_000 };
const HOUR_MS = 3_600_000;

function request(prefix: string, kind: LoanKind, loan: LoanRequestInput['loan'], scenario: 'SUCCESS' | 'REJECT' = 'SUCCESS'): LoanRequestInput {
  return {
    requestReference: `${prefix}-${kind}`,
    borrower: { generate: true },
    invoice: { generate: true, scenario },
    loan: { pollSchedule: POLLING, ...loan },
  };
}

/** Starts one loan per kind and waits until each is in its state; resolves their workflow IDs. */
export async function startLoansInEveryState(options: LoansInEveryStateOptions): Promise<Record<LoanKind, string>> {
  const { client, taskQueue, prefix } = options;
  const say = options.onProgress ?? (() => undefined);
  const start = async (input: LoanRequestInput) => {
    const parsed = parseLoanRequest(input);
    if (!parsed.ok) throw parsed.error;
    return startLoan(client, parsed.value, { taskQueue, searchTagKey: options.searchTagKey });
  };
  const awaitingOperator = async (handle: Awaited<ReturnType<typeof start>>['handle']) => eventually(async () => {
    if (!(await handle.query(progressQuery)).awaitingOperator) throw new Error('not awaiting an operator yet');
  }, { timeoutMs: 60_000, intervalMs: 200 });

  await options.setRepaymentMode('sandbox');
  const [closed, declined, canceled] = await Promise.all([
    start(request(prefix, 'closed', {})),
    start(request(prefix, 'declined', {}, 'REJECT')),
    start(request(prefix, 'canceled', { acceptancePolicy: { requireOperatorApproval: true } })),
  ]);
  await awaitingOperator(canceled.handle);
  await canceled.handle.executeUpdate(rejectConditionsUpdate, { args: [{ reason: 'fees too high' }] });
  const outcomes = await Promise.all([closed.handle.result(), declined.handle.result(), canceled.handle.result()]);
  say(`closed, declined and canceled loans ended: ${outcomes.map((o) => o.status).join(', ')}`);

  await options.setRepaymentMode('production');
  const [awaiting, repaying] = await Promise.all([
    start(request(prefix, 'awaiting', { acceptancePolicy: { requireOperatorApproval: true }, deadlines: { conditionsReviewMs: 20 * HOUR_MS } })),
    start(request(prefix, 'repaying', { autoValidate: true, durationDays: 3 })),
  ]);
  await awaitingOperator(awaiting.handle);
  await eventually(async () => {
    if ((await repaying.handle.query(progressQuery)).loan?.status !== 'TO_REPAY') throw new Error('not disbursed yet');
  }, { timeoutMs: 60_000, intervalMs: 200 });
  say('one loan awaits a decision, one is disbursed and due in 3 days');
  return { closed: closed.workflowId, declined: declined.workflowId, canceled: canceled.workflowId, awaiting: awaiting.workflowId, repaying: repaying.workflowId };
}
