/**
 * `npx tsx bench/batch-memory.ts [LINES]`: writes a LINES-line JSON Lines batch (default 10,000), runs
 * `npm run starter -- --batch` on it against a fresh dev server (no worker: the batch only starts), and
 * prints the starter's peak RSS (from /usr/bin/time, else the child's own report) and the summary.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../src/stack';

const lines = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'batch-memory-'));
const file = join(dir, 'batch.jsonl');
const run = Date.now().toString(36);
writeFileSync(file, Array.from({ length: lines }, (_, i) =>
  JSON.stringify({ requestReference: `mem-${run}-${i + 1}`, borrower: { generate: true }, invoice: { generate: true } })).join('\n') + '\n');
const stack = await startStack({});
try {
  const started = Date.now();
  const child = spawnSync('/usr/bin/time', ['-v', 'npx', 'tsx', 'src/starter.ts', '--batch', file, '--max-in-flight', '64'], {
    env: { ...process.env, ...stack.temporal.childEnv, TEMPORAL_TASK_QUEUE: `batch-memory-${run}` }, encoding: 'utf8',
  });
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr)?.[1];
  process.stdout.write(`${child.stdout.split('\n').filter((l) => l.startsWith('batch ')).join('\n')}\n`);
  process.stdout.write(`lines ${lines}; wall ${((Date.now() - started) / 1000).toFixed(1)} s; peak RSS ${peak ? `${(Number(peak) / 1024).toFixed(0)} MiB` : 'unknown (no /usr/bin/time)'}\n`);
} finally {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
