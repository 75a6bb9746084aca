/**
 * A loan explains itself in the Web UI: static summary and details at start, current details naming the
 * step, the wait and the operator actions, and a summary on every activity and timer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { approveConditionsUpdate } from '../../src/workflows/messages';
import type { RunningEmulator } from '../helpers/emulator';
import { eventually } from '../helpers/temporal';
import { fileEmulator, lifecycleWorld, progressUntil, type LifecycleWorld } from './harness';

let emulator: RunningEmulator;
let world: LifecycleWorld;
beforeAll(async () => {
  emulator = await fileEmulator();
});
afterAll(async () => {
  await emulator.close();
});
afterEach(async () => {
  await world.close();
});

function text(payload: temporal.api.common.v1.IPayload | null | undefined): string | undefined {
  return payload?.data ? JSON.parse(Buffer.from(payload.data).toString('utf8')) as string : undefined;
}

describe('user metadata', () => {
  it('an offer awaiting an operator: summary, details, current details with the actions, every timer and activity summarised', async () => {
    world = await lifecycleWorld(emulator);
    const { handle, workflowId } = await world.start({
      borrower: { generate: true }, invoice: { generate: true }, loan: { acceptancePolicy: { requireOperatorApproval: true } },
    });
    await progressUntil(handle, (p) => p.awaitingOperator);
    const description = await handle.describe();
    expect(await description.staticSummary()).toMatch(/^Loan .* · invoice \S+ · generated borrower \(FRA\)$/);
    expect(await description.staticDetails()).toMatch(/operator approval required/);

    const details = await eventually(async () => {
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(metadata.currentDetails).toContain('loan TO_VALIDATE');
      return metadata.currentDetails ?? '';
    });
    expect(details).toContain(`temporal workflow update execute --workflow-id ${workflowId} --name approveConditions`);
    expect(details).toContain(`POST /loans/${workflowId}/approve`);
    expect(details).toContain(`temporal workflow cancel --workflow-id ${workflowId}`);
    expect(details).toMatch(/\*\*Review:\*\* operator, within policy, decision pending, deadline \S+/);

    await handle.executeUpdate(approveConditionsUpdate, { args: [{}] });
    expect((await handle.result()).status).toBe('CLOSED');
    const events = (await handle.fetchHistory()).events ?? [];
    const activities = events.filter((e) => e.activityTaskScheduledEventAttributes);
    const timers = events.filter((e) => e.timerStartedEventAttributes);
    expect(activities.length).toBeGreaterThan(5);
    expect(timers.length).toBeGreaterThan(0);
    for (const event of activities) expect(text(event.userMetadata?.summary)).toMatch(/^Defacto/);
    for (const event of timers) expect(text(event.userMetadata?.summary)).toMatch(/^wait for /);
    const final = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(final.currentDetails).toContain('**Outcome:** CLOSED');
  });
});
