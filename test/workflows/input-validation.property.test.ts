/**
 * A loan started from the Temporal Web UI or `temporal workflow start --input …` (the workflow's raw
 * input, not through the starter or the HTTP edge) is checked by the workflow itself: generated bad
 * inputs fail the workflow at once with a named, non-retryable failure naming the field, and nothing is
 * created at Defacto; a minimal valid input gets its defaults and runs to the end.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoanRequestIssue } from '../../src/domain/schemas';
import { loanLifecycleWorkflow } from '../../src/workflows';
import { INVALID_LOAN_REQUEST } from '../../src/workflows/input';
import { invalidLoanRequest, namesField } from '../unit/bad-input.arbitraries';
import { FAST_POLLING, fileEmulator, lifecycleWorld, type LifecycleWorld } from './harness';
import type { RunningEmulator } from '../helpers/emulator';

const RUNS = 40;

let emulator: RunningEmulator;
let world: LifecycleWorld;
beforeAll(async () => {
  emulator = await fileEmulator();
  world = await lifecycleWorld(emulator);
});
afterAll(async () => {
  await world?.close();
  await emulator?.close();
});

/** Starts the workflow with `input` as typed (no starter, no schema on the way in). */
function startRaw(input: unknown) {
  return world.env.client.workflow.start(loanLifecycleWorkflow, {
    taskQueue: world.taskQueue, workflowId: `loan-raw-${randomUUID().slice(0, 12)}`, args: [input as never],
  });
}

describe('the workflow validates its own input', () => {
  it(`fails ${RUNS} generated bad inputs at once with ${INVALID_LOAN_REQUEST} naming the field, and creates nothing at Defacto`, async () => {
    const fields = new Set<string>();
    let sampleId = '';
    await fc.assert(fc.asyncProperty(invalidLoanRequest, async (c) => {
      const handle = await startRaw(c.body);
      sampleId = handle.workflowId;
      const error = await handle.result().then(() => undefined, (e: unknown) => e);
      expect(error, JSON.stringify(c.body)).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe(INVALID_LOAN_REQUEST);
      expect((cause as ApplicationFailure).nonRetryable).toBe(true);
      const issues = ((cause as ApplicationFailure).details?.[0] ?? []) as LoanRequestIssue[];
      const params = issues.map((i) => ({ name: i.path, reason: i.message }));
      expect(namesField(params, c, '(request)'), `${c.kind} ${c.field}: ${JSON.stringify(issues)}`).toBe(true);
      fields.add(`${c.kind}:${c.field}`);
    }), { numRuns: RUNS, seed: 13 });
    expect(fields.size).toBeGreaterThan(10);

    const inventory = await world.controls.inventory();
    expect({ borrowers: inventory.borrowers, invoices: inventory.invoices, loans: inventory.loans }).toEqual({ borrowers: 0, invoices: 0, loans: 0 });
    // The failure came before any activity: the history holds no scheduled activity at all.
    const events = (await world.env.client.workflow.getHandle(sampleId).fetchHistory()).events ?? [];
    expect(events.some((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(false);
    expect(events.at(-1)?.eventType).toBe(temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
  });

  it('a minimal input as pasted in the Web UI gets its defaults and runs to CLOSED', async () => {
    const handle = await startRaw({ borrower: { generate: true }, invoice: { generate: true }, loan: { pollSchedule: FAST_POLLING } });
    expect((await handle.result()).status).toBe('CLOSED');
  });
});
