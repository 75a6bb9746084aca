/**
 * A loan explains itself in the Web UI: static summary and details at start, current details naming the
 * step, the wait and the operator actions, and a summary on every activity and timer.
 */
import { describe, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { approveConditionsUpdate } from '../../src/workflows/messages';
import { eventually } from '../helpers/temporal';
import { progressUntil, type LifecycleWorld, worldsPerTest } from './harness';

const worlds = worldsPerTest();

/** A user-metadata payload as the Web UI shows it (through the client's codecs: it is encrypted at rest). */
async function text(world: LifecycleWorld, payload: temporal.api.common.v1.IPayload | null | undefined): Promise<string | undefined> {
  if (!payload) return undefined;
  const { payloadConverter, payloadCodecs } = world.env.client.options.loadedDataConverter;
  let payloads = [payload] as temporal.api.common.v1.IPayload[];
  for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  return payloadConverter.fromPayload<string>(payloads[0] ?? {});
}

async function findsExactly(world: LifecycleWorld, query: string, expected: string[]): Promise<void> {
  await eventually(async () => {
    const found: string[] = [];
    for await (const wf of world.env.client.workflow.list({ query })) found.push(wf.workflowId);
    expect(found).toEqual(expected);
  }, { timeoutMs: 15_000, intervalMs: 200 });
}

describe('user metadata and operator search attributes', () => {
  it('an offer awaiting an operator: summary, details, current details with the actions, every timer and activity summarised', async () => {
    const world = await worlds.open();
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

    await findsExactly(world, `AwaitingDecision = true AND DecisionDeadline > "${new Date().toISOString()}" AND StepInProgress = "CONDITIONS_REVIEWED" AND WorkflowId = "${workflowId}"`, [workflowId]);

    await handle.executeUpdate(approveConditionsUpdate, { args: [{}] });
    expect((await handle.result()).status).toBe('CLOSED');
    const events = (await handle.fetchHistory()).events ?? [];
    const activities = events.filter((e) => e.activityTaskScheduledEventAttributes);
    const timers = events.filter((e) => e.timerStartedEventAttributes);
    // The creates and the validation are activities; reads run as local activities (patch fewer-actions-per-loan).
    expect(activities.length).toBeGreaterThanOrEqual(4);
    expect(timers.length).toBeGreaterThan(0);
    for (const event of activities) expect(await text(world, event.userMetadata?.summary)).toMatch(/^Defacto/);
    for (const event of timers) expect(await text(world, event.userMetadata?.summary)).toMatch(/^wait for /);
    const final = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(final.currentDetails).toContain('**Outcome:** CLOSED');
    await findsExactly(world, `Outcome = "CLOSED" AND StepInProgress = "FINISHED" AND AwaitingDecision = false AND RepaymentLate = false AND RepaymentDueAt > "2000-01-01T00:00:00Z" AND WorkflowId = "${workflowId}"`, [workflowId]);
  });
});
