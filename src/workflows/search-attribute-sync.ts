/**
 * Publishing a lifecycle's state as search attributes: which attributes, only the values that changed,
 * and when (at once, or under patch `fewer-actions-per-loan` once per workflow task, where the workflow
 * next waits on the server), with the listener that publishes the current details on the same beat.
 * Workflow code: the commands it emits (and the patches it asks, in their order) are part of every
 * recorded history.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { FINISHED_STEP, LifecycleStep, LoanFacts, LoanOutcome } from '../domain/loan';
import { PATCHES, type RunPatches } from './patches';
import {
  AwaitingDecisionKey, DecisionDeadlineKey, OutcomeKey, RepaymentDueAtKey, RepaymentLateKey, StepInProgressKey,
  BorrowerIdentifierKey, CurrencyKey, InvoiceNumberKey, LifecycleStepKey, LoanAmountCentsKey, LoanIdKey, LoanStatusKey,
} from './search-attributes';

/** What the search attributes are read from (the lifecycle's state). */
export interface PublishedState {
  readonly facts: LoanFacts;
  readonly outcome: LoanOutcome | null;
  currentStep(): LifecycleStep | typeof FINISHED_STEP;
}

/** The search attributes of one run: what was upserted, what is still to upsert. */
export class SearchAttributeSync {
  private readonly upserted = new Map<string, string | number | boolean>();
  private afterSync: (() => void) | null = null;
  /** Search attributes changed since the last upsert (patch `fewer-actions-per-loan`: upserted at the next flush). */
  private unsynced = false;

  constructor(private readonly state: PublishedState, private readonly patches: RunPatches) {}

  /**
   * Upserts the search attributes whose value changed since the last call (one history event at most).
   * Search attributes are stored in clear: only lifecycle facts go here, never a borrower's identifier or
   * an invoice number (the starter sets keyed tags of those; docs/data-protection.md).
   */
  sync(): void {
    if (this.patches.applies(PATCHES.fewerActions)) {
      // One upsert per workflow task at most: the values of the moment the workflow next waits.
      this.unsynced = true;
    } else {
      this.upsertChanged();
    }
    this.afterSync?.();
  }

  /**
   * Upserts what {@link sync} noted since the last upsert (nothing before patch
   * `fewer-actions-per-loan`, whose loans upsert at once). Called where the workflow waits on the
   * server: before an activity or a timer, before continuing as new, at the end.
   */
  flush(): void {
    if (!this.unsynced) return;
    this.unsynced = false;
    this.upsertChanged();
  }

  private upsertChanged(): void {
    const { loan, borrower, invoice } = this.state.facts;
    type Wanted = [SearchAttributeUpdatePair['key'], string | number | boolean | Date | null];
    const legacyIdentifiers: Wanted[] = this.patches.applies(PATCHES.noIdentifiersInSearchAttributes)
      ? []
      : [[BorrowerIdentifierKey, borrower?.identifier ?? null], [InvoiceNumberKey, invoice?.invoiceNumber ?? null]];
    const wanted: Wanted[] = [
      [LifecycleStepKey, this.state.currentStep()],
      [LoanStatusKey, loan?.status ?? null],
      ...legacyIdentifiers,
      [LoanIdKey, loan?.id ?? null],
      [LoanAmountCentsKey, loan?.amountCents ?? invoice?.amountCents ?? null],
      [CurrencyKey, loan?.currency ?? invoice?.currency ?? null],
      ...(this.patches.applies(PATCHES.operatorSearchAttributes) ? this.operatorAttributes() : []),
    ];
    const updates: SearchAttributeUpdatePair[] = [];
    for (const [key, value] of wanted) {
      const seen = value instanceof Date ? value.toISOString() : value;
      if (seen === null || this.upserted.get(key.name) === seen) continue;
      this.upserted.set(key.name, seen);
      updates.push({ key, value } as SearchAttributeUpdatePair);
    }
    if (updates.length > 0) upsertSearchAttributes(updates);
  }

  /** The answers to operator questions: awaiting my decision (until), repayment late, due date, outcome, step in progress. */
  private operatorAttributes(): [SearchAttributeUpdatePair['key'], string | boolean | Date | null][] {
    const { loan, review, awaitingOperator, repaymentLate } = this.state.facts;
    const deadline = awaitingOperator && review?.deadlineAt ? new Date(review.deadlineAt) : null;
    return [
      [StepInProgressKey, this.state.currentStep()],
      [AwaitingDecisionKey, awaitingOperator],
      [DecisionDeadlineKey, deadline],
      [RepaymentLateKey, repaymentLate],
      [RepaymentDueAtKey, loan ? new Date(loan.toRepayAt) : null],
      [OutcomeKey, this.state.outcome?.status ?? null],
    ];
  }

  /** Called after every {@link sync} (the current details follow the same beat). */
  onSync(listener: () => void): void {
    this.afterSync = listener;
  }
}
