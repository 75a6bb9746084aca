/**
 * The state of one loan lifecycle: the facts `progressQuery` shows ({@link LoanFacts}: steps with
 * workflow-clock timestamps, the summaries gathered so far, polling counters) and the bookkeeping only the
 * workflow reads. Both are written once, as types with one defaults object each; `progress()` and
 * `carry()` derive from them, and the rest of the workflow changes them only through the named methods
 * below. Its search attributes and current details are published by ./search-attribute-sync.ts.
 */
import { log } from '@temporalio/workflow';
import {
  FINISHED_STEP, LIFECYCLE_STEPS, initialLoanFacts, loanStatusRank,
  type CanceledBy, type ConditionsReview,
  type LifecycleStep, type RefusedCancellation, type LoanFacts, type LoanOutcome, type LoanProgress,
  type StepProgress, type EarlyRepaymentRequest,
} from '../domain/loan';
import type { BorrowerSummary, ContractAvailability, CreditLineSummary, InvoiceSummary, LoanSnapshot } from '../domain/summaries';
import type { EligibilityCheck, ReasonText, TranslatedReason } from '../domain/reasons';
import type { RunPatches } from './patches';
import { SearchAttributeSync } from './search-attribute-sync';

/** How many webhook event keys are remembered for de-duplication (older ones cannot matter any more). */
const SEEN_EVENTS_KEPT = 64;

/** What the workflow tracks for itself and never shows: carried by continue-as-new, absent from `progressQuery`. */
export interface LifecycleBookkeeping {
  /** Country of the generated business, for the generated invoice. */
  readonly borrowerCountry: string | null;
  readonly creditLineBeforeChecked: boolean;
  /** Recent webhook event keys, for de-duplication. */
  readonly seenEventKeys: readonly string[];
  /** Polls since the watched phase last changed (drives the backoff). */
  readonly attempt: number;
  readonly backoffPhase: string | null;
  /** Who asked Defacto to cancel (set just before the call), so the outcome names them. */
  readonly cancelRequestedBy: CanceledBy | null;
  readonly cancelReason: string | null;
}

function initialBookkeeping(): LifecycleBookkeeping {
  return {
    borrowerCountry: null,
    creditLineBeforeChecked: false,
    seenEventKeys: [],
    attempt: 0,
    backoffPhase: null,
    cancelRequestedBy: null,
    cancelReason: null,
  };
}

/**
 * Everything continue-as-new hands to the next run: facts and bookkeeping, flat (the shape every earlier
 * version carried, so runs continued by older code keep working and so does a rollback).
 */
export type CarriedState = LoanFacts & LifecycleBookkeeping;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Each field of `defaults`, taken from `carried` when it has one. A run continued by older code lacks
 * the fields added since; they keep their default. Fields `defaults` does not know are dropped.
 */
function restore<T extends object>(defaults: T, carried: Partial<Record<keyof T, unknown>> | undefined): Mutable<T> {
  const restored: Mutable<T> = { ...defaults };
  if (!carried) return restored;
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const value = carried[key];
    if (value !== undefined) restored[key] = value as T[keyof T];
  }
  return restored;
}

/** The lifecycle's state; only the workflow's main loop and its message handlers touch it. */
export class LifecycleState {
  private readonly known: Mutable<LoanFacts>;
  private readonly book: Mutable<LifecycleBookkeeping>;
  private finalOutcome: LoanOutcome | null = null;
  private readonly searchAttributes: SearchAttributeSync;

  /** A new lifecycle, or the next run of one when `carried` is what the previous run's {@link carry} gave. */
  constructor(readonly workflowId: string, patches: RunPatches, carried?: Partial<CarriedState>) {
    this.known = restore(initialLoanFacts(), carried);
    this.book = restore(initialBookkeeping(), carried);
    if (carried) this.known.runs = (carried.runs ?? 0) + 1;
    this.searchAttributes = new SearchAttributeSync(this, patches);
  }

  /** What the lifecycle has established (read-only: change it through the methods below). */
  get facts(): LoanFacts {
    return this.known;
  }

  /** The workflow's own bookkeeping (read-only). */
  get bookkeeping(): LifecycleBookkeeping {
    return this.book;
  }

  /** The business's pre-eligibility answer. */
  eligibilityChecked(check: EligibilityCheck): void {
    this.known.eligibility = check;
  }

  /** The translation of `code` met earlier in this lifecycle (any source), if any: asked once per code. */
  translationOf(code: string): ReasonText | undefined {
    const known = this.known.reasons.find((r) => r.code === code);
    return known ? { code: known.code, language: known.language, text: known.text } : undefined;
  }

  /** Reasons met (with their translations); a code already recorded for the same source is kept once. */
  reasonsMet(reasons: readonly TranslatedReason[]): void {
    const fresh = reasons.filter((r) => !this.known.reasons.some((k) => k.code === r.code && k.source === r.source));
    if (fresh.length > 0) this.known.reasons = [...this.known.reasons, ...fresh];
  }

  /** An early-repayment link was created for an operator (the link itself is not kept). */
  earlyRepaymentRequested(request: EarlyRepaymentRequest): void {
    this.known.earlyRepayments = [...this.known.earlyRepayments, request];
  }

  /** The outcome once the loan ended, else null. */
  get outcome(): LoanOutcome | null {
    return this.finalOutcome;
  }

  /** Workflow time as ISO 8601 (deterministic: the SDK fixes `Date` to the workflow task's time). */
  now(): string {
    return new Date().toISOString();
  }

  isDone(step: LifecycleStep): boolean {
    const status = this.known.steps[step].status;
    return status === 'DONE' || status === 'SKIPPED';
  }

  private setStep(step: LifecycleStep, progress: StepProgress): void {
    this.known.steps = { ...this.known.steps, [step]: progress };
  }

  /** Marks a step active (keeps its first start time). */
  start(step: LifecycleStep, note?: string): void {
    const current = this.known.steps[step];
    if (current.status === 'ACTIVE' || this.isDone(step)) return;
    this.setStep(step, { status: 'ACTIVE', startedAt: current.startedAt ?? this.now(), ...(note ? { note } : {}) });
    log.info('lifecycle step started', { step });
  }

  /** Replaces the note of a step, its status unchanged. */
  note(step: LifecycleStep, note: string): void {
    this.setStep(step, { ...this.known.steps[step], note });
  }

  /** Marks a step done; also starts it first when it was never seen active (instant transitions). */
  complete(step: LifecycleStep, note?: string): void {
    if (this.isDone(step)) return;
    const at = this.now();
    const current = this.known.steps[step];
    const keptNote = note ?? current.note;
    this.setStep(step, { status: 'DONE', startedAt: current.startedAt ?? at, completedAt: at, ...(keptNote ? { note: keptNote } : {}) });
    log.info('lifecycle step done', { step });
  }

  /** Marks a step skipped: it does not apply to this loan. */
  skip(step: LifecycleStep, note: string): void {
    this.setStep(step, { ...this.known.steps[step], status: 'SKIPPED', note });
  }

  /** Marks a step failed, with a short non-personal reason. */
  fail(step: LifecycleStep, note: string): void {
    const current = this.known.steps[step];
    this.setStep(step, { status: 'FAILED', startedAt: current.startedAt ?? this.now(), completedAt: this.now(), note });
  }

  /** Marks every step not reached as skipped (the loan ended before them). */
  skipRemaining(note: string): void {
    for (const step of LIFECYCLE_STEPS) {
      const current = this.known.steps[step];
      if (current.status === 'PENDING' || current.status === 'ACTIVE') this.setStep(step, { ...current, status: 'SKIPPED', note });
    }
  }

  /** The first step not finished, or `FINISHED`. */
  currentStep(): LifecycleStep | typeof FINISHED_STEP {
    if (this.finalOutcome) return FINISHED_STEP;
    const { steps } = this.known;
    return LIFECYCLE_STEPS.find((s) => !this.isDone(s) && steps[s].status !== 'FAILED')
      ?? LIFECYCLE_STEPS.find((s) => steps[s].status === 'FAILED')
      ?? FINISHED_STEP;
  }

  /** The borrower was created (or found), for a business of `country`. */
  borrowerCreated(borrower: BorrowerSummary, country: string): void {
    this.book.borrowerCountry = country;
    this.known.borrower = borrower;
  }

  /** A fresher view of the borrower (after signing, or a status read). */
  updateBorrower(borrower: BorrowerSummary): void {
    this.known.borrower = borrower;
  }

  /** Whether the borrower's contract can be downloaded. */
  contractChecked(contract: ContractAvailability): void {
    this.known.contract = contract;
  }

  /** The invoice was created (or found). */
  invoiceCreated(invoice: InvoiceSummary): void {
    this.known.invoice = invoice;
  }

  /** The credit line before the loan was read (null: the borrower has none). */
  creditLineBeforeRead(creditLine: CreditLineSummary | null): void {
    this.known.creditLineBefore = creditLine;
    this.book.creditLineBeforeChecked = true;
  }

  /** The credit line once the loan closed (null: the borrower has none). */
  creditLineAfterRead(creditLine: CreditLineSummary | null): void {
    this.known.creditLineAfter = creditLine;
  }

  /**
   * Takes a fresh loan snapshot unless it is older than what we know (a stale read must never move the
   * status backwards). Returns whether the status changed.
   */
  applyLoan(next: LoanSnapshot): boolean {
    const previous = this.known.loan;
    if (previous && previous.id === next.id && loanStatusRank(next.status) < loanStatusRank(previous.status)) return false;
    this.known.loan = next;
    return previous?.status !== next.status;
  }

  /** A poll answered: counts it, then applies the snapshot like {@link applyLoan}. */
  polled(snapshot: LoanSnapshot): boolean {
    this.known.polls += 1;
    this.known.lastPolledAt = this.now();
    return this.applyLoan(snapshot);
  }

  /** The conditions review began (or was inferred: `auto` when Defacto validated by itself). */
  beginReview(review: ConditionsReview): void {
    this.known.review = review;
  }

  /** The offer waits for an operator decision. */
  awaitOperator(): void {
    this.known.awaitingOperator = true;
  }

  /** The review ended: records who decided what; nobody awaits an operator any more. */
  decideReview(decision: 'approved' | 'rejected' | 'expired', decidedBy: 'operator' | 'deadline'): void {
    if (this.known.review) this.known.review = { ...this.known.review, decision, decidedBy };
    this.known.awaitingOperator = false;
  }

  /** Who asked Defacto to cancel and why (before the call: the outcome then names them). */
  cancelRequested(by: CanceledBy, reason: string): void {
    this.book.cancelRequestedBy = by;
    this.book.cancelReason = reason;
  }

  /** A cancellation request came too late: the loan is past cancellation at Defacto. */
  cancellationRefused(refused: RefusedCancellation): void {
    this.known.refusedCancellations = [...this.known.refusedCancellations, refused];
  }

  /** The watched phase (status and due-ness) changed: the backoff restarts. */
  enterPhase(phase: string): void {
    this.book.backoffPhase = phase;
    this.book.attempt = 0;
  }

  /** One more wait of the backoff in the same phase. */
  waited(): void {
    this.book.attempt += 1;
  }

  /** The repayment is past its follow-up window. */
  markRepaymentLate(): void {
    this.known.repaymentLate = true;
  }

  /** Remembers a webhook event key; false when it was already seen. */
  rememberEvent(key: string): boolean {
    if (this.book.seenEventKeys.includes(key)) return false;
    this.book.seenEventKeys = [...this.book.seenEventKeys, key].slice(-SEEN_EVENTS_KEPT);
    this.known.eventsSeen += 1;
    return true;
  }

  /** The loan ended: records the outcome, closes the review, skips the steps not reached. */
  finish(outcome: LoanOutcome): void {
    this.finalOutcome = outcome;
    this.known.awaitingOperator = false;
    this.skipRemaining(`loan ended ${outcome.status}`);
  }

  /**
   * Publishes the search attributes whose value changed (one history event at most), at once or, under
   * patch `fewer-actions-per-loan`, at the next {@link flushSearchAttributes}; then the current details.
   */
  syncSearchAttributes(): void {
    this.searchAttributes.sync();
  }

  /** Upserts what {@link syncSearchAttributes} noted since the last upsert (where the workflow waits on the server). */
  flushSearchAttributes(): void {
    this.searchAttributes.flush();
  }

  /** Called after every {@link syncSearchAttributes} (the current details follow the same beat). */
  onSync(listener: () => void): void {
    this.searchAttributes.onSync(listener);
  }

  /** The `progressQuery` answer: every fact, where the lifecycle stands, the outcome. */
  progress(): LoanProgress {
    return { workflowId: this.workflowId, currentStep: this.currentStep(), ...this.known, outcome: this.finalOutcome };
  }

  /** The state handed to the next run by continue-as-new: every fact and all the bookkeeping. */
  carry(): CarriedState {
    return { ...this.known, ...this.book };
  }
}
