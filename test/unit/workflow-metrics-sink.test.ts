/**
 * The worker side of the workflow-metrics sink: each emission lands on the meter with the workflow's
 * tags, and the same (run, key) is counted once, as when the server rejects a final workflow task and the
 * worker runs it again, live.
 */
import type { WorkflowInfo } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { workflowMetricSinks } from '../../src/observability/workflow-metrics';
import { recordingMeter } from '../helpers/recording-meter';

const info = (runId: string): WorkflowInfo => ({
  runId, namespace: 'default', taskQueue: 'loans', workflowType: 'loanLifecycleWorkflow',
} as unknown as WorkflowInfo);

describe('the workflow-metrics sink', () => {
  it('counts a key once per run, tagged with namespace, task queue and workflow type', () => {
    const meter = recordingMeter();
    const { loanMetrics } = workflowMetricSinks(meter);
    void loanMetrics.count.fn(info('run-1'), 'defacto_loans_ended_total', { outcome: 'CLOSED' }, 'ended');
    void loanMetrics.count.fn(info('run-1'), 'defacto_loans_ended_total', { outcome: 'CLOSED' }, 'ended');
    void loanMetrics.count.fn(info('run-2'), 'defacto_loans_ended_total', { outcome: 'DECLINED' }, 'ended');
    expect(meter.records).toEqual([
      { kind: 'counter', name: 'defacto_loans_ended_total', value: 1, tags: { outcome: 'CLOSED', namespace: 'default', task_queue: 'loans', workflow_type: 'loanLifecycleWorkflow' } },
      { kind: 'counter', name: 'defacto_loans_ended_total', value: 1, tags: { outcome: 'DECLINED', namespace: 'default', task_queue: 'loans', workflow_type: 'loanLifecycleWorkflow' } },
    ]);
  });

  it('records a histogram value once per run and key', () => {
    const meter = recordingMeter();
    const { loanMetrics } = workflowMetricSinks(meter);
    void loanMetrics.record.fn(info('run-1'), 'defacto_loan_step_duration_seconds', 1.5, { step: 'REPAID', status: 'DONE' }, 'step:REPAID');
    void loanMetrics.record.fn(info('run-1'), 'defacto_loan_step_duration_seconds', 1.6, { step: 'REPAID', status: 'DONE' }, 'step:REPAID');
    void loanMetrics.record.fn(info('run-1'), 'defacto_loan_step_duration_seconds', 0.2, { step: 'DISBURSED', status: 'DONE' }, 'step:DISBURSED');
    expect(meter.records.map((r) => [r.kind, r.tags.step, r.value])).toEqual([['histogram', 'REPAID', 1.5], ['histogram', 'DISBURSED', 0.2]]);
  });

  it('is never called while a workflow replays', () => {
    const { loanMetrics } = workflowMetricSinks(recordingMeter());
    expect(loanMetrics.count.callDuringReplay).toBe(false);
    expect(loanMetrics.record.callDuringReplay).toBe(false);
  });
});
