/**
 * Patch IDs of every change to the commands `loanLifecycleWorkflow` emits since the v1 corpus was frozen
 * (test/replay/histories/v1). Loans started before a change replay along the old path; `patched(id)` is
 * true for new loans and, from its first live workflow task on, for a loan started earlier.
 */
import { CancellationScope, CancelledFailure, patched } from '@temporalio/workflow';

export const PATCHES = {
  /**
   * A workflow cancellation request (Web UI, `temporal workflow cancel`, `handle.cancel()`) is an operator
   * command: creates in flight finish (their result is then cancelled at Defacto), a cancellable loan is
   * cancelled at Defacto in a non-cancellable cleanup, a loan past cancellation is followed to its end.
   */
  cancellationIsOperatorCommand: 'cancellation-is-operator-command',
  /** Timers and activities carry a summary (user metadata) and the workflow keeps its current details. */
  userMetadata: 'user-metadata-summaries',
  /** Search attributes for operator questions (CurrentStep, AwaitingDecision…, RepaymentLate, DueAt, Outcome). */
  operatorSearchAttributes: 'operator-search-attributes',
  /**
   * Search attributes no longer receive the borrower's identifier or the invoice number (the starter sets
   * keyed tags of those; docs/data-protection.md). Loans started before it keep upserting them.
   */
  noIdentifiersInSearchAttributes: 'no-identifiers-in-search-attributes',
  /**
   * The workflow validates its input (schema and defaults of the starter and the HTTP edge) before any
   * call to Defacto: loans started from the Web UI or `temporal workflow start` are checked too.
   */
  validatedInput: 'validated-input',
  /**
   * Fewer billable actions and workflow tasks per loan: the reads (GETs, sandbox generators) run as local
   * activities (all of one workflow task count as one action, and they chain within the task), and the
   * search attributes are upserted once per workflow task, when the workflow next waits on the server
   * (an activity, a timer, its end), with the values of that moment.
   */
  fewerActions: 'fewer-actions-per-loan',
  /**
   * A Defacto event's loan status is compared with the loan when the workflow next waits, not in the
   * signal handler (see `OperatorCommands`): deterministic whichever of a signal and a local activity's
   * answer reaches the workflow first. Also spares a read when the event only confirms what a read in
   * flight returned. Met only in runs that have `fewer-actions-per-loan` (the ones with local activities).
   */
  wakeOnNewerStatus: 'wake-on-newer-status',
  /**
   * What a careful integration asks Defacto besides the lifecycle's resources: the business's
   * pre-eligibility before the borrower is enrolled (`POST /eligibility/borrower`; not eligible → DECLINED,
   * nothing created), denial and status reason codes translated (`GET /translation/denial-code/{code}`,
   * once per code), and the early-repayment link an operator asks for (`repayNowUpdate`, `POST /repay/now`).
   */
  eligibilityAndReasons: 'eligibility-translated-reasons-repay-now',
  /**
   * A generated business (the sandbox's borrower, whose terms the platform accepts on its behalf) is
   * enrolled with `signed_at` in `POST /borrowers`, as Defacto's first-loan guide does with the
   * generator's payload: no separate `POST /borrower/{id}/sign`, one activity and one workflow task fewer.
   * A business given with its own `signedAt` was already enrolled that way; one given without still signs.
   */
  termsAcceptedAtCreation: 'generated-borrower-terms-at-creation',
} as const;

/**
 * Meets every patch at the very start of a run, before any local activity. A patch's marker must be
 * recorded in the workflow task where its replay will look for it; with local activities chaining within
 * a task (and a long one heartbeating the task, which splits it), a marker first recorded after a local
 * activity can land in a different task on replay. Met here, every marker of a new run is in its first
 * activation. Only runs that have `fewer-actions-per-loan` (started by this code) meet them here; replaying
 * a run started before a patch, the call answers false and records nothing, and the later calls behave as
 * before (`patched()` is evaluated per call, not remembered).
 */
export function meetPatches(): void {
  // A run started by earlier code met its patches where it needed them (between its own commands, e.g. a
  // search-attribute upsert between two markers): meeting them here would change the order of its commands.
  if (!patched(PATCHES.fewerActions)) return;
  for (const id of MEETING_ORDER) patched(id);
}

/**
 * The order in which {@link meetPatches} meets the patches (part of the commands of every new run, so
 * fixed from now on: a new patch goes at the end).
 */
const MEETING_ORDER: readonly PatchId[] = [
  PATCHES.validatedInput,
  PATCHES.noIdentifiersInSearchAttributes,
  PATCHES.operatorSearchAttributes,
  PATCHES.userMetadata,
  PATCHES.cancellationIsOperatorCommand,
  PATCHES.fewerActions,
  PATCHES.wakeOnNewerStatus,
  PATCHES.eligibilityAndReasons,
  PATCHES.termsAcceptedAtCreation,
];

/**
 * Whether this run compares event statuses at the wait (`wake-on-newer-status`). Called once, right after
 * {@link meetPatches}: true only for runs that met it there (new runs), false on replay of older ones.
 */
export function wakesOnNewerStatus(): boolean {
  return patched(PATCHES.fewerActions) && patched(PATCHES.wakeOnNewerStatus);
}

/** One of the {@link PATCHES} IDs. */
export type PatchId = (typeof PATCHES)[keyof typeof PATCHES];

/** Every patch ID the meeting order leaves out (none: checked by the unit tests). */
export function patchesNotMet(): PatchId[] {
  return Object.values(PATCHES).filter((id) => !MEETING_ORDER.includes(id));
}

/**
 * Runs a create so that a workflow cancellation cannot abandon it half-way: its result (which may exist at
 * Defacto already) always reaches the workflow, whose cancellation cleanup then undoes it.
 */
export function createToCompletion<T>(create: () => Promise<T>): Promise<T> {
  if (!patched(PATCHES.cancellationIsOperatorCommand)) return create();
  // Once cancellation was requested nothing new is created (a shielded scope would let it start).
  if (CancellationScope.current().consideredCancelled) return Promise.reject(new CancelledFailure('workflow cancellation requested'));
  return CancellationScope.nonCancellable(create);
}
