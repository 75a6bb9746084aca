/**
 * The alert rules and the Grafana dashboard, read as files: the rules cover what an on-call engineer
 * must hear about, the dashboard imports as is, and both name only metrics the project (or Temporal's
 * SDK) emits. promtool's own checks (syntax, rule unit tests, dashboard PromQL) run with
 * `npm run test:observe` (test/observe/alert-rules.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS, TEMPORAL_SDK_METRICS } from '../../src/observability/metric-names';

const RULES = join(process.cwd(), 'ops', 'prometheus', 'alerts.yml');
const DASHBOARD = join(process.cwd(), 'ops', 'grafana', 'defacto-lending.json');

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

});
