/**
 * Message handlers of the lifecycle. Updates only *record* a command (after their validator accepted it)
 * and wait for the main loop to carry it out, so every call to Defacto happens in one place, in order;
 * the update then returns the loan's new status or fails with the reason Defacto gave.
 */
import { ApplicationFailure, condition, currentUpdateInfo, setHandler } from '@temporalio/workflow';
import { isCancellable, isRepayable, LOAN_STATUSES, loanStatusRank, type LoanStatus } from '../domain/loan';
import type { LifecycleState } from './lifecycle-state';
import {
  approveConditionsUpdate, cancelLoanUpdate, defactoEventSignal, progressQuery, rejectConditionsUpdate, repayNowUpdate,
  type ConditionsDecisionResult, type OperatorNote, type RepayNowRequest, type RepayNowResult,
} from './messages';

/** How the main loop settled a command. */
export type Settlement<R = ConditionsDecisionResult> =
  | { readonly ok: true; readonly result: R }
  | { readonly ok: false; readonly type: string; readonly message: string };

/** A recorded operator command and, once handled, its settlement. */
interface Pending<K extends string, R = ConditionsDecisionResult> {
  readonly kind: K;
  readonly reason: string | null;
  settlement: Settlement<R> | null;
}

/** A recorded `repayNowUpdate`: its request ID (the update ID) and the amount asked for, if any. */
export interface PendingRepayNow extends Pending<'repayNow', RepayNowResult> {
  readonly requestId: string;
  readonly amountCents: number | null;
}

/** Commands waiting for the main loop, plus the wake-up flag set by Defacto events. */
export class OperatorCommands {
  decision: Pending<'approve' | 'reject'> | null = null;
  cancel: Pending<'cancel'> | null = null;
  repayNow: PendingRepayNow | null = null;
  /**
   * The links created in this run, by request ID: a request repeated with the same ID gets the same
   * answer (rebuilt on replay from the recorded activity result; never carried by continue-as-new).
   */
  readonly repayNowLinks = new Map<string, RepayNowResult>();
  /** Set by a new Defacto event: poll now instead of at the next timer. */
  wake = false;
  /** When the edge received the first event behind `wake` (for the webhook-to-wake latency metric). */
  wokenByEventReceivedAt: string | null = null;
  /** Rank of the newest loan status a Defacto event announced (`wake-on-newer-status`), and of the last one a wait ended on. */
  private announcedRank = -1;
  private actedOnRank = -1;

  /**
   * @param wakeOnNewerStatus compare an event's loan status with the loan when the workflow next waits,
   *   not when the event arrives (patch `wake-on-newer-status`): the answer of a local activity can reach
   *   the workflow before or after a signal of the same moment (live and replay differ), so a decision
   *   taken in the handler from the loan's status is not deterministic; one taken at the wait is.
   */
  constructor(readonly wakeOnNewerStatus = false) {}

  /** A Defacto event announced loan status `status` (deduplicated by the caller). */
  announce(status: LoanStatus, receivedAt: string | null): void {
    const rank = loanStatusRank(status);
    if (rank <= this.announcedRank) return;
    this.announcedRank = rank;
    this.wokenByEventReceivedAt ??= receivedAt;
  }

  /** Whether an event announced a status newer than `known` (the loan as last read) not yet waited on. */
  announcedNewerThan(known: LoanStatus | undefined): boolean {
    return this.announcedRank > Math.max(this.actedOnRank, known === undefined ? -1 : loanStatusRank(known));
  }

  /** A wait ended: what was announced so far is what the next read will see. */
  waited(): void {
    this.actedOnRank = this.announcedRank;
    this.wake = false;
    this.wokenByEventReceivedAt = null;
  }

  /** True while a command waits for the main loop. */
  pending(): boolean {
    return (this.decision !== null && this.decision.settlement === null) || (this.cancel !== null && this.cancel.settlement === null)
      || (this.repayNow !== null && this.repayNow.settlement === null);
  }

  /** Settles every open command with a refusal (the loan ended before they could be applied). */
  refuseOpen(message: string): void {
    const refusal: Settlement = { ok: false, type: 'LoanLifecycleEnded', message };
    if (this.decision && !this.decision.settlement) this.decision.settlement = refusal;
    if (this.cancel && !this.cancel.settlement) this.cancel.settlement = refusal;
    if (this.repayNow && !this.repayNow.settlement) this.repayNow.settlement = refusal;
  }
}

function unwrap<R>(settlement: Settlement<R>): R {
  if (settlement.ok) return settlement.result;
  throw ApplicationFailure.create({ type: settlement.type, message: settlement.message, nonRetryable: true });
}

/**
 * Failure types of an update refused by its validator (named, non-retryable: retrying the same command in
 * the same state is refused again). Validator refusals leave no event in history.
 */
export const REFUSAL_TYPES = [
  'NoDecisionPending', 'LoanNotCancellable', 'CancellationPending', 'LoanLifecycleEnded',
  'LoanNotRepayable', 'RepayNowPending', 'InvalidRepayNowAmount', 'RepayNowAlreadyIssued',
] as const;

function refusal(type: (typeof REFUSAL_TYPES)[number], message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

function isLoanStatus(value: string): value is LoanStatus {
  return (LOAN_STATUSES as readonly string[]).includes(value);
}

/** Whether `amountCents` is absent or a positive safe integer. */
function validAmount(amountCents: unknown): boolean {
  return amountCents === undefined || (typeof amountCents === 'number' && Number.isSafeInteger(amountCents) && amountCents > 0);
}

/** The request ID of the update being validated or handled (its update ID). */
function requestId(): string {
  return currentUpdateInfo()?.id ?? '';
}

/** Registers the query, the four updates (with validators) and the event signal. */
export function registerHandlers(state: LifecycleState, commands: OperatorCommands): void {
  setHandler(progressQuery, () => state.progress());

  const decide = (kind: 'approve' | 'reject') => async (note: OperatorNote): Promise<ConditionsDecisionResult> => {
    const pending: Pending<'approve' | 'reject'> = { kind, reason: note?.reason ?? null, settlement: null };
    commands.decision = pending;
    await condition(() => pending.settlement !== null);
    commands.decision = null;
    return unwrap(pending.settlement as Settlement);
  };
  const reviewValidator = (_note: OperatorNote): void => {
    if (!state.facts.awaitingOperator || commands.decision !== null || state.outcome !== null) {
      throw refusal('NoDecisionPending', `no loan offer is awaiting an operator decision (current step: ${state.currentStep()})`);
    }
  };
  setHandler(approveConditionsUpdate, decide('approve'), { validator: reviewValidator });
  setHandler(rejectConditionsUpdate, decide('reject'), { validator: reviewValidator });

  setHandler(
    cancelLoanUpdate,
    async (note: OperatorNote): Promise<ConditionsDecisionResult> => {
      const pending: Pending<'cancel'> = { kind: 'cancel', reason: note?.reason ?? null, settlement: null };
      commands.cancel = pending;
      await condition(() => pending.settlement !== null);
      commands.cancel = null;
      return unwrap(pending.settlement as Settlement);
    },
    {
      validator: (_note: OperatorNote): void => {
        const status = state.facts.loan?.status;
        if (state.outcome !== null || commands.cancel !== null || !isCancellable(status)) {
          throw refusal(
            state.outcome !== null ? 'LoanLifecycleEnded' : commands.cancel !== null ? 'CancellationPending' : 'LoanNotCancellable',
            state.outcome !== null ? `the loan already ended ${state.outcome.status}`
              : commands.cancel !== null ? 'a cancellation of this loan is already being carried out'
                : `the loan cannot be canceled in status ${status ?? '(not requested yet)'}`,
          );
        }
      },
    },
  );

  setHandler(
    repayNowUpdate,
    async (request: RepayNowRequest): Promise<RepayNowResult> => {
      const id = requestId();
      const earlier = commands.repayNowLinks.get(id);
      if (earlier) return earlier;
      const pending: PendingRepayNow = { kind: 'repayNow', reason: null, requestId: id, amountCents: request?.amountCents ?? null, settlement: null };
      commands.repayNow = pending;
      await condition(() => pending.settlement !== null);
      commands.repayNow = null;
      return unwrap(pending.settlement as Settlement<RepayNowResult>);
    },
    {
      validator: (request: RepayNowRequest): void => {
        const id = requestId();
        // The same request again (a retry that reached the workflow): answered with the same link.
        if (commands.repayNowLinks.has(id)) return;
        const status = state.facts.loan?.status;
        // No input at all (`temporal workflow update execute` without `--input`) asks for the full amount.
        const amountCents: unknown = request === undefined || request === null ? undefined
          : typeof request === 'object' && !Array.isArray(request) ? request.amountCents : Number.NaN;
        if (state.outcome !== null) throw refusal('LoanLifecycleEnded', `the loan already ended ${state.outcome.status}`);
        if (commands.repayNow !== null) throw refusal('RepayNowPending', 'an early-repayment link for this loan is being created; retry with the same update ID to get it');
        if (state.facts.earlyRepayments.some((r) => r.requestId === id)) {
          throw refusal('RepayNowAlreadyIssued', `request ${id} already created its link (handed to its caller, not kept); ask again with a new ID for a new link`);
        }
        if (!validAmount(amountCents)) throw refusal('InvalidRepayNowAmount', 'amountCents must be a positive integer (minor units)');
        if (!isRepayable(status)) {
          throw refusal('LoanNotRepayable', `an early repayment needs a disbursed loan waiting for repayment (TO_REPAY); this one is ${status ?? 'not requested yet'}`);
        }
      },
    },
  );

  setHandler(defactoEventSignal, (event) => {
    const loan = state.facts.loan;
    // Defacto may decide before `requestLoan` has returned: an event for a loan not known yet still
    // means "look now" once it is.
    if (loan && event.loanId !== loan.id) return;
    if (!state.rememberEvent(`${event.loanId}|${event.eventType}|${event.status}|${event.timestamp}`)) return;
    if (commands.wakeOnNewerStatus && isLoanStatus(event.status)) {
      commands.announce(event.status, event.receivedAt ?? null);
      return;
    }
    // An old loan status says nothing new; payment events (other statuses) always deserve a look.
    if (loan && isLoanStatus(event.status) && loanStatusRank(event.status) <= loanStatusRank(loan.status)) return;
    commands.wake = true;
    commands.wokenByEventReceivedAt ??= event.receivedAt ?? null;
  });
}
