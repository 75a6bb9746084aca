/**
 * The alert rules and the Grafana dashboard: promtool accepts the rules and their unit tests pass, every
 * dashboard query is valid PromQL, and both name only metrics the project (or Temporal's SDK) emits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canInstallPackages, ensureDebianProgram, findProgram } from '../../scripts/debian-package.mjs';
import { METRICS, TEMPORAL_SDK_METRICS } from '../../src/observability/metric-names';

const RULES = join(process.cwd(), 'ops', 'prometheus', 'alerts.yml');
const RULE_TESTS = join(process.cwd(), 'ops', 'prometheus', 'alerts.test.yml');
const DASHBOARD = join(process.cwd(), 'ops', 'grafana', 'defacto-lending.json');

const promtoolAvailable = findProgram('promtool') !== undefined || canInstallPackages();
if (!promtoolAvailable) {
  process.stderr.write('skipping the promtool checks: promtool is not installed and this is not root (apt-get install prometheus)\n');
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const binary = ensureDebianProgram('promtool', 'prometheus');
  const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Dashboard {
  panels: { id: number; type: string; title: string; datasource?: { uid: string }; targets?: { expr: string; datasource: { uid: string } }[] }[];
  templating: { list: { name: string; type: string }[] };
}
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const dashboardExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

/** Series names a PromQL expression reads (identifiers followed by a selector or range, or bare). */
function seriesNames(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}').replace(/"[^"]*"/g, '""');
  const words = withoutLabels.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  const keywords = new Set(['sum', 'by', 'rate', 'increase', 'histogram_quantile', 'scalar', 'count', 'min', 'max', 'le', 'up', 'humanize',
    'route', 'status', 'method', 'step', 'decision', 'outcome', 'error_class', 'retryable', 'reason', 'task_queue', 'activity_type', 'job', 'instance', 'm', 'h', 's', 'd', '__range']);
  return words.filter((w) => !keywords.has(w) && /_/.test(w));
}

const known = new Set<string>(['up', ...TEMPORAL_SDK_METRICS]);
for (const [name, def] of Object.entries(METRICS)) {
  known.add(name);
  if (def.kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) known.add(`${name}${suffix}`);
}
for (const name of TEMPORAL_SDK_METRICS) for (const suffix of ['_bucket', '_sum', '_count']) known.add(`${name}${suffix}`);

describe('alert rules', () => {
  it.skipIf(!promtoolAvailable)('pass `promtool check rules`', () => {
    const { status, output } = promtool('check', 'rules', RULES);
    expect(output).toMatch(/SUCCESS: 7 rules found/);
    expect(status).toBe(0);
  });

  it.skipIf(!promtoolAvailable)('pass their `promtool test rules` unit tests (each alert fires, and only when it should)', () => {
    const { status, output } = promtool('test', 'rules', RULE_TESTS);
    expect(output).toMatch(/SUCCESS/);
    expect(status).toBe(0);
  });

  it('cover the operator deadline, late repayments, Defacto errors, workflow-task failures and schedule-to-start', () => {
    const text = readFileSync(RULES, 'utf8');
    for (const alert of ['LoanReviewDeadlinePassed', 'LoanRepaymentLate', 'DefactoErrorRateHigh', 'WorkflowTaskFailures',
      'WorkflowTaskScheduleToStartSlow', 'ActivityScheduleToStartSlow']) {
      expect(text).toContain(`alert: ${alert}`);
    }
  });

  it('name only metrics that are emitted', () => {
    const exprs = [...readFileSync(RULES, 'utf8').matchAll(/expr: >?-?\s*([\s\S]*?)\n\s+(?:for|labels):/g)].map((m) => m[1] ?? '');
    expect(exprs.length).toBe(7);
    for (const expr of exprs) for (const name of seriesNames(expr)) expect(known, `${name} in ${expr}`).toContain(name);
  });
});

describe('the Grafana dashboard', () => {
  it('imports as is: a Prometheus datasource variable, unique panel ids, every query on that datasource', () => {
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid).toBe('${datasource}');
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
  });

  it('shows every metric the project emits and the alerts\' Temporal metrics, and names nothing else', () => {
    const used = new Set(dashboardExprs.flatMap(seriesNames).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    for (const name of Object.keys(METRICS)) expect(used, name).toContain(name);
    for (const name of ['temporal_workflow_task_execution_failed', 'temporal_workflow_task_schedule_to_start_latency', 'temporal_activity_schedule_to_start_latency']) {
      expect(used).toContain(name);
    }
    for (const expr of dashboardExprs) for (const name of seriesNames(expr)) expect(known, `${name} in ${expr}`).toContain(name);
  });

  it.skipIf(!promtoolAvailable)('has only valid PromQL (checked by promtool as recording rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-promql-'));
    try {
      const rules = dashboardExprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr: expr.replaceAll('$__range', '1h') }));
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
