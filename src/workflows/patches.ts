/**
 * Patch IDs of every change to the commands `loanLifecycleWorkflow` (and `adoptedLoanWorkflow`) emits since
 * the v1 corpus was frozen (test/replay/histories/v1). Loans started before a change replay along the old
 * path. Workflow code never calls `patched()` itself: it asks the run's {@link RunPatches} (`ctx.patches`).
 *
 * How a run meets them:
 * - a run started by this code records ONE marker at its start, the umbrella
 *   `every-patch-until-2026-12`, which stands for every patch listed before it (one MarkerRecorded
 *   event and one `TemporalChangeVersion` upsert per run instead of one pair per patch);
 * - a run started before the umbrella (corpora v1 to v4; loans in flight) replays exactly as before:
 *   `validated-input` first, then `meetPatches()` (runs with `fewer-actions-per-loan`), then `patched()`
 *   per call site, true for an older loan from its first live workflow task on;
 * - a patch added from now on goes after the umbrella, individually: a new entry in {@link PATCHES} and
 *   at the end of {@link MET_AFTER_UMBRELLA} (a new run meets it right after the umbrella; a run that did
 *   not meet it at its start never takes it). The umbrella's list is never changed. When many patches
 *   have piled up after it, a later umbrella can replace them the same way (first command of a new run,
 *   this one then becoming part of the fallback path).
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
  /**
   * The umbrella: every patch above applies (the list {@link MEETING_ORDER}). The first command of a run
   * started by this code, which then records no other marker for those patches. Replaying a run started
   * before it, `patched()` answers false and the run meets its patches one by one as it did.
   */
  everyPatchUntilDecember2026: 'every-patch-until-2026-12',
} as const;

/**
 * The patches {@link PATCHES.everyPatchUntilDecember2026} stands for, in the order in which
 * {@link meetPatches} meets them in the runs started before it. Frozen: a run that recorded the umbrella
 * has all of these, so none is ever added, removed or reordered (a new patch goes in {@link MET_AFTER_UMBRELLA}).
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
 * Patches added after the umbrella, each with its own marker, met by a new run right after the umbrella
 * (in its first activation, before any local activity) in this order. Append only: the order is part of
 * the commands of every run started since. A run that did not meet a patch here (started before it, or
 * before the umbrella) never takes it: with local activities chaining within a workflow task, a marker
 * first recorded in the middle of a run can land in another task on replay.
 */
const MET_AFTER_UMBRELLA: readonly PatchId[] = [];

/**
 * Which patches one run has, decided at its start and kept for the run (created by {@link RunPatches.atStart}
 * as the run's first command, and handed to everything that branches on a patch through the run's context).
 *
 * A run started by this code records one marker, the umbrella, standing for every patch of
 * {@link MEETING_ORDER}: it never calls `patched()` for those (a live call would record a marker each, and
 * the SDK core an upsert of `TemporalChangeVersion` each, two history events and a server action per patch).
 * A run started before the umbrella replays it as `false` (no marker in its history; a replaying
 * `patched()` records nothing), remembered for the whole run: such a run must never switch to the
 * umbrella's path half-way. It then asks `patched()` per patch, exactly as the code before the umbrella did.
 */
export class RunPatches {
  /**
   * Asks for the umbrella: call it before any other command of the run. True for a new run (live: its
   * marker is recorded), and on replay of one; false on replay of a run started before the umbrella.
   */
  static atStart(): RunPatches {
    if (!patched(PATCHES.everyPatchUntilDecember2026)) return new RunPatches(false, new Set());
    return new RunPatches(true, new Set(MET_AFTER_UMBRELLA.filter((id) => patched(id))));
  }

  /** The patches of a run started with the umbrella whose start met every later patch (tests, floors). */
  static ofNewRun(): RunPatches {
    return new RunPatches(true, new Set(MET_AFTER_UMBRELLA));
  }

  constructor(
    /** The run recorded the umbrella marker (started by code that has it). */
    readonly umbrella: boolean,
    /** The patches of {@link MET_AFTER_UMBRELLA} the run met at its start. */
    private readonly metAtStart: ReadonlySet<PatchId>,
  ) {}

  /** Whether the run takes the patched path of `id` (the replacement for `patched(id)` in the workflows). */
  applies(id: PatchId): boolean {
    if (id === PATCHES.everyPatchUntilDecember2026) return this.umbrella;
    if (MET_AFTER_UMBRELLA.includes(id)) return this.metAtStart.has(id);
    // A patch of the umbrella: answered by it, or (runs started before it) by its own marker, as before.
    return this.umbrella || patched(id);
  }

  /**
   * For a run started before the umbrella: {@link meetPatches}, as that code did. Nothing for a run
   * with the umbrella (it met everything in {@link atStart}).
   */
  meetPatches(): void {
    if (!this.umbrella) meetPatches();
  }

  /**
   * Whether the run compares event statuses at the wait (`wake-on-newer-status`). Called once, right
   * after {@link meetPatches}: true for runs with the umbrella, and for runs started before it that met
   * the patch there; false on replay of older ones.
   */
  wakesOnNewerStatus(): boolean {
    return this.applies(PATCHES.fewerActions) && this.applies(PATCHES.wakeOnNewerStatus);
  }
}

/**
 * What runs started before the umbrella did at their start, kept for their replay: meets every patch
 * before any local activity. A patch's marker must be recorded in the workflow task where its replay
 * will look for it; with local activities chaining within a task (and a long one heartbeating the task,
 * which splits it), a marker first recorded after a local activity can land in a different task on
 * replay. Only runs that have `fewer-actions-per-loan` met them here; replaying a run started before
 * that patch, the call answers false and records nothing, and the later calls behave as before
 * (`patched()` is evaluated per call, not remembered).
 */
function meetPatches(): void {
  // A run started by earlier code met its patches where it needed them (between its own commands, e.g. a
  // search-attribute upsert between two markers): meeting them here would change the order of its commands.
  if (!patched(PATCHES.fewerActions)) return;
  for (const id of MEETING_ORDER) patched(id);
}

/** One of the {@link PATCHES} IDs. */
export type PatchId = (typeof PATCHES)[keyof typeof PATCHES];

/** The patch markers a run started by this code records: the umbrella, then each patch added after it. */
export function newRunMarkers(): PatchId[] {
  return [PATCHES.everyPatchUntilDecember2026, ...MET_AFTER_UMBRELLA];
}

/**
 * Every patch ID a new run neither covers by the umbrella nor meets at its start (none: checked by the
 * unit tests; a patch missing from both lists would be asked mid-run).
 */
export function patchesNotMet(): PatchId[] {
  const met: readonly PatchId[] = [...newRunMarkers(), ...MEETING_ORDER];
  return Object.values(PATCHES).filter((id) => !met.includes(id));
}

/** The patches the umbrella stands for (frozen; see {@link MEETING_ORDER}). */
export function patchesOfUmbrella(): readonly PatchId[] {
  return MEETING_ORDER;
}

/**
 * Runs a create so that a workflow cancellation cannot abandon it half-way: its result (which may exist at
 * Defacto already) always reaches the workflow, whose cancellation cleanup then undoes it.
 */
export function createToCompletion<T>(patches: RunPatches, create: () => Promise<T>): Promise<T> {
  if (!patches.applies(PATCHES.cancellationIsOperatorCommand)) return create();
  // Once cancellation was requested nothing new is created (a shielded scope would let it start).
  if (CancellationScope.current().consideredCancelled) return Promise.reject(new CancelledFailure('workflow cancellation requested'));
  return CancellationScope.nonCancellable(create);
}
