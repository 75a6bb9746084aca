/**
 * History events per loan workflow: fetched after the runs (outside every measured window), counted in
 * total and by kind so the report can say where events above the floor come from.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { actionsOfHistory, noActions, totalActions, ACTION_KINDS, type ActionKind } from './actions';
import { runPool } from './pool';
import { mean, round } from './stats';

// A CommonJS package: its namespaces come through the default import.
const EventType = proto.temporal.api.enums.v1.EventType;

/** Kinds of events the report breaks histories into. */
export type EventKind = 'workflowTask' | 'activity' | 'timer' | 'signal' | 'upsert' | 'other';

function kindOf(type: number | null | undefined): EventKind {
  const name = EventType[type ?? 0] ?? '';
  if (name.startsWith('EVENT_TYPE_WORKFLOW_TASK_')) return 'workflowTask';
  if (name.startsWith('EVENT_TYPE_ACTIVITY_TASK_')) return 'activity';
  if (name.startsWith('EVENT_TYPE_TIMER_')) return 'timer';
  if (name === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED') return 'signal';
  if (name === 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES') return 'upsert';
  return 'other';
}

/** Events per loan: mean and max, and the mean per kind. */
export interface HistorySummary {
  readonly workflows: number;
  readonly mean: number;
  readonly max: number;
  readonly meanByKind: Record<EventKind, number>;
  /** Billable actions the histories show (bench/lib/actions.ts): mean per workflow, and by kind. */
  readonly actions: { readonly mean: number; readonly meanByKind: Record<ActionKind, number> };
}

/** Fetches every history (`concurrency` at a time) and summarises the event counts. */
export async function historySummary(client: Client, workflowIds: readonly string[], concurrency = 16): Promise<HistorySummary> {
  const settled = await runPool(workflowIds.length, concurrency, async (i) => {
    const history = await client.workflow.getHandle(workflowIds[i] ?? '').fetchHistory();
    const byKind: Record<EventKind, number> = { workflowTask: 0, activity: 0, timer: 0, signal: 0, upsert: 0, other: 0 };
    for (const event of history.events ?? []) byKind[kindOf(event.eventType)] += 1;
    return { total: history.events?.length ?? 0, byKind, actions: actionsOfHistory(history.events ?? []) };
  });
  const ok = settled.flatMap((s) => (s.ok ? [s.value] : []));
  const kinds: EventKind[] = ['workflowTask', 'activity', 'timer', 'signal', 'upsert', 'other'];
  return {
    workflows: ok.length,
    mean: round(mean(ok.map((h) => h.total)), 1),
    max: Math.max(0, ...ok.map((h) => h.total)),
    meanByKind: Object.fromEntries(kinds.map((k) => [k, round(mean(ok.map((h) => h.byKind[k])), 1)])) as Record<EventKind, number>,
    actions: {
      mean: round(mean(ok.map((h) => totalActions(h.actions))), 2),
      meanByKind: { ...noActions(), ...Object.fromEntries(ACTION_KINDS.map((k) => [k, round(mean(ok.map((h) => h.actions[k])), 2)])) },
    },
  };
}
