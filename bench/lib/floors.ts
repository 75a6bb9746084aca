/**
 * The floors the benchmark compares against, derived from the lifecycle's code (src/workflows +
 * src/activities; the derivation is written out in bench/README.md):
 * - the Defacto calls a loan needs: every activity of the shortest path, each with the requests it makes
 *   when every lookup misses (nothing to reuse) and every read finds the state it waits for at once;
 * - the history events of the workflow shape: WorkflowExecutionStarted, three events per workflow task
 *   (one task per sequential round of activities, plus the task that completes), three per activity,
 *   one per search-attribute upsert, WorkflowExecutionCompleted.
 * The null-loan baseline follows exactly this path, so its histories check these numbers.
 */
import type { LoanActivities } from '../../src/activities';
import type { Scenario } from '../../src/domain/loan';
import { newRunMarkers } from '../../src/workflows/patches';

/**
 * Patch markers of a new run, all in its first workflow task: the umbrella patch (standing for every
 * patch before it) and each patch added after it (`newRunMarkers()` in src/workflows/patches.ts).
 */
export const PATCH_MARKERS = newRunMarkers().length;

type ActivityName = keyof LoanActivities;

/** Requests each activity sends on its shortest path (emulator route keys, as in `/_emulator/stats`). */
export const ACTIVITY_ROUTES: Readonly<Record<ActivityName, readonly string[]>> = {
  generateBusiness: ['GET /sandbox/business-generator'],
  // Looks the company number up first (no idempotency key on POST /borrowers), then creates.
  createBorrower: ['GET /borrowers', 'POST /borrowers'],
  signBorrower: ['POST /borrower/{borrower_id}/sign'],
  getBorrower: ['GET /borrower/{borrower_id}'],
  getContractLink: ['GET /borrower/{borrower_id}'],
  // Looks the invoice number up first, generates the sandbox invoice, creates it.
  generateInvoice: ['GET /invoices', 'POST /sandbox/invoice-generator', 'POST /invoices'],
  createInvoice: ['GET /invoices', 'POST /invoices'],
  // Reads the invoice's account (kept out of history), then requests the loan with its salt_id.
  requestLoan: ['GET /invoice/{invoice_id}', 'POST /loans'],
  getLoan: ['GET /loan/{loan_id}'],
  validateLoan: ['POST /loan/{loan_id}/validate'],
  cancelLoan: ['POST /loan/{loan_id}/cancel'],
  listLoanEvents: ['GET /loan/{loan_id}/events'],
  listPayments: ['GET /payments'],
  getCreditLines: ['GET /credit_lines'],
  checkEligibility: ['POST /eligibility/borrower'],
  translateDenialCode: ['GET /translation/denial-code/{code}'],
  repayNow: ['POST /repay/now'],
};

/** The shortest path of one scenario: rounds of activities run together, and the upserts made on the way. */
export interface ShapeFloor {
  readonly rounds: readonly (readonly ActivityName[])[];
  /** Search-attribute upserts (at most one per workflow task, two in the task that ends an early exit). */
  readonly upserts: number;
  /** Workflow tasks that schedule no activity (besides the one that completes): a timer, a wake-up. */
  readonly extraWorkflowTasks?: number;
  /** Timer and signal events of the path. */
  readonly otherEvents?: number;
  /** Billable timers and signals of the path (TimerStarted, WorkflowExecutionSignaled). */
  readonly otherActions?: number;
}

/** Generated borrower and invoice, `auto_validate`: register, sign, read READY, then three reads at once, then request and poll. */
const PREFIX: readonly (readonly ActivityName[])[] = [
  ['generateBusiness'],
  ['createBorrower'],
  ['signBorrower'],
  ['getBorrower'],
  ['getContractLink', 'generateInvoice', 'getCreditLines'],
  ['requestLoan'],
  ['getLoan'],
];

/** Shortest path per scenario (auto validation; the first poll finds the end state). */
export const SHAPE_FLOORS: Readonly<Record<Scenario, ShapeFloor>> = {
  SUCCESS: { rounds: [...PREFIX, ['listPayments', 'listLoanEvents', 'getCreditLines']], upserts: 7 },
  // Parked, then repaid: the first poll finds TO_REPAY, the immediate second look starts a long timer
  // (one task), one Defacto event wakes it (one task: signal, timer canceled), the third poll finds CLOSED.
  SUCCESS_ONE_DAY_LATER: {
    rounds: [...PREFIX, ['getLoan'], ['getLoan'], ['listPayments', 'listLoanEvents', 'getCreditLines']],
    upserts: 8,
    extraWorkflowTasks: 1,
    otherEvents: 3,
    otherActions: 2,
  },
  FAIL: { rounds: [...PREFIX, ['listPayments']], upserts: 7 },
  REJECT: { rounds: PREFIX, upserts: 7 },
  CANCEL: { rounds: PREFIX, upserts: 7 },
};

/**
 * The shape of today's lifecycle (patch `fewer-actions-per-loan`): the reads run as local activities, which
 * chain within a workflow task, so a task ends only where the workflow waits for a regular activity
 * (createBorrower, generateInvoice, requestLoan; a generated borrower is enrolled with its terms accepted,
 * patch `generated-borrower-terms-at-creation`, so it needs no signBorrower), a timer or the end; each task upserts the
 * search attributes at most once; each task that records markers (local activities, the patch
 * markers of the first task) counts one billable action.
 */
export interface LocalReadsShape {
  readonly workflowTasks: number;
  readonly regularActivities: number;
  readonly localActivities: number;
  /** Workflow tasks that record any marker (one billable action each). */
  readonly markerTasks: number;
  readonly upserts: number;
  /**
   * Patch markers (`patched()` IDs met on the path; src/workflows/patches.ts); each comes with the SDK's
   * upsert of `TemporalChangeVersion` (a history event, exempt from billing).
   */
  readonly patchMarkers: number;
}

/** Derived by hand from the rounds above (the comment of {@link LocalReadsShape} says how). */
export const LOCAL_READS_SHAPES: Readonly<Record<Scenario, LocalReadsShape>> = {
  // start: generateBusiness, checkEligibility (local) → createBorrower | getBorrower, contract, credit line
  // (local) → generateInvoice | requestLoan | getLoan, payments, events, credit line (local) → end.
  SUCCESS: { workflowTasks: 4, regularActivities: 3, localActivities: 9, markerTasks: 3, upserts: 4, patchMarkers: PATCH_MARKERS },
  // … | getLoan TO_REPAY, getLoan again (local), timer | signal: getLoan CLOSED, payments, events, credit line → end.
  SUCCESS_ONE_DAY_LATER: { workflowTasks: 5, regularActivities: 3, localActivities: 11, markerTasks: 4, upserts: 5, patchMarkers: PATCH_MARKERS },
  FAIL: { workflowTasks: 4, regularActivities: 3, localActivities: 7, markerTasks: 3, upserts: 4, patchMarkers: PATCH_MARKERS },
  // … | getLoan DECLINED, translateDenialCode (local) → end.
  REJECT: { workflowTasks: 4, regularActivities: 3, localActivities: 7, markerTasks: 3, upserts: 4, patchMarkers: PATCH_MARKERS },
  CANCEL: { workflowTasks: 4, regularActivities: 3, localActivities: 6, markerTasks: 3, upserts: 4, patchMarkers: PATCH_MARKERS },
};

/**
 * Calls of today's lifecycle beyond the rounds above (patch `eligibility-translated-reasons-repay-now`):
 * every loan checks its business's pre-eligibility before enrolling it; a declined loan has its reason
 * translated. The rounds stay those of the shape every call an activity (the baseline commit's).
 */
export const PATCHED_CALLS: Readonly<Record<Scenario, readonly ActivityName[]>> = {
  SUCCESS: ['checkEligibility'],
  SUCCESS_ONE_DAY_LATER: ['checkEligibility'],
  FAIL: ['checkEligibility'],
  REJECT: ['checkEligibility', 'translateDenialCode'],
  CANCEL: ['checkEligibility'],
};

/**
 * Calls of the rounds above that today's lifecycle no longer makes (patch
 * `generated-borrower-terms-at-creation`: a generated borrower is created with its terms accepted).
 */
export const SPARED_CALLS: readonly ActivityName[] = ['signBorrower'];

/** Which shape a floor is of: today's (reads as local activities) or every call an activity (the baseline commit's). */
export type FloorShape = 'local-reads' | 'activities';

/** Minimum Defacto calls of one loan of `scenario` on today's path, by route. */
export function callFloor(scenario: Scenario): Record<string, number> {
  const byRoute: Record<string, number> = {};
  const path = SHAPE_FLOORS[scenario].rounds.flat().filter((activity) => !SPARED_CALLS.includes(activity));
  for (const activity of [...path, ...PATCHED_CALLS[scenario]]) {
    for (const route of ACTIVITY_ROUTES[activity]) byRoute[route] = (byRoute[route] ?? 0) + 1;
  }
  return byRoute;
}

/** Minimum history events of one loan workflow of `scenario`. */
export function historyFloor(scenario: Scenario, shape: FloorShape = 'local-reads'): number {
  const { rounds, upserts, extraWorkflowTasks = 0, otherEvents = 0 } = SHAPE_FLOORS[scenario];
  if (shape === 'local-reads') {
    const l = LOCAL_READS_SHAPES[scenario];
    return 1 + 3 * l.workflowTasks + 3 * l.regularActivities + l.localActivities + l.upserts + 2 * l.patchMarkers + otherEvents + 1;
  }
  const activities = rounds.reduce((n, round) => n + round.length, 0);
  const workflowTasks = rounds.length + extraWorkflowTasks + 1;
  return 1 + 3 * workflowTasks + 3 * activities + upserts + otherEvents + 1;
}

/**
 * Minimum billable actions of one loan of `scenario` (Temporal Cloud's count): the start, one per
 * activity, one per workflow task that records markers, one per search-attribute upsert, the path's
 * timers and signals. Workflow tasks themselves are free.
 */
export function actionFloor(scenario: Scenario, shape: FloorShape = 'local-reads'): number {
  const { rounds, upserts, otherActions = 0 } = SHAPE_FLOORS[scenario];
  if (shape === 'local-reads') {
    const l = LOCAL_READS_SHAPES[scenario];
    return 1 + l.regularActivities + l.markerTasks + l.upserts + otherActions;
  }
  return 1 + rounds.reduce((n, round) => n + round.length, 0) + upserts + otherActions;
}

/**
 * Minimum history of a parked loan (SUCCESS_ONE_DAY_LATER) waiting in TO_REPAY: the prefix, the second
 * look (upsert of TO_REPAY in the task that schedules it), then the task that starts the timer.
 */
export function parkedHistoryFloor(shape: FloorShape = 'local-reads'): number {
  // Through the timer: 4 tasks, 3 activities, 7 local reads (the eligibility check included), 4 upserts,
  // the patch markers and their version upserts, TimerStarted.
  if (shape === 'local-reads') return 1 + 3 * 4 + 3 * 3 + 7 + 4 + 2 * PATCH_MARKERS + 1;
  const activities = PREFIX.reduce((n, round) => n + round.length, 0) + 1;
  const workflowTasks = PREFIX.length + 2;
  return 1 + 3 * workflowTasks + 3 * activities + 6 + 1;
}

/** Floors of a mix of loans: calls by route and history events, summed over `counts`. */
export function floorsOf(counts: Partial<Record<Scenario, number>>, shape: FloorShape = 'local-reads'): { callsByRoute: Record<string, number>; calls: number; history: number } {
  const callsByRoute: Record<string, number> = {};
  let history = 0;
  for (const [scenario, n] of Object.entries(counts) as [Scenario, number][]) {
    for (const [route, k] of Object.entries(callFloor(scenario))) callsByRoute[route] = (callsByRoute[route] ?? 0) + k * n;
    history += historyFloor(scenario, shape) * n;
  }
  const calls = Object.values(callsByRoute).reduce((a, b) => a + b, 0);
  return { callsByRoute, calls, history };
}
