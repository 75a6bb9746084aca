/**
 * From the loan request to its outcome: follows the status with durable timers (polling is the source of
 * truth, Defacto events only wake it early), reviews the conditions, applies operator commands, and turns
 * the end state into a {@link LoanOutcome}.
 */
import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import {
  DISBURSED_OR_BEYOND, VALIDATED_OR_BEYOND, isCancellable, isRepayable, isTerminal,
  type CanceledBy, type LoanOutcome, type LoanStatus,
} from '../domain/loan';
import { fullRepaymentCents, type LoanSnapshot } from '../domain/summaries';
import { describeReasons } from '../domain/reasons';
import { evaluateOffer } from '../domain/policy';
import { waitForChange, type LifecycleContext } from './context';
import { observeLoan } from './metrics';
import { PATCHES } from './patches';
import { isPastDue, nextPollDelay } from './poll-schedule';
import { translateReasons } from './reasons';

/** Follows the loan until it ends; returns the business outcome. */
export async function followLoan(ctx: LifecycleContext): Promise<LoanOutcome> {
  const { state } = ctx;
  for (;;) {
    observeLoan(ctx);
    await applyOperatorCancel(ctx);
    await applyOperatorRepayNow(ctx);
    const loan = currentLoan(ctx);
    markStepsFor(ctx, loan.status);
    state.syncSearchAttributes();
    switch (loan.status) {
      case 'DECLINED':
        return await declined(ctx, loan);
      case 'CANCELED':
      case 'DELETED':
        return canceled(ctx, loan, state.bookkeeping.cancelRequestedBy ?? 'defacto', state.bookkeeping.cancelReason ?? `loan ${loan.status} by Defacto`);
      case 'ISSUE_DETECTED':
        return paymentFailed(ctx, loan);
      case 'CLOSED':
        return closed(ctx, loan);
      case 'TO_VALIDATE': {
        const acted = await reviewConditions(ctx, loan);
        if (acted) continue;
        break;
      }
      default:
        break;
    }
    await waitThenPoll(ctx);
  }
}

function currentLoan(ctx: LifecycleContext): LoanSnapshot {
  const { loan } = ctx.state.facts;
  if (!loan) throw ApplicationFailure.nonRetryable('no loan to follow', 'LifecycleInvariantError');
  return loan;
}

/** Steps follow the observed status (several at once when Defacto moved fast between two polls). */
function markStepsFor(ctx: LifecycleContext, status: LoanStatus): void {
  const { state } = ctx;
  if (status === 'TO_VALIDATE') state.start('CONDITIONS_REVIEWED');
  if (VALIDATED_OR_BEYOND.includes(status)) {
    if (!state.facts.review) {
      state.beginReview({
        mode: 'auto', withinPolicy: null, reasons: [], feeRatePercent: null, durationDays: null, deadlineAt: null,
        decision: 'approved', decidedBy: 'api',
      });
    }
    state.complete('CONDITIONS_REVIEWED', reviewNote(ctx));
    state.complete('VALIDATED');
    state.start('DISBURSED');
  }
  if (DISBURSED_OR_BEYOND.includes(status)) {
    const paidAt = state.facts.loan?.paidAt;
    state.complete('DISBURSED', paidAt ? `paid at ${paidAt}` : 'loan TO_REPAY');
    state.start('REPAID');
  }
  if (status === 'CLOSED') state.complete('REPAID');
}

function reviewNote(ctx: LifecycleContext): string {
  const review = ctx.state.facts.review;
  if (!review || review.decidedBy === 'api') return 'validated by Defacto (auto_validate)';
  if (review.decidedBy === 'policy') return 'within policy: validated by the workflow';
  return `approved by an operator${review.withinPolicy === false ? ` (outside policy: ${review.reasons.join('; ')})` : ''}`;
}

/**
 * The loan waits in TO_VALIDATE for consent. Within policy (and no approval required) the workflow
 * validates; otherwise it waits for an operator until the review deadline, then cancels. Returns true
 * when it changed the loan (the caller re-evaluates at once).
 */
async function reviewConditions(ctx: LifecycleContext, loan: LoanSnapshot): Promise<boolean> {
  const { state, request, commands } = ctx;
  const policy = request.loan.acceptancePolicy;
  if (!state.facts.review) {
    const verdict = evaluateOffer(loan, policy);
    const automatic = verdict.withinPolicy && !policy.requireOperatorApproval;
    state.beginReview({
      mode: automatic ? 'policy' : 'operator',
      withinPolicy: verdict.withinPolicy,
      reasons: verdict.reasons,
      feeRatePercent: Number.isFinite(verdict.feeRatePercent) ? verdict.feeRatePercent : null,
      durationDays: Number.isFinite(verdict.durationDays) ? verdict.durationDays : null,
      deadlineAt: automatic ? null : new Date(Date.now() + request.loan.deadlines.conditionsReviewMs).toISOString(),
      decision: automatic ? 'approved' : null,
      decidedBy: automatic ? 'policy' : null,
    });
    if (automatic) {
      state.applyLoan(await ctx.calls.commandActivities.validateLoan({ loanId: loan.id }));
      return true;
    }
    state.awaitOperator();
    state.syncSearchAttributes();
    log.info('conditions await an operator decision', { withinPolicy: verdict.withinPolicy, reasons: verdict.reasons });
  }
  if (!state.facts.awaitingOperator) return false;

  const decision = commands.decision;
  if (decision && !decision.settlement) {
    try {
      if (decision.kind === 'approve') {
        state.applyLoan(await ctx.calls.commandActivities.validateLoan({ loanId: loan.id }));
        state.decideReview('approved', 'operator');
      } else {
        state.cancelRequested('operator', decision.reason ?? 'conditions rejected by an operator');
        state.applyLoan(await ctx.calls.commandActivities.cancelLoan({ loanId: loan.id }));
        state.decideReview('rejected', 'operator');
      }
    } catch (error) {
      decision.settlement = refusal(error);
      throw error;
    }
    decision.settlement = { ok: true, result: { loanId: loan.id, loanStatus: currentLoan(ctx).status } };
    return true;
  }

  const deadlineAt = state.facts.review?.deadlineAt ?? null;
  const deadline = deadlineAt === null ? Number.POSITIVE_INFINITY : Date.parse(deadlineAt);
  if (Date.now() >= deadline) {
    state.cancelRequested('deadline', 'no operator decision before the review deadline');
    state.applyLoan(await ctx.calls.commandActivities.cancelLoan({ loanId: loan.id }));
    state.decideReview('expired', 'deadline');
    return true;
  }
  return false;
}

/**
 * A cancellation request from Temporal (not an update): cancels the loan at Defacto when it still can be,
 * else records the refusal; the caller then follows the loan (to CANCELED, or to its end).
 */
export async function settleCancellation(ctx: LifecycleContext, reason: string): Promise<void> {
  const { state } = ctx;
  const loan = currentLoan(ctx);
  if (isCancellable(loan.status)) {
    state.cancelRequested('operator', reason);
    try {
      state.applyLoan(await ctx.calls.commandActivities.cancelLoan({ loanId: loan.id }));
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      state.applyLoan(await ctx.calls.reads.getLoan({ loanId: loan.id }));
    }
    if (state.facts.awaitingOperator && currentLoan(ctx).status === 'CANCELED') state.decideReview('rejected', 'operator');
  }
  const after = currentLoan(ctx);
  if (after.status !== 'CANCELED' && after.status !== 'DELETED' && !isTerminal(after.status)) {
    state.cancellationRefused({ at: state.now(), loanStatus: after.status, reason });
    log.warn('cancellation refused: the loan is past cancellation at Defacto; following it to its end', { loanStatus: after.status });
  }
}

/** Applies a pending `cancelLoanUpdate`; a refusal by Defacto fails the update, not the lifecycle. */
async function applyOperatorCancel(ctx: LifecycleContext): Promise<void> {
  const { state, commands } = ctx;
  const pending = commands.cancel;
  if (!pending || pending.settlement) return;
  const loan = currentLoan(ctx);
  if (!isCancellable(loan.status)) {
    pending.settlement = { ok: false, type: 'LoanNotCancellable', message: `the loan cannot be canceled in status ${loan.status}` };
    return;
  }
  try {
    const snapshot = await ctx.calls.commandActivities.cancelLoan({ loanId: loan.id });
    state.applyLoan(snapshot);
    state.cancelRequested('operator', pending.reason ?? 'canceled by an operator');
    if (state.facts.awaitingOperator) state.decideReview('rejected', 'operator');
    pending.settlement = { ok: true, result: { loanId: loan.id, loanStatus: snapshot.status } };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    pending.settlement = refusal(error);
    state.applyLoan(await ctx.calls.reads.getLoan({ loanId: loan.id }));
  }
}

/**
 * Applies a pending `repayNowUpdate`: one `POST /repay/now` (never retried: each call makes a new link),
 * the link handed to the update's caller only. A refusal by Defacto fails the update, not the lifecycle.
 */
async function applyOperatorRepayNow(ctx: LifecycleContext): Promise<void> {
  const { state, commands, workflowId } = ctx;
  const pending = commands.repayNow;
  if (!pending || pending.settlement) return;
  const loan = currentLoan(ctx);
  if (!isRepayable(loan.status) || !ctx.patches.applies(PATCHES.eligibilityAndReasons)) {
    pending.settlement = { ok: false, type: 'LoanNotRepayable', message: `an early repayment needs a loan in TO_REPAY; this one is ${loan.status}` };
    return;
  }
  const amountCents = pending.amountCents ?? fullRepaymentCents(loan);
  try {
    const link = await ctx.calls.singleAttempt.repayNow({ loanId: loan.id, amountCents, workflowId, requestId: pending.requestId });
    const requestedAt = state.now();
    state.earlyRepaymentRequested({ requestId: pending.requestId, amountCents, requestedAt });
    const result = { loanId: loan.id, loanStatus: loan.status, amountCents, url: link.url, requestedAt, requestId: pending.requestId };
    commands.repayNowLinks.set(pending.requestId, result);
    pending.settlement = { ok: true, result };
    log.info('early-repayment link created for an operator', { loanId: loan.id, amountCents });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    pending.settlement = refusal(error);
  }
}

function refusal(error: unknown): { ok: false; type: string; message: string } {
  const cause = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
  return {
    ok: false,
    type: cause?.type ?? 'DefactoCallFailed',
    message: cause?.message ?? (error instanceof Error ? error.message : 'the call to Defacto failed'),
  };
}

/** Waits per the poll schedule (or less, up to the review deadline), then reads the loan. */
async function waitThenPoll(ctx: LifecycleContext): Promise<void> {
  const { state, request } = ctx;
  const loan = currentLoan(ctx);
  const nowMs = Date.now();
  const pastDue = isPastDue({ status: loan.status, nowMs, toRepayAt: loan.toRepayAt });
  const phase = `${loan.status}:${pastDue ? 'due' : 'not-due'}`;
  // The first look at a new phase is immediate: Defacto often moves on within moments of a change
  // (ours or its own), and one read is cheaper than a timer. Then the schedule applies.
  const freshPhase = phase !== state.bookkeeping.backoffPhase;
  if (freshPhase) state.enterPhase(phase);
  if (pastDue && !state.facts.repaymentLate && nowMs >= Date.parse(loan.toRepayAt) + request.loan.deadlines.repaymentFollowUpMs) {
    state.markRepaymentLate();
    log.warn('repayment is late', { loanId: loan.id });
  }
  let delay = nextPollDelay(request.loan.pollSchedule, {
    status: loan.status, nowMs, toPayAt: loan.toPayAt, toRepayAt: loan.toRepayAt,
    attempt: state.bookkeeping.attempt, late: state.facts.repaymentLate,
  });
  const deadlineAt = state.facts.awaitingOperator ? state.facts.review?.deadlineAt : null;
  if (deadlineAt) delay = Math.min(delay, Math.max(1, Date.parse(deadlineAt) - nowMs));
  if (!freshPhase) {
    const early = await waitForChange(ctx, delay);
    state.waited();
    if (early && ctx.commands.pending()) return;
  }
  state.polled(await ctx.calls.reads.getLoan({ loanId: loan.id }));
}

async function declined(ctx: LifecycleContext, loan: LoanSnapshot): Promise<LoanOutcome> {
  const reasons = loan.denialReason ? await translateReasons(ctx, [loan.denialReason], 'loan') : [];
  ctx.state.fail('CONDITIONS_REVIEWED', `declined by Defacto: ${reasons.length > 0 ? describeReasons(reasons) : loan.denialReason ?? 'no reason given'}`);
  return reasons.length > 0
    ? { status: 'DECLINED', loanId: loan.id, denialReason: loan.denialReason, declinedAt: 'LOAN', reasons }
    : { status: 'DECLINED', loanId: loan.id, denialReason: loan.denialReason };
}

function canceled(ctx: LifecycleContext, loan: LoanSnapshot, by: CanceledBy, reason: string): LoanOutcome {
  const step = ctx.state.currentStep();
  const note = `canceled (${by}): ${reason}`;
  if (step !== 'FINISHED') {
    if (by === 'defacto') ctx.state.fail(step, note);
    else ctx.state.complete(step, note);
  }
  return { status: 'CANCELED', loanId: loan.id, canceledBy: by, reason };
}

async function paymentFailed(ctx: LifecycleContext, loan: LoanSnapshot): Promise<LoanOutcome> {
  const payments = await ctx.calls.reads.listPayments({ loanId: loan.id });
  const failedPayment = payments.find((p) => p.type === 'LOAN_PAYMENT' && p.status === 'FAILED')
    ?? payments.find((p) => p.status === 'FAILED') ?? null;
  ctx.state.fail('DISBURSED', `disbursement failed: ${failedPayment?.failureReason ?? 'loan ISSUE_DETECTED'}`);
  return { status: 'PAYMENT_FAILED', loanId: loan.id, loanStatus: loan.status, failedPayment };
}

async function closed(ctx: LifecycleContext, loan: LoanSnapshot): Promise<LoanOutcome> {
  const { state } = ctx;
  state.start('CREDIT_LINE_AFTER');
  const identifier = state.facts.borrower?.identifier;
  const [payments, events, creditLineAfter] = await Promise.all([
    ctx.calls.reads.listPayments({ loanId: loan.id }),
    ctx.calls.reads.listLoanEvents({ loanId: loan.id }),
    identifier ? ctx.calls.reads.getCreditLines({ borrowerIdentifier: identifier }) : Promise.resolve(null),
  ]);
  state.creditLineAfterRead(creditLineAfter);
  state.complete('CREDIT_LINE_AFTER');
  const feesCents = loan.paidInterestsCents > 0 ? loan.paidInterestsCents : Math.max(0, loan.repaidAmountCents - loan.repaidNominalCents);
  return {
    status: 'CLOSED',
    loanId: loan.id,
    amountCents: loan.amountCents,
    currency: loan.currency,
    feesCents,
    repaidAmountCents: loan.repaidAmountCents,
    repaidNominalCents: loan.repaidNominalCents,
    paidInterestsCents: loan.paidInterestsCents,
    closedAt: loan.closedAt,
    payments,
    eventCount: events.count,
    creditLineBefore: state.facts.creditLineBefore,
    creditLineAfter,
  };
}
