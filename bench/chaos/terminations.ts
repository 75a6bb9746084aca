/**
 * Terminations, the disruption no workflow can intercept (the Web UI's or the CLI's "terminate"), and
 * what catches them: the reconciliation workflow. During the fault phase a few loan workflows whose loan
 * is open at Defacto are terminated; after it, one reconciliation run must find exactly those orphans
 * and adopt them (`loan-adopted-<loanId>`), each adoption must reach the outcome the loan's scenario
 * predicts, and a second run must find nothing.
 */
import type { Client } from '@temporalio/client';
import { TERMINAL_LOAN_STATUSES, type LoanOutcome, type LoanStatus } from '../../src/domain/loan';
import { loanReconciliationWorkflow } from '../../src/workflows';
import type { ReconciliationReport } from '../../src/workflows/reconciliation';
import { AwaitingDecisionKey, LoanIdKey, LoanStatusKey } from '../../src/workflows/search-attributes';
import { awaitOutcome } from './drive';
import type { LoanRun } from './invariants';
import { CHAOS_POLLING, LOAN_KIND_SPECS, type OperatorAction } from './scenarios';

/**
 * The loans whose workflows the run will terminate: `count` loans of the fault phase with an operator step,
 * spread over the phase. The harness holds their operator back, so each waits in TO_VALIDATE for a
 * decision when terminated (as an operator might terminate a stuck-looking loan from the Web UI): its loan
 * stays open at Defacto, an orphan certain to be there for reconciliation. Marks them `holdOperator`.
 */
export function planTerminations(loans: readonly LoanRun[], count: number): LoanRun[] {
  const eligible = loans.filter((l) => l.phase === 'faults' && LOAN_KIND_SPECS[l.kind].operator !== null);
  if (count <= 0 || eligible.length === 0) return [];
  const picked = new Set<LoanRun>();
  for (let i = 0; i < count && picked.size < eligible.length; i += 1) {
    const at = Math.min(eligible.length - 1, Math.floor(((i + 0.5) / count) * eligible.length));
    picked.add(eligible.find((l, j) => j >= at && !picked.has(l)) ?? eligible.find((l) => !picked.has(l))!);
  }
  for (const loan of picked) loan.holdOperator = true;
  return [...picked];
}

/** What a termination did to one loan, and what reconciliation did about it. */
export interface Termination {
  readonly workflowId: string;
  readonly loanId: string;
  /** The loan's status as its workflow last saw it, when terminated. */
  readonly loanStatus: LoanStatus;
  readonly at: number;
  /** Defacto's status of the loan when reconciliation ran: a terminal one means it ended unfollowed, no orphan. */
  defactoStatusAtReconciliation?: LoanStatus | null;
  /** The adoption that followed the loan to its end (`null`: none). */
  adoptedBy?: string | null;
}

/** Reconciliation after the fault phase: its two runs and the adoptions they started. */
export interface ReconciliationEvidence {
  readonly firstRun: { readonly orphans: number; readonly adoptionsStarted: number; readonly loansChecked: number; readonly orphanLoanIds: readonly string[] };
  readonly secondRun: { readonly orphans: number; readonly findings: number };
  /** From the first run's start until every adoption had its outcome. */
  readonly adoptionS: number;
}

const isTerminal = (status: LoanStatus): boolean => TERMINAL_LOAN_STATUSES.includes(status);

/**
 * Terminates one planned victim (see {@link planTerminations}) now awaiting its operator, or answers `null`
 * when none is there yet. Marks the loan run `terminated`, which releases the harness's held operator.
 */
export async function terminateOne(client: Client, loans: readonly LoanRun[], done: Termination[]): Promise<Termination | null> {
  const candidates = loans.filter((l) => l.holdOperator && !l.terminated && l.workflowId && l.finishedAt === undefined);
  for (const loan of candidates) {
    const handle = client.workflow.getHandle(loan.workflowId!);
    const description = await handle.describe().catch(() => null);
    if (!description || description.status.name !== 'RUNNING') continue;
    const loanId = description.typedSearchAttributes.get(LoanIdKey);
    const loanStatus = description.typedSearchAttributes.get(LoanStatusKey) as LoanStatus | undefined;
    if (!loanId || !loanStatus || description.typedSearchAttributes.get(AwaitingDecisionKey) !== true) continue;
    const terminated = await handle.terminate('chaos: terminated by an operator').then(() => true, () => false);
    if (!terminated) continue;
    loan.terminated = true;
    const termination: Termination = { workflowId: loan.workflowId!, loanId, loanStatus, at: Date.now() };
    done.push(termination);
    return termination;
  }
  return null;
}

/** What reconciling needs from the run. */
export interface ReconcileContext {
  readonly client: Client;
  readonly taskQueue: string;
  readonly reviewWindowMs: number;
  readonly deadlineMs: number;
  /** Defacto's status of a loan (read with faults off). */
  readonly defactoStatus: (loanId: string) => Promise<LoanStatus>;
  /** Plays the operator on a workflow awaiting a decision (the back office's route, as for the started loans). */
  readonly operate: (workflowId: string, action: OperatorAction) => Promise<string>;
}

/**
 * Runs reconciliation as the `loan-reconciliation` schedule would (same workflow, same task queue), with
 * the run's loan policy for adoptions; waits for every adoption and records its outcome on the loan run
 * of the terminated workflow; then runs reconciliation again, which must find nothing.
 */
export async function reconcileAfterTerminations(
  ctx: ReconcileContext, loans: readonly LoanRun[], terminations: readonly Termination[],
): Promise<ReconciliationEvidence> {
  const started = Date.now();
  const run = (n: number): Promise<ReconciliationReport> => ctx.client.workflow.execute(loanReconciliationWorkflow, {
    taskQueue: ctx.taskQueue,
    workflowId: `${ctx.taskQueue}-reconciliation-${n}`,
    args: [{
      // The harness's loans have all finished: no grace period is needed to let a workflow catch up.
      gracePeriodMs: 0,
      adoptedLoan: {
        // An adopted loan awaiting validation waits for an operator (the lifecycle's default for adoptions).
        acceptancePolicy: { requireOperatorApproval: true, maxFeeRatePercent: 25, maxDurationDays: 365 },
        deadlines: { conditionsReviewMs: ctx.reviewWindowMs, repaymentFollowUpMs: 7 * 24 * 3_600_000 }, // The lifecycle's default.
        pollSchedule: { ...CHAOS_POLLING },
      },
    }],
  });
  for (const termination of terminations) termination.defactoStatusAtReconciliation = await ctx.defactoStatus(termination.loanId);
  const first = await run(1);
  const orphanLoanIds = first.findings.flatMap((f) => (f.kind === 'orphan' ? [f.loanId] : []));
  const adoptedBy = new Map(first.findings.flatMap((f) => (f.kind === 'orphan' && f.adoptedBy ? [[f.loanId, f.adoptedBy] as const] : [])));

  const byWorkflow = new Map(loans.flatMap((l) => (l.workflowId ? [[l.workflowId, l] as const] : [])));
  await Promise.all(terminations.map(async (termination) => {
    const loan = byWorkflow.get(termination.workflowId);
    const adoption = adoptedBy.get(termination.loanId) ?? null;
    termination.adoptedBy = adoption;
    if (!loan) return;
    delete loan.outcome;
    const ended = termination.defactoStatusAtReconciliation;
    if (adoption === null) {
      loan.failure = ended && isTerminal(ended)
        ? `terminated; its loan ended unfollowed (${ended}) before reconciliation ran`
        : `terminated with loan ${termination.loanId} ${ended ?? '?'}; reconciliation did not adopt it`;
      if (ended && isTerminal(ended)) loan.endedUnfollowed = ended;
      return;
    }
    // The operator decides for the adoption what the scenario calls for (approve when it has no operator step).
    const awaitsValidation = termination.defactoStatusAtReconciliation === 'TO_VALIDATE' || termination.defactoStatusAtReconciliation === 'PENDING_VALIDATION';
    const operating = awaitsValidation
      ? ctx.operate(adoption, LOAN_KIND_SPECS[loan.kind].operator ?? 'approve').then((r) => r, (e: unknown) => `failed: ${e instanceof Error ? e.message : String(e)}`)
      : Promise.resolve(null);
    const result: { outcome?: LoanOutcome; failure?: string } = await awaitOutcome(ctx.client, adoption, Date.now() + ctx.deadlineMs);
    const operated = await operating;
    if (operated !== null && LOAN_KIND_SPECS[loan.kind].operator) loan.operator = operated;
    if (result.outcome) loan.outcome = result.outcome;
    if (result.failure === undefined) delete loan.failure;
    else loan.failure = `adoption ${adoption}: ${result.failure}`;
    loan.adoptedBy = adoption;
  }));
  const adoptionS = (Date.now() - started) / 1000;

  const second = await run(2);
  return {
    firstRun: { orphans: first.counts.orphan, adoptionsStarted: first.adoptionsStarted, loansChecked: first.loansChecked, orphanLoanIds },
    secondRun: { orphans: second.counts.orphan, findings: Object.values(second.counts).reduce((a, b) => a + b, 0) },
    adoptionS,
  };
}
