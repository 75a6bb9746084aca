/**
 * A local activity run again by a refused workflow task (same run, same activity ID) is answered from what
 * it returned moments earlier; anything else reaches Defacto.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { LocalReadMemo, MEMO_TTL_MS } from '../../src/activities/local-read-memo';

function environment(overrides: { isLocal?: boolean; activityId?: string; runId?: string } = {}): MockActivityEnvironment {
  return new MockActivityEnvironment({
    isLocal: overrides.isLocal ?? true,
    activityId: overrides.activityId ?? '17',
    activityType: 'getLoan',
    workflowExecution: { workflowId: 'loan-ref-a', runId: overrides.runId ?? 'run-1' },
  });
}

function countingRead() {
  let calls = 0;
  const read = async (id: string): Promise<{ id: string; call: number }> => {
    calls += 1;
    return { id, call: calls };
  };
  return { read, calls: () => calls };
}

describe('LocalReadMemo', () => {
  it('answers the same local activity of the same run from memory: one Defacto call for both runs of it', async () => {
    const memo = new LocalReadMemo();
    const { read, calls } = countingRead();
    const wrapped = memo.wrap(read);
    const first = await environment().run(wrapped, 'L1');
    const again = await environment().run(wrapped, 'L1');
    expect(again).toEqual(first);
    expect(calls()).toBe(1);
    expect(memo.hits).toBe(1);
  });

  it('another activity ID, another run, or a regular activity reads afresh', async () => {
    const memo = new LocalReadMemo();
    const { read, calls } = countingRead();
    const wrapped = memo.wrap(read);
    await environment().run(wrapped, 'L1');
    await environment({ activityId: '18' }).run(wrapped, 'L1');
    await environment({ runId: 'run-2' }).run(wrapped, 'L1');
    await environment({ isLocal: false }).run(wrapped, 'L1');
    await environment({ isLocal: false }).run(wrapped, 'L1');
    expect(calls()).toBe(5);
    expect(memo.hits).toBe(0);
  });

  it('a failed read is not remembered: its retry reaches Defacto', async () => {
    const memo = new LocalReadMemo();
    let calls = 0;
    const flaky = memo.wrap(async () => {
      calls += 1;
      if (calls === 1) throw new Error('503');
      return 'ok';
    });
    await expect(environment().run(flaky)).rejects.toThrow('503');
    await expect(environment().run(flaky)).resolves.toBe('ok');
    expect(calls).toBe(2);
  });

  it(`forgets an answer after ${MEMO_TTL_MS / 1000} s`, async () => {
    let now = 1_000_000;
    const memo = new LocalReadMemo(() => now);
    const { read, calls } = countingRead();
    const wrapped = memo.wrap(read);
    await environment().run(wrapped, 'L1');
    now += MEMO_TTL_MS + 1;
    await environment().run(wrapped, 'L1');
    expect(calls()).toBe(2);
  });
});
