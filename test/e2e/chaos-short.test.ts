/**
 * The short chaos variant: ~30 loans through the public entry points while Defacto injects faults on
 * every route, the worker process is SIGKILLed, the Temporal dev server restarts on its database file
 * and the HTTP edge restarts. Nothing may be lost or duplicated. The long variant is `npm run chaos`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos/chaos';
import { scanHistories, scanLogs, type HistoryEvidence } from '../../bench/chaos/evidence';
import {
  checkBorrowers, checkCommands, checkCreditLines, checkDeadlines, checkDeterminism, checkFollowed, checkInvoices, checkLoans, checkOutcomes,
  type Inventory, type LoanRun,
} from '../../bench/chaos/invariants';
import { chaosOptions } from '../../bench/lib/options';
import type { ApiCreditLine, MinimalLoanApi } from '../../src/defacto';

const INVARIANTS = [
  'every started workflow reached the outcome its scenario predicts',
  'one borrower per identifier',
  'one invoice per invoice number',
  'one loan per workflow',
  'no open loan at Defacto without a workflow following it',
  'no validation or cancel applied twice',
  "each credit line's available balance equals its limit minus outstanding loans",
  'no workflow left running past its deadline',
  'zero non-determinism errors',
  'the API key appears in no log line or history',
  'the back-office token appears in no log line or history',
  'the webhook token appears in no log line or history',
];

describe('chaos (short variant)', () => {
  it('30 loans under faults, a worker SIGKILL, a Temporal restart, an HTTP edge restart and two terminations: every invariant holds', async () => {
    const progress: string[] = [];
    const report = await runChaos(chaosOptions({
      loans: 30,
      seed: 7,
      concurrency: 10,
      faultFreeLoans: 6,
      // Every disruption within the first ~10 s of the fault phase, while its first loans are mid-way.
      durationS: 15,
      killEveryS: 4,
      maxWorkerKills: 1,
      terminations: 2,
      loanDeadlineS: 110,
      // Shorter than the realistic delays, long enough that every disruption hits loans mid-way.
      timing: { decisionDelayMs: 400, stepDelayMs: 200 },
    }), { progress: (line) => progress.push(line) });
    // On a failure, the run's own account of what happened comes first.
    if (!report.ok) console.error([...progress, ...report.chaos.timeline].join('\n'));

    expect(report.invariants.map((i) => i.name)).toEqual(INVARIANTS);
    for (const invariant of report.invariants) expect.soft(invariant.ok, `${invariant.name}: ${invariant.detail}`).toBe(true);
    expect(report.ok).toBe(true);

    // The chaos really happened, with loans in flight each time.
    expect(report.chaos.workerKills).toBe(1);
    expect(report.chaos.serverRestarts).toBe(1);
    expect(report.chaos.edgeRestarts).toBe(1);
    expect(report.chaos.inFlightAtKill[0]).toBeGreaterThan(0);
    expect(report.chaos.inFlightAtServerRestart[0]).toBeGreaterThan(0);
    expect(report.chaos.inFlightAtEdgeRestart[0]).toBeGreaterThan(0);
    expect(report.faults.failedRequests).toBeGreaterThan(0);
    // Terminated workflows' open loans were found by reconciliation and adopted; a second run found none.
    expect(report.chaos.terminations).toHaveLength(2);
    expect(report.chaos.reconciliation?.firstRun.adoptionsStarted).toBeGreaterThan(0);
    expect(report.chaos.reconciliation?.secondRun.orphans).toBe(0);
    expect(report.throughputRatio).toBeGreaterThan(0);
  }, 170_000);

  it('the secret scan reports a planted secret in a log line and in a history (a clean scan means something)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-scan-'));
    try {
      const log = join(dir, 'worker.log');
      writeFileSync(log, '{"msg":"fine"}\n{"msg":"oops","authorization":"Bearer planted-key-123"}\n');
      const secrets = { apiKey: 'planted-key-123' };
      expect(scanLogs([log], secrets).sightings).toEqual([{ secret: 'apiKey', where: `${log}:2` }]);
      const history = { events: [{ payloads: [{ data: new TextEncoder().encode('{"key":"planted-key-123"}') }] }] };
      expect(scanHistories([{ workflowId: 'wf-1', history }], secrets)).toEqual([{ secret: 'apiKey', where: 'history of wf-1' }]);
      expect(scanHistories([{ workflowId: 'wf-2', history: { events: [] } }], secrets)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each invariant reports a violation when the evidence shows one (a clean report means something)', () => {
    const loan = (workflowId: string, status: 'CLOSED' | 'CANCELED'): LoanRun => ({
      index: 0, kind: 'SUCCESS', reference: workflowId, phase: 'faults', workflowId, startedAt: 0, finishedAt: 1_000, deadlineAt: 2_000,
      outcome: status === 'CLOSED'
        ? { status, loanId: `L-${workflowId}`, amountCents: 100, currency: 'EUR', feesCents: 1, repaidAmountCents: 101, repaidNominalCents: 100,
            paidInterestsCents: 1, closedAt: null, payments: [], eventCount: 1, creditLineBefore: null, creditLineAfter: null }
        : { status, loanId: `L-${workflowId}`, canceledBy: 'defacto', reason: 'x' },
    });
    const inventory: Inventory = {
      borrowers: 2, invoices: 2, loans: 2, payments: 2, webhooks: 1, validations: 1, cancels: 0, loansByStatus: {},
      byIdentifier: { A: 1, B: 2 }, byInvoiceNumber: { 'FK-INVOICE-ref-a': 1, 'FK-INVOICE-ref-b': 2 },
    };
    const loans = [loan('loan-ref-a', 'CLOSED'), loan('loan-ref-b', 'CANCELED')];
    const defactoLoans = [
      { id: 'L1', status: 'CLOSED', amount: 100, borrower: { identifier: 'A' }, metadata: { workflow_id: 'loan-ref-a' } },
      { id: 'L2', status: 'TO_REPAY', amount: 100, borrower: { identifier: 'A' }, metadata: { workflow_id: 'loan-ref-a' } },
    ] as unknown as MinimalLoanApi[];
    const lines = [{ id: 'CL', pool_amount: 1_000, balance_available: 1_000, default_borrower: { identifier: 'A' } }] as unknown as ApiCreditLine[];
    const evidence: HistoryEvidence = {
      executions: [{ workflowId: 'loan-ref-b', runId: 'r', status: 'RUNNING', startTime: 0, closeTime: null }],
      histories: [{ workflowId: 'loan-ref-a', history: {} }, { workflowId: 'loan-ref-b', history: {} }],
      liveNondeterminism: [], workflowTaskFailures: {}, replayFailures: ['loan-ref-a: DeterminismViolationError: …'], replayed: 2,
    };

    expect(checkOutcomes(loans)).toMatchObject({ ok: false, detail: expect.stringContaining('loan-ref-b (SUCCESS): ended CANCELED, expected CLOSED') });
    expect(checkBorrowers(inventory)).toMatchObject({ ok: false, detail: expect.stringContaining('B ×2') });
    expect(checkInvoices(inventory, loans)).toMatchObject({ ok: false, detail: expect.stringContaining('FK-INVOICE-ref-b ×2') });
    expect(checkLoans(inventory, defactoLoans, loans)).toMatchObject({ ok: false, detail: expect.stringContaining('loan-ref-a owns 2 loans') });
    expect(checkCommands(inventory, loans)).toMatchObject({ ok: false, detail: 'validations 1 (expected 2), cancels 0 (expected 0)' });
    expect(checkCreditLines(lines, defactoLoans)).toMatchObject({ ok: false, detail: expect.stringContaining('available 1000 ≠ 900') });
    expect(checkDeadlines(loans, evidence)).toMatchObject({ ok: false, detail: expect.stringContaining('loan-ref-b still running') });
    expect(checkDeterminism(evidence)).toMatchObject({ ok: false, detail: expect.stringContaining('DeterminismViolationError') });
    // L2 is open with its workflow terminated and no adoption; reconciliation was told of one orphan it never found.
    const terminatedEvidence: HistoryEvidence = { ...evidence, executions: [{ workflowId: 'loan-ref-a', runId: 'r', status: 'TERMINATED', startTime: 0, closeTime: 1 }] };
    const followed = checkFollowed(defactoLoans, terminatedEvidence, {
      terminated: [{ workflowId: 'loan-ref-a', loanId: 'L2', defactoStatusAtReconciliation: 'TO_REPAY' }], orphanLoanIds: [], secondRunOrphans: 1,
    });
    expect(followed.ok).toBe(false);
    expect(followed.detail).toContain('loan L2 still TO_REPAY');
    expect(followed.detail).toContain('loan L1 (CLOSED) followed to its end by no workflow (loan-ref-a TERMINATED)');
    expect(followed.detail).toContain('reconciliation found orphans [], expected [L2]');
  });
});
