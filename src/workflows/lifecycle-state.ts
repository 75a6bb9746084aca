/**
 * The state of one loan lifecycle: steps with workflow-clock timestamps, the summaries gathered so far,
 * and the bookkeeping of polling. It renders `progressQuery`, keeps search attributes in sync, and is
 * what continue-as-new carries to the next run.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { log, upsertSearchAttributes } from '@temporalio/workflow';
import {
  FINISHED_STEP, LIFECYCLE_STEPS, initialSteps, loanStatusRank,
  type BorrowerSummary, type ConditionsReview, type ContractAvailability, type CreditLineSummary,
  type CanceledBy, type InvoiceSummary, type LifecycleStep, type LoanOutcome, type LoanProgress, type LoanSnapshot, type StepProgress,
} from '../domain/loan';
import {
  BorrowerIdentifierKey, CurrencyKey, InvoiceNumberKey, LifecycleStepKey, LoanAmountCentsKey, LoanIdKey, LoanStatusKey,
} from './search-attributes';

/** How many webhook event keys are remembered for de-duplication (older ones cannot matter any more). */
const SEEN_EVENTS_KEPT = 64;

/** Everything continue-as-new hands to the next run. */
export interface CarriedState {
  readonly steps: Record<LifecycleStep, StepProgress>;
  readonly borrower: BorrowerSummary | null;
  readonly borrowerCountry: string | null;
  readonly contract: ContractAvailability | null;
  readonly invoice: InvoiceSummary | null;
  readonly loan: LoanSnapshot | null;
  readonly review: ConditionsReview | null;
  readonly awaitingOperator: boolean;
  readonly creditLineBefore: CreditLineSummary | null;
  readonly creditLineBeforeChecked: boolean;
  readonly repaymentLate: boolean;
  readonly polls: number;
  readonly lastPolledAt: string | null;
  readonly eventsSeen: number;
  readonly seenEventKeys: readonly string[];
  readonly attempt: number;
  readonly backoffPhase: string | null;
  readonly runs: number;
  readonly cancelRequestedBy: CanceledBy | null;
  readonly cancelReason: string | null;
}

/** Mutable lifecycle state; only the workflow's main loop and its message handlers touch it. */
export class LifecycleState {
  steps: Record<LifecycleStep, StepProgress> = initialSteps();
  borrower: BorrowerSummary | null = null;
  borrowerCountry: string | null = null;
  contract: ContractAvailability | null = null;
  invoice: InvoiceSummary | null = null;
  loan: LoanSnapshot | null = null;
  review: ConditionsReview | null = null;
  awaitingOperator = false;
  creditLineBefore: CreditLineSummary | null = null;
  creditLineBeforeChecked = false;
  creditLineAfter: CreditLineSummary | null = null;
  repaymentLate = false;
  polls = 0;
  lastPolledAt: string | null = null;
  eventsSeen = 0;
  seenEventKeys: string[] = [];
  /** Polls since the watched phase last changed (drives the backoff). */
  attempt = 0;
  backoffPhase: string | null = null;
  runs = 1;
  /** Who asked Defacto to cancel (set just before the call), so the outcome names them. */
  cancelRequestedBy: CanceledBy | null = null;
  cancelReason: string | null = null;
  outcome: LoanOutcome | null = null;
  private readonly upserted = new Map<string, string | number>();

  constructor(readonly workflowId: string, carried?: CarriedState) {
    if (carried) {
      Object.assign(this, { ...carried, seenEventKeys: [...carried.seenEventKeys], runs: carried.runs + 1 });
    }
  }

  /** Workflow time as ISO 8601 (deterministic: the SDK fixes `Date` to the workflow task's time). */
  now(): string {
    return new Date().toISOString();
  }

  isDone(step: LifecycleStep): boolean {
    const status = this.steps[step].status;
    return status === 'DONE' || status === 'SKIPPED';
  }

  /** Marks a step active (keeps its first start time). */
  start(step: LifecycleStep, note?: string): void {
    const current = this.steps[step];
    if (current.status === 'ACTIVE' || this.isDone(step)) return;
    this.steps[step] = { status: 'ACTIVE', startedAt: current.startedAt ?? this.now(), ...(note ? { note } : {}) };
    log.info('lifecycle step started', { step });
  }

  /** Marks a step done; also starts it first when it was never seen active (instant transitions). */
  complete(step: LifecycleStep, note?: string): void {
    if (this.isDone(step)) return;
    const at = this.now();
    const current = this.steps[step];
    const keptNote = note ?? current.note;
    this.steps[step] = { status: 'DONE', startedAt: current.startedAt ?? at, completedAt: at, ...(keptNote ? { note: keptNote } : {}) };
    log.info('lifecycle step done', { step });
  }

  /** Marks a step failed, with a short non-personal reason. */
  fail(step: LifecycleStep, note: string): void {
    const current = this.steps[step];
    this.steps[step] = { status: 'FAILED', startedAt: current.startedAt ?? this.now(), completedAt: this.now(), note };
  }

  /** Marks every step not reached as skipped (the loan ended before them). */
  skipRemaining(note: string): void {
    for (const step of LIFECYCLE_STEPS) {
      if (this.steps[step].status === 'PENDING' || this.steps[step].status === 'ACTIVE') {
        this.steps[step] = { ...this.steps[step], status: 'SKIPPED', note };
      }
    }
  }

  /** The first step not finished, or `FINISHED`. */
  currentStep(): LifecycleStep | typeof FINISHED_STEP {
    if (this.outcome) return FINISHED_STEP;
    return LIFECYCLE_STEPS.find((s) => !this.isDone(s) && this.steps[s].status !== 'FAILED')
      ?? LIFECYCLE_STEPS.find((s) => this.steps[s].status === 'FAILED')
      ?? FINISHED_STEP;
  }

  /**
   * Takes a fresh loan snapshot unless it is older than what we know (a stale read must never move the
   * status backwards). Returns whether the status changed.
   */
  applyLoan(next: LoanSnapshot): boolean {
    const previous = this.loan;
    if (previous && previous.id === next.id && loanStatusRank(next.status) < loanStatusRank(previous.status)) return false;
    this.loan = next;
    return previous?.status !== next.status;
  }

  /** Remembers a webhook event key; false when it was already seen. */
  rememberEvent(key: string): boolean {
    if (this.seenEventKeys.includes(key)) return false;
    this.seenEventKeys.push(key);
    if (this.seenEventKeys.length > SEEN_EVENTS_KEPT) this.seenEventKeys.shift();
    this.eventsSeen += 1;
    return true;
  }

  /** Upserts the search attributes whose value changed since the last call (one history event at most). */
  syncSearchAttributes(): void {
    const wanted: [SearchAttributeUpdatePair['key'], string | number | null][] = [
      [LifecycleStepKey, this.currentStep()],
      [LoanStatusKey, this.loan?.status ?? null],
      [BorrowerIdentifierKey, this.borrower?.identifier ?? null],
      [InvoiceNumberKey, this.invoice?.invoiceNumber ?? null],
      [LoanIdKey, this.loan?.id ?? null],
      [LoanAmountCentsKey, this.loan?.amountCents ?? this.invoice?.amountCents ?? null],
      [CurrencyKey, this.loan?.currency ?? this.invoice?.currency ?? null],
    ];
    const updates: SearchAttributeUpdatePair[] = [];
    for (const [key, value] of wanted) {
      if (value === null || this.upserted.get(key.name) === value) continue;
      this.upserted.set(key.name, value);
      updates.push({ key, value } as SearchAttributeUpdatePair);
    }
    if (updates.length > 0) upsertSearchAttributes(updates);
  }

  /** The `progressQuery` answer. */
  progress(): LoanProgress {
    return {
      workflowId: this.workflowId,
      currentStep: this.currentStep(),
      steps: this.steps,
      borrower: this.borrower,
      contract: this.contract,
      invoice: this.invoice,
      loan: this.loan,
      review: this.review,
      awaitingOperator: this.awaitingOperator,
      creditLineBefore: this.creditLineBefore,
      creditLineAfter: this.creditLineAfter,
      repaymentLate: this.repaymentLate,
      polls: this.polls,
      lastPolledAt: this.lastPolledAt,
      eventsSeen: this.eventsSeen,
      runs: this.runs,
      outcome: this.outcome,
    };
  }

  /** The state handed to the next run by continue-as-new. */
  carry(): CarriedState {
    return {
      steps: this.steps,
      borrower: this.borrower,
      borrowerCountry: this.borrowerCountry,
      contract: this.contract,
      invoice: this.invoice,
      loan: this.loan,
      review: this.review,
      awaitingOperator: this.awaitingOperator,
      creditLineBefore: this.creditLineBefore,
      creditLineBeforeChecked: this.creditLineBeforeChecked,
      repaymentLate: this.repaymentLate,
      polls: this.polls,
      lastPolledAt: this.lastPolledAt,
      eventsSeen: this.eventsSeen,
      seenEventKeys: this.seenEventKeys,
      attempt: this.attempt,
      backoffPhase: this.backoffPhase,
      runs: this.runs,
      cancelRequestedBy: this.cancelRequestedBy,
      cancelReason: this.cancelReason,
    };
  }
}
