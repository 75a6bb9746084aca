/**
 * Batch financing on the real dev server. The batch's job is to start: the task queue has no worker, so
 * the started workflows wait (and the test measures starting, not lending). A 1,000-line file with 50 bad lines starts 950 loans and refuses the 50 by line number and field;
 * running it again starts none; a known key with another request is refused.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/loans/batch';
import { testEnv, uniqueTaskQueue, type TestEnv } from '../helpers/temporal';

let env: TestEnv;
const taskQueue = uniqueTaskQueue('batch');
beforeAll(async () => {
  env = await testEnv();
});

const run = randomUUID().slice(0, 8);

/** Line i (1-based): every 20th line is bad, in one of three ways. */
function fileLines(): { lines: string[]; bad: { line: number; field: string }[] } {
  const lines: string[] = [];
  const bad: { line: number; field: string }[] = [];
  for (let i = 1; i <= 1_000; i += 1) {
    const good = { requestReference: `batch-${run}-${i}`, borrower: { generate: true }, invoice: { generate: true, scenario: 'SUCCESS' } };
    if (i % 20 !== 0) {
      lines.push(JSON.stringify(good));
      continue;
    }
    const kind = (i / 20) % 3;
    if (kind === 0) {
      lines.push('{ not json');
      bad.push({ line: i, field: '(line)' });
    } else if (kind === 1) {
      lines.push(JSON.stringify({ ...good, requestReference: undefined }));
      bad.push({ line: i, field: 'requestReference' });
    } else {
      lines.push(JSON.stringify({ ...good, invoice: { generate: true, scenario: 'NOPE' } }));
      bad.push({ line: i, field: 'invoice.scenario' });
    }
  }
  return { lines, bad };
}

async function* stream(lines: readonly string[]): AsyncGenerator<string> {
  yield* lines;
}

describe('batch financing', () => {
  it('1,000 lines with 50 bad ones: 950 started, 50 refused by line and field; the same file again starts none', async () => {
    const { lines, bad } = fileLines();
    const first = await runBatch(env.client, stream(lines), { taskQueue, format: 'jsonl', maxInFlight: 64 });
    expect(first.started).toBe(950);
    expect(first.existing).toBe(0);
    expect(first.refused.map((r) => ({ line: r.line, field: r.field }))).toEqual(bad);

    const again = await runBatch(env.client, stream(lines), { taskQueue, format: 'jsonl', maxInFlight: 64 });
    expect(again).toMatchObject({ lines: 1_000, started: 0, existing: 950 });
    expect(again.refused).toHaveLength(50);
    console.info(`batch summary: first ${JSON.stringify({ ...first, refused: first.refused.length })}, again ${JSON.stringify({ ...again, refused: again.refused.length })}`);
  }, 180_000);

  it('a known caller key with another request is refused; CSV lines name their fields by header', async () => {
    const csv = [
      'requestReference,borrower.generate,invoice.generate,invoice.scenario',
      `csv-${run}-1,true,true,SUCCESS`,
      `csv-${run}-1,true,true,FAIL`,
      `csv-${run}-2,true,true,WRONG`,
    ];
    // One at a time: two lines of one file with the same key race otherwise (the first start wins).
    const summary = await runBatch(env.client, stream(csv), { taskQueue, format: 'csv', maxInFlight: 1 });
    expect(summary.started).toBe(1);
    expect(summary.refused).toEqual([
      { line: 3, field: 'requestReference', message: expect.stringContaining('different request') as string },
      { line: 4, field: 'invoice.scenario', message: expect.any(String) as string },
    ]);
  });
});
