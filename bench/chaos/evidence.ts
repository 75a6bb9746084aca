/**
 * What the run left behind, gathered for the invariants: every workflow execution on the run's task
 * queue with its history, the replay of those histories against the bundle the workers ran, and a scan
 * of every log file and history for the run's secrets.
 */
import { workflowMetricSinks } from '../../src/observability/workflow-metrics';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import protos from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { dataConverter } from '../../src/codec/data-converter';
import { loadConfig } from '../../src/config';

/** One workflow execution (a continue-as-new chain has one per run). */
export interface Execution {
  readonly workflowId: string;
  readonly runId: string;
  readonly status: string;
  readonly startTime: number;
  readonly closeTime: number | null;
}

/** Histories and what replaying them found. */
export interface HistoryEvidence {
  readonly executions: readonly Execution[];
  readonly histories: readonly HistoryAndWorkflowId[];
  /** Workflow tasks that failed during the run for non-determinism. */
  readonly liveNondeterminism: readonly string[];
  /** Workflow tasks that failed during the run, by cause (informational: a killed worker or a restart can cause some). */
  readonly workflowTaskFailures: Readonly<Record<string, number>>;
  /** Histories whose replay failed, with the error. */
  readonly replayFailures: readonly string[];
  readonly replayed: number;
}

// The proto package is CommonJS: its namespace comes through the default import under plain Node ESM.
const { temporal } = protos;
type HistoryEvent = protos.temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;
const NONDETERMINISM = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR;

function millis(ts: Date | null | undefined): number | null {
  return ts ? ts.getTime() : null;
}

/**
 * Lists every execution of the task queue (visibility), fetches each history, and replays them all; a
 * history that fails to replay is written to `failuresDir` (binary protobuf `temporal.api.history.v1.History`).
 */
export async function gatherHistories(client: Client, taskQueue: string, bundleCode: string, failuresDir?: string): Promise<HistoryEvidence> {
  const executions: Execution[] = [];
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    executions.push({
      workflowId: wf.workflowId, runId: wf.runId, status: wf.status.name,
      startTime: wf.startTime.getTime(), closeTime: millis(wf.closeTime),
    });
  }
  const histories: HistoryAndWorkflowId[] = [];
  for (const execution of executions) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    histories.push({ workflowId: execution.workflowId, history });
  }
  const liveNondeterminism: string[] = [];
  const workflowTaskFailures: Record<string, number> = {};
  const causeName = temporal.api.enums.v1.WorkflowTaskFailedCause;
  for (const { workflowId, history } of histories) {
    const events = (history as { events?: HistoryEvent[] | null } | undefined)?.events ?? [];
    for (const event of events) {
      if (event.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) continue;
      const attributes = event.workflowTaskFailedEventAttributes;
      const cause = (causeName[attributes?.cause ?? 0] ?? 'UNKNOWN').replace('WORKFLOW_TASK_FAILED_CAUSE_', '');
      workflowTaskFailures[cause] = (workflowTaskFailures[cause] ?? 0) + 1;
      if (attributes?.cause === NONDETERMINISM || /nondetermin/i.test(attributes?.failure?.message ?? '')) {
        liveNondeterminism.push(`${workflowId}: ${attributes?.failure?.message ?? 'non-deterministic'}`);
      }
    }
  }
  const replayFailures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { code: bundleCode }, dataConverter: dataConverter(loadConfig()), sinks: workflowMetricSinks() }, histories)) {
    replayed += 1;
    if (!result.error) continue;
    replayFailures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    const failed = histories.find((h) => h.workflowId === result.workflowId);
    if (failuresDir && failed) {
      const { History } = temporal.api.history.v1;
      writeFileSync(join(failuresDir, `replay-failure-${result.workflowId}.binpb`), History.encode(History.fromObject(failed.history as object)).finish());
    }
  }
  return { executions, histories, liveNondeterminism, workflowTaskFailures, replayFailures, replayed };
}

/** Where a secret was found. */
export interface SecretSighting {
  readonly secret: string;
  readonly where: string;
}

/** Lines of `files` that contain one of `secrets` (by name), as `file:line`. */
export function scanLogs(files: readonly string[], secrets: Readonly<Record<string, string>>): { lines: number; sightings: SecretSighting[] } {
  const sightings: SecretSighting[] = [];
  let lines = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    text.split('\n').forEach((line, index) => {
      if (line.length === 0) return;
      lines += 1;
      for (const [name, value] of Object.entries(secrets)) {
        if (line.includes(value)) sightings.push({ secret: name, where: `${file}:${index + 1}` });
      }
    });
  }
  return { lines, sightings };
}

/** Every string in a history (payload bytes decoded as UTF-8), depth first. */
function* stringsOf(value: unknown, depth = 0): Generator<string> {
  if (depth > 64 || value === null || value === undefined) return;
  if (typeof value === 'string') yield value;
  else if (value instanceof Uint8Array) yield Buffer.from(value).toString('utf8');
  else if (Array.isArray(value)) for (const item of value) yield* stringsOf(item, depth + 1);
  else if (typeof value === 'object') for (const item of Object.values(value)) yield* stringsOf(item, depth + 1);
}

/** Histories (payloads, failures, search attributes, headers) that contain one of `secrets`. */
export function scanHistories(histories: readonly HistoryAndWorkflowId[], secrets: Readonly<Record<string, string>>): SecretSighting[] {
  const sightings: SecretSighting[] = [];
  for (const { workflowId, history } of histories) {
    const found = new Set<string>();
    for (const text of stringsOf(history)) {
      for (const [name, value] of Object.entries(secrets)) if (text.includes(value)) found.add(name);
    }
    for (const secret of found) sightings.push({ secret, where: `history of ${workflowId}` });
  }
  return sightings;
}
