/**
 * What every part of the lifecycle shares within one run: the request, the state, the operator commands,
 * the activity proxies (one per class of call) and the durable wait.
 */
import {
  allHandlersFinished, condition, continueAsNew, log, proxyActivities, workflowInfo,
} from '@temporalio/workflow';
import type { LoanActivities } from '../activities/types';
import type { LoanRequest } from '../domain/schemas';
import { commandOptions, createOptions, readOptions } from './activity-options';
import type { CarriedState, LifecycleState } from './lifecycle-state';
import type { OperatorCommands } from './operator-commands';

/** GETs. */
export const reads = proxyActivities<LoanActivities>(readOptions);
/** Creations and generators. */
export const creates = proxyActivities<LoanActivities>(createOptions);
/** Sign, validate, cancel. */
export const commandActivities = proxyActivities<LoanActivities>(commandOptions);

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
  readonly workflowId: string;
}

/** Continue-as-new when the server suggests it (or past the configured event count), carrying the state. */
export async function continueAsNewIfDue(ctx: LifecycleContext): Promise<void> {
  const info = workflowInfo();
  const limit = ctx.request.loan.continueAsNewAfterEvents;
  const due = info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit);
  if (!due || ctx.commands.pending()) return;
  await condition(allHandlersFinished);
  log.info('continuing as new', { historyLength: info.historyLength, runs: ctx.state.facts.runs });
  await continueAsNew<(input: LoanLifecycleInput) => Promise<unknown>>({ ...ctx.request, continued: ctx.state.carry() });
}

/**
 * A durable wait of `delayMs` that ends early on a Defacto event or an operator command. Returns true
 * when it ended early.
 */
export async function waitForChange(ctx: LifecycleContext, delayMs: number): Promise<boolean> {
  await continueAsNewIfDue(ctx);
  // The flag is cleared only after a wait: an event that arrived while an activity ran must end the
  // next wait at once, since that activity's answer may predate it.
  const early = await condition(() => ctx.commands.wake || ctx.commands.pending(), Math.max(1, Math.round(delayMs)));
  ctx.commands.wake = false;
  return early;
}
