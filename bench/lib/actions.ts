/**
 * Billable actions per loan, counted as Temporal Cloud counts them (docs.temporal.io/cloud/actions), two
 * ways: from each workflow's history (what the history shows: starts, activity attempts, local-activity
 * batches, timers, signals, updates, search-attribute upserts, child workflows) and from the server's own
 * `action` metric (Prometheus, `--metrics-port` of the dev server), which also sees queries and
 * heartbeats that never reach a history.
 */
import proto from '@temporalio/proto';

// A CommonJS package: its namespaces come through the default import.
const EventType = proto.temporal.api.enums.v1.EventType;

/** Kinds of billable actions a history shows. */
export const ACTION_KINDS = [
  'workflowStarted', 'activity', 'markers', 'timer', 'signal', 'update', 'upsert', 'childWorkflow', 'other',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** The search attribute the SDK upserts for `patched()`; not billed. */
const VERSION_SEARCH_ATTRIBUTE = 'TemporalChangeVersion';

/** Zero of every kind. */
export function noActions(): Record<ActionKind, number> {
  return Object.fromEntries(ACTION_KINDS.map((k) => [k, 0])) as Record<ActionKind, number>;
}

/** The shape of a history event this module reads (a subset of the proto's). */
export interface ActionEvent {
  readonly eventType?: number | null;
  readonly activityTaskStartedEventAttributes?: { readonly attempt?: number | null } | null;
  readonly upsertWorkflowSearchAttributesEventAttributes?: {
    readonly searchAttributes?: { readonly indexedFields?: Record<string, unknown> | null } | null;
  } | null;
}

/**
 * The billable actions one history shows, by kind. Activities count every attempt (the started event
 * carries the attempt number of the last one); local activities count once per workflow task that
 * recorded any; a child workflow counts twice (its start and its execution).
 */
export function actionsOfHistory(events: readonly ActionEvent[]): Record<ActionKind, number> {
  const actions = noActions();
  let taskWithMarker = -1;
  let task = 0;
  for (const event of events) {
    const name = EventType[event.eventType ?? 0] ?? '';
    switch (name) {
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED':
        actions.workflowStarted += 1;
        break;
      case 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED':
        task += 1;
        break;
      case 'EVENT_TYPE_ACTIVITY_TASK_STARTED':
        actions.activity += Math.max(1, event.activityTaskStartedEventAttributes?.attempt ?? 1);
        break;
      case 'EVENT_TYPE_MARKER_RECORDED':
        if (taskWithMarker !== task) {
          actions.markers += 1;
          taskWithMarker = task;
        }
        break;
      case 'EVENT_TYPE_TIMER_STARTED':
        actions.timer += 1;
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED':
      case 'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED':
        actions.signal += 1;
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
        actions.update += 1;
        break;
      case 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES': {
        // The SDK's own upsert of `TemporalChangeVersion` (one per patch met) is exempt in Temporal Cloud.
        const keys = Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (keys.some((key) => key !== VERSION_SEARCH_ATTRIBUTE)) actions.upsert += 1;
        break;
      }
      case 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED':
        actions.childWorkflow += 2;
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED':
        actions.other += 1;
        break;
      default:
        break;
    }
  }
  return actions;
}

/** Total of a by-kind record. */
export function totalActions(byKind: Readonly<Record<string, number>>): number {
  return Object.values(byKind).reduce((a, b) => a + b, 0);
}

/** The server's `action` counter for one namespace, by `action_type`. */
export type ServerActions = Record<string, number>;

const ACTION_LINE = /^action\{([^}]*)\}\s+([0-9.eE+-]+)$/;

/** Parses the Prometheus text of the server's metrics endpoint: the `action` counter of `namespace`, by type. */
export function parseServerActions(text: string, namespace: string): ServerActions {
  const byType: ServerActions = {};
  for (const line of text.split('\n')) {
    const match = ACTION_LINE.exec(line.trim());
    if (!match) continue;
    const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels['namespace'] !== namespace) continue;
    const type = labels['action_type'] ?? 'unknown';
    byType[type] = (byType[type] ?? 0) + Number(match[2]);
  }
  return byType;
}

/** Reads the server's actions (null when the endpoint is unknown or does not answer). */
export async function readServerActions(metricsUrl: string | null, namespace: string): Promise<ServerActions | null> {
  if (!metricsUrl) return null;
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return null;
    return parseServerActions(await response.text(), namespace);
  } catch {
    return null;
  }
}

/** Actions between two readings, by type (types that did not move are left out). */
export function serverActionsBetween(before: ServerActions | null, after: ServerActions | null): ServerActions | null {
  if (!before || !after) return null;
  const delta: ServerActions = {};
  for (const [type, value] of Object.entries(after)) {
    const d = value - (before[type] ?? 0);
    if (d > 0) delta[type] = d;
  }
  return delta;
}
