import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { loanSearchAttributes } from '../../src/workflows/search-attributes';
import { createTestWorker, testEnv, uniqueTaskQueue } from '../helpers/temporal';
import { createSmokeActivities } from './fixtures/smoke-activities';
import { smokeWorkflow } from './fixtures/smoke-workflows';

const smokeWorkflowsPath = fileURLToPath(new URL('./fixtures/smoke-workflows.ts', import.meta.url));

describe('the shared Temporal dev server', () => {
  it('runs a workflow on a real worker and serves its history', async () => {
    const { client } = await testEnv();
    const taskQueue = uniqueTaskQueue('smoke');
    const worker = await createTestWorker({
      taskQueue,
      workflowsPath: smokeWorkflowsPath,
      activities: createSmokeActivities(),
    });
    const workflowId = `smoke-${taskQueue}`;
    const result = await worker.runUntil(
      client.workflow.execute(smokeWorkflow, { taskQueue, workflowId, args: ['Defacto'] }),
    );
    expect(result).toBe('Hello, Defacto!');

    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const { EventType } = temporal.api.enums.v1;
    const types = (history.events ?? []).map((event) => event.eventType);
    expect(types[0]).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    expect(types).toContain(EventType.EVENT_TYPE_TIMER_STARTED);
    expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    expect(types.at(-1)).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  });

  it('has every custom search attribute of loan workflows registered', async () => {
    const { client, namespace } = await testEnv();
    const response = await client.connection.operatorService.listSearchAttributes({ namespace });
    const registered = Object.keys(response.customAttributes ?? {});
    for (const key of loanSearchAttributes) expect(registered).toContain(key.name);
  });
});
