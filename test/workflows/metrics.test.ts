/**
 * The lifecycle's business metrics are counted once per loan, though the worker keeps no workflow in cache
 * (every workflow task replays the history so far first), and replaying the finished history with metrics
 * on records nothing more.
 */
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_STEPS, type LoanOutcome } from '../../src/domain/loan';
import { workflowMetricSinks } from '../../src/observability/workflow-metrics';
import { recordingMeter, type MetricRecord } from '../helpers/recording-meter';
import { bundleOnce, testDataConverter } from '../helpers/temporal';
import { worldsPerTest } from './harness';

const worlds = worldsPerTest();

const summary = (records: readonly MetricRecord[]): string[] =>
  records.map((r) => `${r.name}${r.tags.outcome ? ` ${String(r.tags.outcome)}` : ''}${r.tags.step ? ` ${String(r.tags.step)} ${String(r.tags.status)}` : ''}`).sort();

describe('workflow metrics', () => {
  it('a repaid loan is counted once: started, ended CLOSED, each step once, with the workflow\'s tags; its replay records nothing', async () => {
    const meter = recordingMeter();
    const world = await worlds.open({ metricMeter: meter, maxCachedWorkflows: 0 });
    const { handle, workflowId } = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'SUCCESS' } });
    const outcome = (await handle.result()) as LoanOutcome;
    expect(outcome.status).toBe('CLOSED');

    const counted = summary(meter.records);
    expect(counted.filter((r) => r.startsWith('defacto_loans_'))).toEqual(['defacto_loans_ended_total CLOSED', 'defacto_loans_started_total']);
    const steps = counted.filter((r) => r.startsWith('defacto_loan_step_duration_seconds'));
    // Every step at most once; a repaid loan went through requesting, disbursing and repaying.
    expect(new Set(steps).size).toBe(steps.length);
    for (const step of ['LOAN_REQUESTED', 'DISBURSED', 'REPAID']) expect(steps).toContain(`defacto_loan_step_duration_seconds ${step} DONE`);
    for (const step of steps) expect(LIFECYCLE_STEPS.some((s) => step.includes(` ${s} `))).toBe(true);
    for (const record of meter.records) {
      expect(record.tags).toMatchObject({ task_queue: world.taskQueue, workflow_type: 'loanLifecycleWorkflow', namespace: world.env.namespace });
    }

    const before = meter.records.length;
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await bundleOnce(), dataConverter: testDataConverter(), sinks: workflowMetricSinks(meter) }, history, workflowId);
    expect(meter.records.length).toBe(before);
  });

  it('a declined loan ends DECLINED, and a loan whose operator review expired records the wait as expired', async () => {
    const meter = recordingMeter();
    const world = await worlds.open({ metricMeter: meter });
    const declined = await world.start({ borrower: { generate: true }, invoice: { generate: true, scenario: 'REJECT' } });
    const expired = await world.start({
      borrower: { generate: true }, invoice: { generate: true, scenario: 'SUCCESS' },
      loan: { acceptancePolicy: { requireOperatorApproval: true }, deadlines: { conditionsReviewMs: 300 } },
    });
    expect(((await declined.handle.result()) as LoanOutcome).status).toBe('DECLINED');
    expect(((await expired.handle.result()) as LoanOutcome).status).toBe('CANCELED');
    const counted = summary(meter.records);
    expect(counted.filter((r) => r.startsWith('defacto_loans_ended_total'))).toEqual(['defacto_loans_ended_total CANCELED', 'defacto_loans_ended_total DECLINED']);
    expect(counted.filter((r) => r === 'defacto_operator_reviews_started_total')).toHaveLength(1);
    const waits = meter.records.filter((r) => r.name === 'defacto_operator_wait_seconds');
    expect(waits.map((w) => w.tags.decision)).toEqual(['expired']);
    expect(waits[0]?.value).toBeGreaterThanOrEqual(0.3);
  });
});
