/**
 * The invariants of a chaos run, each a pure check over what the run left behind (the loans the
 * harness drove, the emulator's per-tenant inventory and books, the workflow histories, the log
 * files). Each returns a named verdict with a one-line explanation, so the report reads one by one.
 */
import type { ApiCreditLine, MinimalLoanApi } from '../../src/defacto';
import { generatedInvoiceNumber } from '../../src/domain/ids';
import { TERMINAL_LOAN_STATUSES, type LoanOutcome, type LoanStatus, type OutcomeStatus } from '../../src/domain/loan';
import type { HistoryEvidence, SecretSighting } from './evidence';
import { LOAN_KIND_SPECS, outcomeMismatch, type LoanKind } from './scenarios';
import type { EmulatorInventory } from '../../src/emulator/routes/controls';

/** One loan of the run, as the harness drove it. */
export interface LoanRun {
  readonly index: number;
  readonly kind: LoanKind;
  readonly reference: string;
  readonly phase: 'fault-free' | 'faults';
  workflowId?: string;
  startedAt?: number;
  finishedAt?: number;
  deadlineAt?: number;
  outcome?: LoanOutcome;
  /** Why the harness got no outcome (workflow failed, deadline passed, start refused). */
  failure?: string;
  /** Result of the operator step, for kinds that have one. */
  operator?: string;
  /** The adoption that followed the loan after its workflow was terminated (its outcome is `outcome`). */
  adoptedBy?: string;
  /** Planned for termination: the harness holds its operator step until then (see terminations.ts). */
  holdOperator?: boolean;
  /** Its workflow was terminated by the run. */
  terminated?: boolean;
  /** Its workflow was terminated and its loan then ended at Defacto, in this status, before reconciliation ran. */
  endedUnfollowed?: LoanStatus;
}

/** A per-tenant inventory of the emulator (`GET /_emulator/inventory`). */
export type Inventory = EmulatorInventory;

/** A verdict. */
export interface InvariantResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const sample = (items: readonly string[], n = 5): string =>
  `${items.slice(0, n).join('; ')}${items.length > n ? `; … ${items.length - n} more` : ''}`;

const counts = (values: readonly string[]): string => {
  const tally = new Map<string, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  return [...tally].map(([k, n]) => `${k} ${n}`).join(', ');
};

/** The outcome a loan that ended at Defacto in a final status would have had. */
const OUTCOME_OF_FINAL_STATUS: Partial<Record<LoanStatus, OutcomeStatus>> = {
  CLOSED: 'CLOSED', DECLINED: 'DECLINED', CANCELED: 'CANCELED', ISSUE_DETECTED: 'PAYMENT_FAILED',
};

/** Every started workflow reached the outcome its scenario predicts (and operator steps were carried out). */
export function checkOutcomes(loans: readonly LoanRun[]): InvariantResult {
  const wrong: string[] = [];
  for (const loan of loans) {
    const spec = LOAN_KIND_SPECS[loan.kind];
    const id = loan.workflowId ?? loan.reference;
    if (!loan.outcome && loan.endedUnfollowed) {
      // Nobody followed its end; Defacto's final status must still be the predicted one.
      const ended = OUTCOME_OF_FINAL_STATUS[loan.endedUnfollowed];
      if (ended !== spec.expect.status) wrong.push(`${id} (${loan.kind}): its loan ended ${loan.endedUnfollowed} unfollowed, expected ${spec.expect.status}`);
      continue;
    }
    if (!loan.outcome) {
      wrong.push(`${id} (${loan.kind}): ${loan.failure ?? 'no outcome'}`);
      continue;
    }
    const mismatch = outcomeMismatch(spec.expect, loan.outcome);
    if (mismatch) wrong.push(`${id} (${loan.kind}): ${mismatch}`);
    else if (spec.operator && loan.operator !== 'done') wrong.push(`${id} (${loan.kind}): operator ${spec.operator} ${loan.operator ?? 'not done'}`);
  }
  const ok = wrong.length === 0;
  return {
    name: 'every started workflow reached the outcome its scenario predicts',
    ok,
    detail: ok
      ? `${loans.length}/${loans.length} as predicted (${counts(loans.map((l) => `${l.kind}→${l.outcome?.status ?? (l.endedUnfollowed ? `${l.endedUnfollowed} unfollowed` : '?')}`))})`
      : `${wrong.length}/${loans.length} not as predicted: ${sample(wrong)}`,
  };
}

/** Exactly one borrower per company identifier. */
export function checkBorrowers(inventory: Inventory): InvariantResult {
  const twins = Object.entries(inventory.byIdentifier).filter(([, n]) => n !== 1).map(([id, n]) => `${id} ×${n}`);
  return {
    name: 'one borrower per identifier',
    ok: twins.length === 0 && inventory.borrowers > 0,
    detail: twins.length === 0 ? `${inventory.borrowers} borrowers, each identifier once` : `duplicated: ${sample(twins)}`,
  };
}

/** Exactly one invoice per invoice number, and one per workflow. */
export function checkInvoices(inventory: Inventory, loans: readonly LoanRun[]): InvariantResult {
  const problems = Object.entries(inventory.byInvoiceNumber).filter(([, n]) => n !== 1).map(([no, n]) => `${no} ×${n}`);
  for (const loan of loans) {
    if (!loan.workflowId) continue;
    const number = generatedInvoiceNumber(loan.workflowId);
    if (inventory.byInvoiceNumber[number] === undefined) problems.push(`${number} missing`);
  }
  const expected = loans.filter((l) => l.workflowId).length;
  if (inventory.invoices !== expected) problems.push(`${inventory.invoices} invoices for ${expected} workflows`);
  return {
    name: 'one invoice per invoice number',
    ok: problems.length === 0,
    detail: problems.length === 0 ? `${inventory.invoices} invoices, each number once, one per workflow` : sample(problems),
  };
}

/** Exactly one Defacto loan per workflow (by its owner tag), and no loan without an owner. */
export function checkLoans(inventory: Inventory, defactoLoans: readonly MinimalLoanApi[], loans: readonly LoanRun[]): InvariantResult {
  const byOwner = new Map<string, number>();
  const problems: string[] = [];
  for (const loan of defactoLoans) {
    const owner = (loan.metadata as Record<string, unknown> | null | undefined)?.['workflow_id'];
    if (typeof owner !== 'string') problems.push(`loan ${loan.id} has no owning workflow`);
    else byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
  }
  for (const loan of loans) {
    if (!loan.workflowId) continue;
    const n = byOwner.get(loan.workflowId) ?? 0;
    if (n !== 1) problems.push(`${loan.workflowId} owns ${n} loans`);
  }
  const outcomeIds = loans.flatMap((l) => (l.outcome?.loanId ? [l.outcome.loanId] : []));
  if (new Set(outcomeIds).size !== outcomeIds.length) problems.push('two workflows report the same loan');
  if (inventory.loans !== defactoLoans.length) problems.push(`inventory says ${inventory.loans} loans, GET /loans lists ${defactoLoans.length}`);
  return {
    name: 'one loan per workflow',
    ok: problems.length === 0,
    detail: problems.length === 0 ? `${defactoLoans.length} loans for ${byOwner.size} workflows, one each` : sample(problems),
  };
}

/** Validations and cancellations Defacto applied equal those the scenarios call for: none twice, none lost. */
export function checkCommands(inventory: Inventory, loans: readonly LoanRun[]): InvariantResult {
  const validations = loans.reduce((n, l) => n + LOAN_KIND_SPECS[l.kind].expect.validations, 0);
  const cancels = loans.reduce((n, l) => n + LOAN_KIND_SPECS[l.kind].expect.cancels, 0);
  const ok = inventory.validations === validations && inventory.cancels === cancels;
  return {
    name: 'no validation or cancel applied twice',
    ok,
    detail: `validations ${inventory.validations} (expected ${validations}), cancels ${inventory.cancels} (expected ${cancels})`,
  };
}

const COMMITTED = new Set(['VALIDATED', 'SCHEDULED', 'INITIATED', 'TO_REPAY', 'TO_REPAY_FEES']);

/** Each credit line's available balance equals its limit minus the loans it still finances. */
export function checkCreditLines(lines: readonly ApiCreditLine[], defactoLoans: readonly MinimalLoanApi[]): InvariantResult {
  const outstanding = new Map<string, number>();
  for (const loan of defactoLoans) {
    const identifier = loan.borrower?.identifier;
    if (identifier && COMMITTED.has(loan.status)) outstanding.set(identifier, (outstanding.get(identifier) ?? 0) + loan.amount);
  }
  const wrong: string[] = [];
  for (const line of lines) {
    const identifier = line.default_borrower?.identifier ?? '';
    const expected = (line.pool_amount ?? 0) - (outstanding.get(identifier) ?? 0);
    if (line.balance_available !== expected) wrong.push(`line ${line.id ?? '?'}: available ${line.balance_available} ≠ ${expected}`);
  }
  const total = [...outstanding.values()].reduce((a, b) => a + b, 0);
  return {
    name: "each credit line's available balance equals its limit minus outstanding loans",
    ok: wrong.length === 0 && lines.length > 0,
    detail: wrong.length === 0 ? `${lines.length} credit lines balanced (outstanding ${total} cents)` : sample(wrong),
  };
}

/**
 * Nothing still running, nothing failed, and every loan finished before its deadline. The workflows the
 * run terminated on purpose (`terminated`) are the only TERMINATED executions allowed.
 */
export function checkDeadlines(loans: readonly LoanRun[], evidence: HistoryEvidence, terminated: ReadonlySet<string> = new Set()): InvariantResult {
  const problems: string[] = [];
  for (const e of evidence.executions) {
    if (e.status === 'RUNNING') problems.push(`${e.workflowId} still running`);
    else if (e.status === 'TERMINATED' && terminated.has(e.workflowId)) continue;
    else if (e.status !== 'COMPLETED' && e.status !== 'CONTINUED_AS_NEW') problems.push(`${e.workflowId} ${e.status}`);
  }
  for (const loan of loans) {
    if (loan.finishedAt !== undefined && loan.deadlineAt !== undefined && loan.finishedAt > loan.deadlineAt) {
      problems.push(`${loan.workflowId ?? loan.reference} finished ${Math.round((loan.finishedAt - loan.deadlineAt) / 1000)} s past its deadline`);
    }
  }
  const slowest = Math.max(0, ...loans.map((l) => (l.finishedAt ?? 0) - (l.startedAt ?? 0)));
  return {
    name: 'no workflow left running past its deadline',
    ok: problems.length === 0,
    detail: problems.length === 0
      ? `0 running, ${evidence.executions.length} executions closed; slowest loan ${(slowest / 1000).toFixed(1)} s`
      : sample(problems),
  };
}

/** What reconciliation found after the run's terminations (see terminations.ts). */
export interface ReconciliationSummary {
  readonly terminated: readonly { readonly workflowId: string; readonly loanId: string; readonly defactoStatusAtReconciliation?: LoanStatus | null }[];
  readonly orphanLoanIds: readonly string[];
  readonly secondRunOrphans: number;
}

/**
 * No open loan at Defacto without a workflow following it. Reconciliation found as orphans exactly the
 * loans of the terminated workflows that were still open when it ran (no more, no fewer), and its second
 * run found none; at the end every Defacto loan has ended, followed there by a completed workflow (the one
 * that created it, `metadata.workflow_id`, or its adoption, `loan-adopted-<loanId>`), except a terminated
 * workflow's loan that ended before reconciliation ran (listed).
 */
export function checkFollowed(
  defactoLoans: readonly MinimalLoanApi[], evidence: HistoryEvidence, reconciliation: ReconciliationSummary,
): InvariantResult {
  const status = new Map(evidence.executions.map((e) => [e.workflowId, e.status]));
  const isOpen = (s: LoanStatus | null | undefined): boolean => s !== null && s !== undefined && !TERMINAL_LOAN_STATUSES.includes(s);
  const endedUnfollowed = new Set(reconciliation.terminated.filter((t) => !isOpen(t.defactoStatusAtReconciliation)).map((t) => t.loanId));
  const problems: string[] = [];
  let adopted = 0;
  for (const loan of defactoLoans) {
    const owner = (loan.metadata as Record<string, unknown> | null | undefined)?.['workflow_id'];
    const adoption = `loan-adopted-${loan.id}`;
    const followedBy = status.get(adoption) === 'COMPLETED' ? adoption : typeof owner === 'string' && status.get(owner) === 'COMPLETED' ? owner : null;
    if (followedBy === adoption) adopted += 1;
    if (isOpen(loan.status as LoanStatus)) problems.push(`loan ${loan.id} still ${loan.status}`);
    else if (followedBy === null && !endedUnfollowed.has(loan.id)) {
      problems.push(`loan ${loan.id} (${loan.status}) followed to its end by no workflow (${typeof owner === 'string' ? `${owner} ${status.get(owner) ?? 'unknown'}` : 'no owner'})`);
    }
  }
  const expected = reconciliation.terminated.filter((t) => !endedUnfollowed.has(t.loanId)).map((t) => t.loanId).sort();
  const found = [...reconciliation.orphanLoanIds].sort();
  if (expected.join() !== found.join()) problems.push(`reconciliation found orphans [${found.join(', ')}], expected [${expected.join(', ')}]`);
  if (reconciliation.secondRunOrphans !== 0) problems.push(`the second reconciliation run found ${reconciliation.secondRunOrphans} orphans`);
  return {
    name: 'no open loan at Defacto without a workflow following it',
    ok: problems.length === 0,
    detail: problems.length === 0
      ? `${defactoLoans.length} loans ended, each followed by a completed workflow; ${reconciliation.terminated.length} workflows terminated mid-flight:`
        + ` ${found.length} orphans found by reconciliation and ${adopted} followed to their end by adoption,`
        + ` ${endedUnfollowed.size} loans ended before reconciliation ran; a second run found no orphan`
      : sample(problems),
  };
}

/** No workflow task failed for non-determinism, and every history replays against the bundle. */
export function checkDeterminism(evidence: HistoryEvidence): InvariantResult {
  const problems = [...evidence.liveNondeterminism, ...evidence.replayFailures];
  if (evidence.replayed !== evidence.histories.length) problems.push(`${evidence.replayed}/${evidence.histories.length} histories replayed`);
  const failures = Object.entries(evidence.workflowTaskFailures);
  const failed = failures.length === 0 ? '0 workflow-task failures in the run'
    : `workflow-task failures in the run: ${failures.map(([cause, n]) => `${cause} ×${n}`).join(', ')}`;
  return {
    name: 'zero non-determinism errors',
    ok: problems.length === 0,
    detail: problems.length === 0
      ? `${evidence.replayed} histories replayed cleanly; ${failed}, none for non-determinism`
      : sample(problems),
  };
}

/** A secret appears in no log line and no history. */
export function checkSecret(label: string, secretName: string, logLines: number, sightings: readonly SecretSighting[], histories: number): InvariantResult {
  const found = sightings.filter((s) => s.secret === secretName).map((s) => s.where);
  return {
    name: `the ${label} appears in no log line or history`,
    ok: found.length === 0,
    detail: found.length === 0 ? `0 hits in ${logLines} log lines and ${histories} histories` : `found in ${sample(found)}`,
  };
}
