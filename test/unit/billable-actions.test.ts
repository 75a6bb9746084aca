/**
 * The benchmark's count of billable actions (bench/lib/actions.ts) and its floors (bench/lib/floors.ts):
 * what a history shows, as Temporal Cloud counts it, and what the server's `action` metric says.
 */
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { actionsOfHistory, parseServerActions, serverActionsBetween, totalActions, type ActionEvent } from '../../bench/lib/actions';
import { actionFloor, callFloor, historyFloor, PATCH_MARKERS } from '../../bench/lib/floors';
import { PATCHES, patchesOfUmbrella } from '../../src/workflows/patches';

const T = proto.temporal.api.enums.v1.EventType;

const ev = (eventType: number, extra: Partial<ActionEvent> = {}): ActionEvent => ({ eventType, ...extra });
const upsert = (...keys: string[]): ActionEvent =>
  ev(T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, { upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: Object.fromEntries(keys.map((k) => [k, {}])) } } });
const task = (): ActionEvent[] => [ev(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED), ev(T.EVENT_TYPE_WORKFLOW_TASK_STARTED), ev(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)];

describe('billable actions from a history', () => {
  it('counts the start, every activity attempt, one marker batch per task, timers, signals, updates and upserts; not the version upserts', () => {
    const history: ActionEvent[] = [
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      ...task(),
      ev(T.EVENT_TYPE_MARKER_RECORDED), upsert('TemporalChangeVersion'), ev(T.EVENT_TYPE_MARKER_RECORDED), ev(T.EVENT_TYPE_MARKER_RECORDED),
      upsert('LoanStatus', 'StepInProgress'),
      ev(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
      ev(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, { activityTaskStartedEventAttributes: { attempt: 3 } }),
      ev(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
      ...task(),
      ev(T.EVENT_TYPE_MARKER_RECORDED),
      ev(T.EVENT_TYPE_TIMER_STARTED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
      ...task(),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
    ];
    const actions = actionsOfHistory(history);
    expect(actions).toMatchObject({ workflowStarted: 1, activity: 3, markers: 2, timer: 1, signal: 1, update: 1, upsert: 1 });
    expect(totalActions(actions)).toBe(10);
  });
});

describe("the server's action metric", () => {
  const text = [
    '# HELP action action',
    'action{action_type="grpc_StartWorkflowExecution",namespace="default",operation="StartWorkflowExecution",service_name="frontend"} 3',
    'action{action_type="command_ScheduleActivityTask",namespace="default",operation="RespondWorkflowTaskCompleted",service_name="history"} 7',
    'action{action_type="grpc_StartWorkflowExecution",namespace="temporal_system",operation="StartWorkflowExecution",service_name="frontend"} 2',
    'action_other{action_type="x",namespace="default"} 9',
  ].join('\n');

  it('reads one namespace by action type, and the difference of two readings', () => {
    const before = parseServerActions(text, 'default');
    expect(before).toEqual({ grpc_StartWorkflowExecution: 3, command_ScheduleActivityTask: 7 });
    const after = parseServerActions(text.replace('} 7', '} 11'), 'default');
    expect(serverActionsBetween(before, after)).toEqual({ command_ScheduleActivityTask: 4 });
    expect(serverActionsBetween(null, after)).toBeNull();
  });
});

describe('floors', () => {
  it("today's shape (local reads, one upsert per task) is below the shape of every call an activity", () => {
    expect(actionFloor('SUCCESS', 'activities')).toBe(20);
    expect(historyFloor('SUCCESS', 'activities')).toBe(72);
    expect(actionFloor('SUCCESS')).toBe(11);
    // 36 events of the path (the eligibility check's local activity included, no signature task), plus each
    // patch marker of the first task with its TemporalChangeVersion upsert: the umbrella alone today, not one per patch.
    expect(historyFloor('SUCCESS')).toBe(36 + 2 * PATCH_MARKERS);
    // The umbrella and each patch added after it: every patch ID but the ones the umbrella stands for.
    expect(PATCH_MARKERS).toBe(Object.keys(PATCHES).length - patchesOfUmbrella().length);
  });

  it('counts no separate signature: a generated borrower is enrolled with its terms accepted', () => {
    const calls = callFloor('SUCCESS');
    expect(calls['POST /borrower/{borrower_id}/sign']).toBeUndefined();
    expect(calls['POST /borrowers']).toBe(1);
    expect(Object.values(calls).reduce((a, b) => a + b, 0)).toBe(16);
  });
});
