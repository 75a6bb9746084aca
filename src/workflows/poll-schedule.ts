/**
 * How long to wait before the next look at a loan. Pure and deterministic: the wait follows what the loan
 * says (nothing happens before `to_pay_at` / `to_repay_at`) and otherwise backs off exponentially up to a
 * cap, so a 90-day repayment costs a handful of long timers instead of thousands of polls.
 */
import type { LoanStatus } from '../domain/loan';
import type { PollSchedule } from '../domain/schemas';

/** What the schedule needs to know about the moment. */
export interface PollContext {
  readonly status: LoanStatus | null;
  readonly nowMs: number;
  readonly toPayAt: string | null;
  readonly toRepayAt: string | null;
  /** Polls since the status (or the due phase) last changed; 0 right after a change. */
  readonly attempt: number;
  /** Past the repayment follow-up window: check at the idle cadence. */
  readonly late: boolean;
}

/** The capped exponential delay of the `attempt`-th poll of an unchanged state. */
export function backoffDelay(schedule: PollSchedule, attempt: number): number {
  const raw = schedule.initialMs * schedule.multiplier ** Math.max(0, attempt);
  return Math.round(Math.min(schedule.maxMs, raw));
}

function dueDate(ctx: PollContext): string | null {
  switch (ctx.status) {
    case 'VALIDATED':
    case 'SCHEDULED':
      return ctx.toPayAt;
    case 'TO_REPAY':
    case 'TO_REPAY_FEES':
      return ctx.toRepayAt;
    default:
      return null;
  }
}

/**
 * Milliseconds to wait before the next poll: until the loan's next date (capped at `idleCheckMs`) when
 * that date is further away than the backoff; the idle cadence once repayment is late; else the backoff.
 */
export function nextPollDelay(schedule: PollSchedule, ctx: PollContext): number {
  const backoff = backoffDelay(schedule, ctx.attempt);
  if (ctx.late) return Math.max(backoff, schedule.idleCheckMs);
  const due = dueDate(ctx);
  const dueMs = due === null ? Number.NaN : Date.parse(due);
  if (Number.isFinite(dueMs) && dueMs - ctx.nowMs > backoff) {
    return Math.min(dueMs - ctx.nowMs, Math.max(schedule.idleCheckMs, backoff));
  }
  return backoff;
}

/** Whether the repayment date lies behind us (polling then restarts its backoff from `initialMs`). */
export function isPastDue(ctx: Pick<PollContext, 'status' | 'nowMs' | 'toRepayAt'>): boolean {
  if (ctx.status !== 'TO_REPAY' && ctx.status !== 'TO_REPAY_FEES') return false;
  const due = ctx.toRepayAt === null ? Number.NaN : Date.parse(ctx.toRepayAt);
  return Number.isFinite(due) && ctx.nowMs >= due;
}
