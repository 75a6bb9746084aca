/**
 * What every part of the lifecycle shares within one run: the request, the state, the operator commands,
 * the activity proxies (one per class of call) and the durable wait.
 */
import {
  allHandlersFinished, condition, continueAsNew, log, proxyActivities, proxyLocalActivities, setCurrentDetails, workflowInfo,
  type ActivityInterfaceFor, type LocalActivityInterfaceFor,
} from '@temporalio/workflow';
import type { LoanActivities } from '../activities/types';
import type { LoanRequest } from '../domain/schemas';
import { commandOptions, createOptions, localReadOptions, readOptions, singleAttemptOptions } from './activity-options';
import type { CarriedState, LifecycleState } from './lifecycle-state';
import { observeLoan, wokeOnWebhook } from './metrics';
import type { OperatorCommands } from './operator-commands';
import { PATCHES, type RunPatches } from './patches';
import { activitySummary, currentDetails, timerSummary } from './user-metadata';

/** GETs. */
const reads = proxyActivities<LoanActivities>(readOptions);
/** GETs as local activities (patch `fewer-actions-per-loan`). */
const localReads = proxyLocalActivities<LoanActivities>(localReadOptions);
/** Creations and generators. */
const creates = proxyActivities<LoanActivities>(createOptions);
/** Sign, validate, cancel. */
const commandActivities = proxyActivities<LoanActivities>(commandOptions);
/** Calls that must never run twice (`repayNow`). */
const singleAttempt = proxyActivities<LoanActivities>(singleAttemptOptions);

type Calls = ActivityInterfaceFor<LoanActivities>;

/**
 * The activity proxies, each call labelled with a summary of what it does for this loan now (user metadata).
 * With `local` (the reads) and patch `fewer-actions-per-loan`, calls run as local activities; any other
 * call first upserts the search attributes changed in this workflow task (the workflow is about to wait).
 */
function summarised(proxy: Calls, state: LifecycleState, patches: RunPatches, local?: LocalActivityInterfaceFor<LoanActivities>): Calls {
  return new Proxy(proxy, {
    get(target, name: string) {
      const activity = target[name as keyof Calls];
      return (...args: unknown[]) => {
        if (patches.applies(PATCHES.fewerActions)) {
          if (local) return local[name as keyof Calls].executeWithOptions({ ...localReadOptions, summary: activitySummary(name, state) }, args as never);
          state.flushSearchAttributes();
        }
        if (!patches.applies(PATCHES.userMetadata)) return (activity as (...a: unknown[]) => Promise<unknown>)(...args);
        return activity.executeWithOptions({ summary: activitySummary(name, state) }, args as never);
      };
    },
  });
}

/** The activities of one lifecycle run, by class of call. */
export interface LifecycleCalls {
  readonly reads: Calls;
  readonly creates: Calls;
  readonly commandActivities: Calls;
  /** Not retried: each call creates something new at Defacto (`repayNow`). */
  readonly singleAttempt: Calls;
}

/** The activity proxies of one run, summarised from its state. */
export function lifecycleCalls(state: LifecycleState, patches: RunPatches): LifecycleCalls {
  return {
    reads: summarised(reads, state, patches, localReads), creates: summarised(creates, state, patches),
    commandActivities: summarised(commandActivities, state, patches), singleAttempt: summarised(singleAttempt, state, patches),
  };
}

/**
 * The workflow's input: a validated request, plus the state carried over by continue-as-new (partial:
 * a run continued by older code lacks the fields added since, which then start from their defaults).
 */
export type LoanLifecycleInput = LoanRequest & { readonly continued?: Partial<CarriedState> };

/** One run's shared context. */
export interface LifecycleContext {
  readonly request: LoanRequest;
  readonly state: LifecycleState;
  readonly commands: OperatorCommands;
  /** The patches this run has, decided at its start (src/workflows/patches.ts). */
  readonly patches: RunPatches;
  readonly workflowId: string;
  readonly calls: LifecycleCalls;
  /** The input of the next run after continue-as-new (default: the request with the carried state). */
  readonly nextRunInput?: (carried: CarriedState) => unknown;
}

/** Rewrites the current details (Web UI "Current Details"); `waitingUntil` when a wait begins. */
export function showDetails(ctx: LifecycleContext, waitingUntil: string | null = null): void {
  setCurrentDetails(currentDetails(ctx.state, ctx.request, waitingUntil));
}

/** Continue-as-new when the server suggests it (or past the configured event count), carrying the state. */
export async function continueAsNewIfDue(ctx: LifecycleContext): Promise<void> {
  const info = workflowInfo();
  const limit = ctx.request.loan.continueAsNewAfterEvents;
  const due = info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit);
  if (!due || ctx.commands.pending()) return;
  await condition(allHandlersFinished);
  ctx.state.flushSearchAttributes();
  log.info('continuing as new', { historyLength: info.historyLength, runs: ctx.state.facts.runs });
  const carried = ctx.state.carry();
  await continueAsNew<(input: unknown) => Promise<unknown>>(ctx.nextRunInput ? ctx.nextRunInput(carried) : { ...ctx.request, continued: carried });
}

/**
 * A durable wait of `delayMs` that ends early on a Defacto event or an operator command. Returns true
 * when it ended early.
 */
export async function waitForChange(ctx: LifecycleContext, delayMs: number): Promise<boolean> {
  observeLoan(ctx);
  await continueAsNewIfDue(ctx);
  // The flag is cleared only after a wait: an event that arrived while an activity ran must end the
  // next wait at once, since that activity's answer may predate it.
  const timeoutMs = Math.max(1, Math.round(delayMs));
  const { commands } = ctx;
  const newerStatus = () => commands.wakeOnNewerStatus && commands.announcedNewerThan(ctx.state.facts.loan?.status);
  const wake = () => commands.wake || commands.pending() || newerStatus();
  const until = new Date(Date.now() + timeoutMs).toISOString();
  showDetails(ctx, until);
  ctx.state.flushSearchAttributes();
  const early = ctx.patches.applies(PATCHES.userMetadata)
    ? await condition(wake, timeoutMs, { summary: timerSummary(ctx.state, until) })
    : await condition(wake, timeoutMs);
  if (commands.wake || newerStatus()) wokeOnWebhook(commands.wokenByEventReceivedAt);
  commands.waited();
  return early;
}
