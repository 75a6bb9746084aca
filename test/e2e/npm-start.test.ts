/**
 * The `npm start` demo through its entry point: its own dev server, emulator and worker, one loan to
 * CLOSED, every step printed in order, exit code 0.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('npm start', () => {
  it('prints each lifecycle step, a CLOSED summary and the Web UI URL, then exits 0', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(join(root, 'node_modules/.bin/tsx'), ['scripts/start.ts'], {
        cwd: root, timeout: 90_000, env: { PATH: process.env.PATH, HOME: process.env.HOME },
      }, (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
    });
    expect(run.code, run.stderr).toBe(0);
    const steps = [
      'borrower registered', 'contract link obtained', 'invoice FK-INVOICE-', 'loan requested', 'conditions reviewed',
      'loan validated', 'disbursed', 'repaid', 'credit line: before',
    ];
    let from = 0;
    for (const step of steps) {
      const at = run.stdout.indexOf(step, from);
      expect(at, `"${step}" printed after the previous step`).toBeGreaterThan(from - 1);
      from = at;
    }
    expect(run.stdout).toMatch(/summary: CLOSED: lent 120\.00 EUR/);
    expect(run.stdout).toMatch(/Web UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/loan-ref-/);
  }, 120_000);
});
