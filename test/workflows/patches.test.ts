/**
 * One patch marker per new run: a loan (and an adoption) started by today's code records the umbrella patch
 * alone, with one `TemporalChangeVersion` upsert, in its first workflow task, and its history replays;
 * loans started before the umbrella (corpora v3 and v4: eight and nine markers, one per patch) still replay. Counted on
 * real histories of the run's dev server, not on the code's intent.
 */
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { adoptedLoanWorkflow, adoptedWorkflowId } from '../../src/workflows';
import { PATCHES, patchesOfUmbrella } from '../../src/workflows/patches';
import { bundleOnce, testDataConverter } from '../helpers/temporal';
import { corpusDir, loadRecordedHistories } from '../replay/history-files';
import { recordingDataConverter } from '../replay/recording-keys';
import { FAST_POLLING, progressUntil, worldsPerTest } from './harness';

const { EventType } = temporal.api.enums.v1;
type Event = temporal.api.history.v1.IHistoryEvent;

const worlds = worldsPerTest();

const text = (data: Uint8Array | null | undefined): string => Buffer.from(data ?? new Uint8Array()).toString('utf8');

/** The patch IDs of the history's patch markers (SDK core's `core_patch` markers), in order. */
function patchMarkers(events: readonly Event[]): string[] {
  return events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => (JSON.parse(text(e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data)) as { id: string }).id);
}

/** The values of the SDK core's `TemporalChangeVersion` upserts, one entry per upsert event. */
function versionUpserts(events: readonly Event[]): string[][] {
  return events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
    .flatMap((e) => {
      const field = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.TemporalChangeVersion;
      return field ? [JSON.parse(text(field.data)) as string[]] : [];
    });
}

/** Event IDs of the first workflow task's completion and of the next task's scheduling (its commands lie between). */
function firstTask(events: readonly Event[]): { completed: number; nextScheduled: number } {
  const ids = (type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).map((e) => Number(e.eventId));
  return { completed: ids(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)[0] ?? 0, nextScheduled: ids(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)[1] ?? Infinity };
}

function eventIdsOf(events: readonly Event[], markerName: string): number[] {
  return events.filter((e) => e.markerRecordedEventAttributes?.markerName === markerName).map((e) => Number(e.eventId));
}

/** Asserts the new-run shape: one umbrella marker and one version upsert, both in the first workflow task. */
function expectOneUmbrellaMarker(events: readonly Event[]): void {
  expect(patchMarkers(events)).toEqual([PATCHES.everyPatchUntilDecember2026]);
  expect(versionUpserts(events)).toEqual([[PATCHES.everyPatchUntilDecember2026]]);
  const { completed, nextScheduled } = firstTask(events);
  const [marker] = eventIdsOf(events, 'core_patch');
  // The first command of the run: right after the first workflow task completed.
  expect(marker).toBe(completed + 1);
  expect(marker).toBeLessThan(nextScheduled);
}

describe('patch markers', () => {
  it('a new loan records one patch marker (the umbrella) and one TemporalChangeVersion upsert, first, and replays', async () => {
    const w = await worlds.open();
    const { handle, workflowId } = await w.start({ borrower: { generate: true }, invoice: { generate: true } });
    expect(await handle.result()).toMatchObject({ status: 'CLOSED' });
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    expectOneUmbrellaMarker(events);
    // Every patched path ran all the same: reads as local activities, the eligibility check among them.
    const localActivities = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(localActivities.length).toBeGreaterThan(0);
    expect(localActivities.some((e) => text(e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data).includes('"checkEligibility"'))).toBe(true);
    await expect(Worker.runReplayHistory({ workflowBundle: await bundleOnce(), dataConverter: testDataConverter() }, history, workflowId)).resolves.toBeUndefined();
  });

  it('an adoption records the same single marker', async () => {
    const w = await worlds.open();
    const review = await w.start({ borrower: { generate: true }, invoice: { generate: true }, loan: { acceptancePolicy: { requireOperatorApproval: true } } });
    const loanId = (await progressUntil(review.handle, (p) => p.awaitingOperator)).loan?.id ?? '';
    await review.handle.terminate('test: adopted instead');
    const adopted = await w.env.client.workflow.start(adoptedLoanWorkflow, {
      taskQueue: w.taskQueue, workflowId: adoptedWorkflowId(loanId),
      args: [{
        loanId, reason: 'workflow TERMINATED',
        loan: {
          autoValidate: false,
          acceptancePolicy: { maxFeeRatePercent: 5, maxDurationDays: 120, requireOperatorApproval: true },
          deadlines: { conditionsReviewMs: 3_600_000, repaymentFollowUpMs: 3_600_000 },
          pollSchedule: { ...FAST_POLLING },
        },
      }],
    });
    await progressUntil(adopted, (p) => p.awaitingOperator);
    const history = await adopted.fetchHistory();
    await adopted.terminate('test: markers counted');
    expectOneUmbrellaMarker(history.events ?? []);
  });

  it.each(['v3', 'v4'])('loans started before the umbrella (corpus %s: one marker per patch) replay with today\'s code', async (corpus) => {
    const histories = loadRecordedHistories(corpusDir(corpus));
    const workflowBundle = await bundleOnce();
    for (const { scenario, workflowId, history } of histories) {
      const events = history.events ?? [];
      // The old shape: the patches of the umbrella met one by one (all but the last in v3), no umbrella.
      const markers = patchMarkers(events);
      expect(markers.length, scenario).toBeGreaterThanOrEqual(patchesOfUmbrella().length - 1);
      expect(markers.filter((id) => !(patchesOfUmbrella() as readonly string[]).includes(id)), scenario).toEqual([]);
      expect(versionUpserts(events), scenario).toHaveLength(markers.length);
      await expect(Worker.runReplayHistory({ workflowBundle, dataConverter: recordingDataConverter() }, history, workflowId), scenario).resolves.toBeUndefined();
    }
  });
});
