/** Defacto calls per loan (from the emulator's stats) against the lifecycle's floor. */
import type { Scenario } from '../../src/domain/loan';
import { apiRoutes, type RouteStats } from './emulator-api';
import { actionFloor, floorsOf, historyFloor, type FloorShape } from './floors';
import type { HistorySummary } from './histories';
import type { CallsReport, HistoryReport } from './report-types';
import { ratio, round } from './stats';

/** The calls report of `loans` loans whose scenarios are `counts`; `edgeCalls` = the HTTP edge's share. */
export function callsReport(
  stats: Record<string, RouteStats>,
  counts: Partial<Record<Scenario, number>>,
  edgeCalls: number | null,
): CallsReport {
  const loans = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  const routes = apiRoutes(stats);
  const floor = floorsOf(counts);
  const total = Object.values(routes).reduce((n, r) => n + r.count, 0);
  const errors = Object.values(routes).reduce((n, r) => n + r.errors, 0);
  const byRoute: CallsReport['byRoute'] = {};
  for (const route of new Set([...Object.keys(floor.callsByRoute), ...Object.keys(routes)])) {
    byRoute[route] = {
      perLoan: round((routes[route]?.count ?? 0) / loans, 2),
      minimum: round((floor.callsByRoute[route] ?? 0) / loans, 2),
    };
  }
  return {
    perLoan: round(total / loans, 2),
    minimumPerLoan: round(floor.calls / loans, 2),
    ratio: ratio(total, floor.calls),
    workerPerLoan: round((total - (edgeCalls ?? 0)) / loans, 2),
    edgePerLoan: edgeCalls === null ? null : round(edgeCalls / loans, 2),
    errors,
    byRoute,
  };
}

/** The history report against the floor of the scenario mix (or an explicit per-workflow floor). */
export function historyReport(
  summary: HistorySummary,
  counts: Partial<Record<Scenario, number>>,
  floorPerWorkflow?: number,
  shape: FloorShape = 'local-reads',
): HistoryReport {
  const loans = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  const minimum = floorPerWorkflow
    ?? Object.entries(counts).reduce((n, [s, k]) => n + historyFloor(s as Scenario, shape) * k, 0) / loans;
  const actionMinimum = Object.entries(counts).reduce((n, [s, k]) => n + actionFloor(s as Scenario, shape) * k, 0) / loans;
  return {
    actions: {
      mean: summary.actions.mean,
      minimum: round(actionMinimum, 1),
      ratio: ratio(summary.actions.mean, actionMinimum),
      meanByKind: summary.actions.meanByKind,
    },
    mean: summary.mean,
    max: summary.max,
    minimum: round(minimum, 1),
    ratio: ratio(summary.mean, minimum),
    meanByKind: summary.meanByKind,
  };
}
