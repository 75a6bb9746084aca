/**
 * The runs the replay corpus is made of (recorded by `npm run histories:record`): each sandbox scenario,
 * both operator decisions, an operator cancel, an expired review, a retried 5xx, a continued-as-new run
 * and a webhook-woken run. Each one checks that its history really shows what it is named after, so a
 * change in the lifecycle cannot silently turn, say, the "retried 5xx" history into a plain success.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { EmulatorOptions, FaultRule } from '../../src/emulator/app';
import type { LoanOutcome, LoanProgress } from '../../src/domain/loan';
import type { LoanRequestInput } from '../../src/domain/schemas';
import type { loanLifecycleWorkflow } from '../../src/workflows';
import { approveConditionsUpdate, cancelLoanUpdate, rejectConditionsUpdate } from '../../src/workflows/messages';

/** A history in Temporal's proto-JSON form. */
export interface JsonHistory {
  readonly events: ReadonlyArray<Record<string, unknown>>;
}

/** What a scenario may do while its loan runs. */
export interface ScenarioDriver {
  readonly handle: WorkflowHandle<typeof loanLifecycleWorkflow>;
  /** Waits (bounded) until the progress query satisfies `predicate`. */
  progressUntil(predicate: (progress: LoanProgress) => boolean, what: string): Promise<LoanProgress>;
  /** Moves the emulator's virtual clock forward. */
  advanceClock(ms: number): Promise<void>;
}

/** A finished recording: the outcome and every run's history, first to last. */
export interface ScenarioRecording {
  readonly outcome: LoanOutcome;
  readonly runs: readonly JsonHistory[];
}

/** One recorded scenario. */
export interface ReplayScenario {
  /** File name stem (`<name>.json`). */
  readonly name: string;
  readonly description: string;
  readonly emulator?: Omit<EmulatorOptions, 'logger'>;
  /** Run the HTTP edge, subscribed to the emulator's webhooks. */
  readonly webhooks?: boolean;
  /** The request (a `requestReference` is added; fast polling unless `loan.pollSchedule` is given). */
  readonly request: Omit<LoanRequestInput, 'requestReference'>;
  readonly drive?: (driver: ScenarioDriver) => Promise<void>;
  /** Throws when the recording is not what the scenario claims. */
  readonly verify: (recording: ScenarioRecording) => void;
  /** `first-and-last`: also keep the first run (as `<name>.json`; the last one is `<name>-last-run.json`). */
  readonly runs?: 'last' | 'first-and-last';
}

const generated = { borrower: { generate: true } } as const;
const HOUR_MS = 3_600_000;
/**
 * Emulator delays long enough for a wait: with `instant` timing (or a few milliseconds) the loan has moved
 * on by the next read, since reads chain as local activities within a workflow task and each new phase is
 * read at once, so the history would have no waits at all; these make the polling path (durable timers)
 * part of the recording.
 */
const SHORT_DELAYS = { timing: { decisionDelayMs: 1_500, stepDelayMs: 800 } } as const;

/** The event types of a history, in order. */
export function eventTypes(history: JsonHistory): string[] {
  return history.events.map((event) => String(event['eventType']));
}

function attributes(event: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = event[key];
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function last<T>(items: readonly T[]): T {
  const item = items[items.length - 1];
  if (item === undefined) throw new Error('no runs recorded');
  return item;
}

function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function expectOutcome(recording: ScenarioRecording, status: LoanOutcome['status'], extra?: (o: LoanOutcome) => boolean): void {
  const { outcome } = recording;
  expectThat(outcome.status === status && (extra?.(outcome) ?? true), `expected outcome ${status}, got ${JSON.stringify(outcome).slice(0, 200)}`);
}

function acceptedUpdates(history: JsonHistory): string[] {
  return history.events
    .filter((event) => event['eventType'] === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED')
    .map((event) => {
      const request = attributes(attributes(event, 'workflowExecutionUpdateAcceptedEventAttributes'), 'acceptedRequest');
      return String(attributes(request, 'input')['name']);
    });
}

const canceledBy = (by: string) => (o: LoanOutcome): boolean => o.status === 'CANCELED' && o.canceledBy === by;

const awaitingOperator = (p: LoanProgress): boolean => p.awaitingOperator;

/** Operator review required: the loan waits in TO_VALIDATE for an update. */
const operatorReview = { acceptancePolicy: { requireOperatorApproval: true } } as const;

/** Every scenario of the corpus, in recording order. */
export const REPLAY_SCENARIOS: readonly ReplayScenario[] = [
  {
    name: 'success',
    description: 'SUCCESS: validated within policy, disbursed, repaid, CLOSED (polling with timers)',
    emulator: SHORT_DELAYS,
    request: { ...generated, invoice: { generate: true, scenario: 'SUCCESS' } },
    verify: (r) => {
      expectOutcome(r, 'CLOSED');
      expectThat(eventTypes(last(r.runs)).includes('EVENT_TYPE_TIMER_FIRED'), 'no poll timer in history');
    },
  },
  {
    name: 'success-one-day-later',
    description: 'SUCCESS_ONE_DAY_LATER: waits in TO_REPAY until the emulator clock moves a day, then CLOSED',
    request: { ...generated, invoice: { generate: true, scenario: 'SUCCESS_ONE_DAY_LATER' } },
    drive: async ({ progressUntil, advanceClock }) => {
      await progressUntil((p) => p.loan?.status === 'TO_REPAY', 'loan TO_REPAY');
      await advanceClock(25 * HOUR_MS);
    },
    verify: (r) => expectOutcome(r, 'CLOSED'),
  },
  {
    name: 'fail',
    description: 'FAIL: the disbursement fails, PAYMENT_FAILED',
    request: { ...generated, invoice: { generate: true, scenario: 'FAIL' } },
    verify: (r) => expectOutcome(r, 'PAYMENT_FAILED'),
  },
  {
    name: 'reject',
    description: 'REJECT: Defacto declines the loan, DECLINED',
    request: { ...generated, invoice: { generate: true, scenario: 'REJECT' } },
    verify: (r) => expectOutcome(r, 'DECLINED'),
  },
  {
    name: 'cancel',
    description: 'CANCEL: Defacto cancels the validated loan, CANCELED by Defacto',
    request: { ...generated, invoice: { generate: true, scenario: 'CANCEL' } },
    verify: (r) => expectOutcome(r, 'CANCELED', canceledBy('defacto')),
  },
  {
    name: 'auto-validated',
    description: 'auto_validate: Defacto validates the offer itself, CLOSED',
    request: { ...generated, invoice: { generate: true }, loan: { autoValidate: true } },
    verify: (r) => expectOutcome(r, 'CLOSED'),
  },
  {
    name: 'operator-approved',
    description: 'operator approval required: approveConditions update, then CLOSED',
    request: { ...generated, invoice: { generate: true }, loan: operatorReview },
    drive: async ({ handle, progressUntil }) => {
      await progressUntil(awaitingOperator, 'awaiting an operator');
      await handle.executeUpdate(approveConditionsUpdate, { args: [{ reason: 'recorded approval' }] });
    },
    verify: (r) => {
      expectOutcome(r, 'CLOSED');
      expectThat(acceptedUpdates(last(r.runs)).includes('approveConditions'), 'no approveConditions update in history');
    },
  },
  {
    name: 'operator-rejected',
    description: 'operator approval required: rejectConditions update cancels the loan',
    request: { ...generated, invoice: { generate: true }, loan: operatorReview },
    drive: async ({ handle, progressUntil }) => {
      await progressUntil(awaitingOperator, 'awaiting an operator');
      await handle.executeUpdate(rejectConditionsUpdate, { args: [{ reason: 'recorded rejection' }] });
    },
    verify: (r) => {
      expectOutcome(r, 'CANCELED', canceledBy('operator'));
      expectThat(acceptedUpdates(last(r.runs)).includes('rejectConditions'), 'no rejectConditions update in history');
    },
  },
  {
    name: 'operator-canceled',
    description: 'cancelLoan update while the offer awaits review',
    request: { ...generated, invoice: { generate: true }, loan: operatorReview },
    drive: async ({ handle, progressUntil }) => {
      await progressUntil(awaitingOperator, 'awaiting an operator');
      await handle.executeUpdate(cancelLoanUpdate, { args: [{ reason: 'recorded cancel' }] });
    },
    verify: (r) => {
      expectOutcome(r, 'CANCELED', canceledBy('operator'));
      expectThat(acceptedUpdates(last(r.runs)).includes('cancelLoan'), 'no cancelLoan update in history');
    },
  },
  {
    name: 'review-deadline-expired',
    description: 'no operator decision before the review deadline: the workflow cancels the loan',
    request: { ...generated, invoice: { generate: true }, loan: { ...operatorReview, deadlines: { conditionsReviewMs: 1_000 } } },
    verify: (r) => expectOutcome(r, 'CANCELED', canceledBy('deadline')),
  },
  {
    name: 'retried-5xx',
    description: 'a one-shot 503 on POST /loans: the activity is retried by Temporal, then CLOSED',
    emulator: { faults: [{ route: 'POST /loans', kind: 'status', status: 503, count: 1 } satisfies FaultRule] },
    request: { ...generated, invoice: { generate: true } },
    verify: (r) => {
      expectOutcome(r, 'CLOSED');
      const retried = last(r.runs).events.some((event) =>
        Number(attributes(event, 'activityTaskStartedEventAttributes')['attempt'] ?? 1) > 1);
      expectThat(retried, 'no activity attempt > 1 in history');
    },
  },
  {
    name: 'continued-as-new',
    description: 'continueAsNewAfterEvents forces continue-as-new; the last run finishes CLOSED from carried state',
    emulator: SHORT_DELAYS,
    request: { ...generated, invoice: { generate: true }, loan: { continueAsNewAfterEvents: 40 } },
    runs: 'first-and-last',
    verify: (r) => {
      expectOutcome(r, 'CLOSED');
      expectThat(r.runs.length >= 2, `expected at least two runs, got ${r.runs.length} (${r.runs.map((run) => run.events.length).join(", ")} events)`);
      const first = r.runs[0] as JsonHistory;
      expectThat(last(eventTypes(first)) === 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW', 'the first run did not continue as new');
    },
  },
  {
    name: 'webhook-woken',
    description: 'slow polling; Defacto webhooks, delivered by the HTTP edge as defactoEvent signals, wake the waits',
    webhooks: true,
    emulator: { timing: { decisionDelayMs: 300, stepDelayMs: 0 } },
    request: {
      ...generated,
      invoice: { generate: true },
      loan: { pollSchedule: { initialMs: 30_000, maxMs: 30_000, multiplier: 1, idleCheckMs: 30_000 } },
    },
    verify: (r) => {
      expectOutcome(r, 'CLOSED');
      const { events } = last(r.runs);
      const signalled = events.findIndex((event) =>
        attributes(event, 'workflowExecutionSignaledEventAttributes')['signalName'] === 'defactoEvent');
      expectThat(signalled >= 0, 'no defactoEvent signal in history');
      const woken = events.slice(signalled).some((event) => event['eventType'] === 'EVENT_TYPE_TIMER_CANCELED');
      expectThat(woken, 'no wait ended early after a signal');
    },
  },
];
