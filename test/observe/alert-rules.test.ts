/**
 * promtool (Debian's prometheus package) accepts the alert rules, their unit tests pass (each alert fires
 * when it should and stays silent otherwise), and every query of the Grafana dashboard is valid PromQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDebianProgram } from '../../scripts/debian-package.mjs';

const RULES = join(process.cwd(), 'ops', 'prometheus', 'alerts.yml');
const RULE_TESTS = join(process.cwd(), 'ops', 'prometheus', 'alerts.test.yml');
const DASHBOARD = join(process.cwd(), 'ops', 'grafana', 'defacto-lending.json');

function promtool(...args: string[]): { status: number | null; output: string } {
  const binary = ensureDebianProgram('promtool', 'prometheus');
  const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('alert rules under promtool', () => {
  it('pass `promtool check rules`', () => {
    const { status, output } = promtool('check', 'rules', RULES);
    expect(output).toMatch(/SUCCESS: 7 rules found/);
    expect(status).toBe(0);
  });

  it('pass their `promtool test rules` unit tests (each alert fires, and only when it should)', () => {
    const { status, output } = promtool('test', 'rules', RULE_TESTS);
    expect(output).toMatch(/SUCCESS/);
    expect(status).toBe(0);
  });

  it('fail `promtool test rules` when an alert loses its condition (the rule tests can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-broken-'));
    try {
      // The review-deadline alert now never fires: its unit test must notice.
      const broken = readFileSync(RULES, 'utf8').replace(/(alert: LoanReviewDeadlinePassed[\s\S]*?expr: )/, '$1vector(0) > 1 and ');
      expect(broken).not.toBe(readFileSync(RULES, 'utf8'));
      writeFileSync(join(dir, 'alerts.yml'), broken);
      writeFileSync(join(dir, 'alerts.test.yml'), readFileSync(RULE_TESTS, 'utf8'));
      const { status, output } = promtool('test', 'rules', join(dir, 'alerts.test.yml'));
      expect(output).toContain('LoanReviewDeadlinePassed');
      expect(status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Grafana dashboard under promtool', () => {
  it('has only valid PromQL (checked as recording rules)', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-promql-'));
    try {
      const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr: expr.replaceAll('$__range', '1h') }));
      const file = join(dir, 'rules.yml');
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const { status, output } = promtool('check', 'rules', file);
      expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
