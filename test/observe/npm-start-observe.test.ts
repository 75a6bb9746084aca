/**
 * `npm start -- --keep --observe`: the demo's loan is counted by the real Prometheus it starts, which
 * scrapes the worker, the edge and the Temporal server and has the alert rules loaded; Ctrl-C then
 * stops everything and reports the loan's exit code.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/temporal';

const root = resolve(import.meta.dirname, '../..');

async function query(url: string, promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const body = (await (await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`)).json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

describe('npm start -- --keep --observe', () => {
  it('prints the Prometheus URL; Prometheus counts the CLOSED loan and scrapes worker, edge and Temporal', async () => {
    const child = spawn(join(root, 'node_modules/.bin/tsx'), ['scripts/start.ts', '--keep', '--observe'], {
      cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      await eventually(() => expect(stdout).toContain('--keep: everything stays up'), { timeoutMs: 90_000, intervalMs: 200 });
      const line = stdout.split('\n').find((l) => l.startsWith('Prometheus http://'));
      expect(line, stdout).toBeDefined();
      const url = /^Prometheus (http:\/\/127\.0\.0\.1:\d+)/.exec(line ?? '')?.[1] ?? '';

      await eventually(async () => {
        const up = await query(url, 'up');
        expect(Object.fromEntries(up.map((s) => [s.metric.job, s.value[1]]))).toEqual({
          'defacto-lending-worker': '1', 'defacto-lending-edge': '1', 'temporal-server': '1',
        });
        const ended = await query(url, 'sum by (outcome) (defacto_loans_ended_total)');
        expect(ended.map((s) => [s.metric.outcome, s.value[1]])).toEqual([['CLOSED', '1']]);
      }, { timeoutMs: 30_000, intervalMs: 500 });
      const rules = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string }[] }[] } };
      expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toContain('LoanReviewDeadlinePassed');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 150_000);
});
