/**
 * The one report renderer of the harnesses: the benchmark's markdown (what `npm run bench` prints and
 * bench/results/ keeps), the chaos report and the detection table, on the same number and table helpers.
 */
import type { ChaosReport, PhaseReport } from '../chaos/report';
import type { BenchReport, ThroughputResult } from './report-types';
import { describeTuning } from './tuning';

/** What an absent figure prints as. */
export const dash = '—';

/** A figure with `digits` decimals (integers as they are), or {@link dash}. */
export function n(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return dash;
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

const PHASE_NAMES = {
  lifecycle: 'lifecycle (Temporal + emulator)', null: 'null loan (Temporal, no-op activities)', direct: 'direct (no Temporal)',
  observed: 'lifecycle, worker metrics + tracing on',
  'metrics-only': 'lifecycle, worker metrics on',
  'tracing-only': 'lifecycle, tracing on',
  plaintext: 'lifecycle, payloads not encrypted (no codec)',
  baseline: 'baseline commit (its worker and edge)',
} as const;

function throughputTable(phases: readonly ThroughputResult[]): string {
  return table(
    ['run', 'loans', 'loans/s', 'p50 ms', 'p95 ms', 'p99 ms', 'calls/loan', 'history/loan (max)', 'worker CPU s (ms/loan)', 'worker peak RSS MB', 'server CPU s', 'emulator CPU s', 'bench CPU s', 'machine busy cores (others)', 'failed'],
    phases.map((p) => [
      PHASE_NAMES[p.phase],
      String(p.loans),
      n(p.loansPerSecond),
      n(p.latencyMs.p50, 0),
      n(p.latencyMs.p95, 0),
      n(p.latencyMs.p99, 0),
      p.calls ? n(p.calls.perLoan) : dash,
      p.history ? `${n(p.history.mean, 1)} (${p.history.max})` : dash,
      p.worker ? `${n(p.worker.cpuSeconds)} (${n(p.worker.cpuMsPerLoan, 1)})` : dash,
      p.worker ? n(p.worker.peakRssMb, 0) : dash,
      p.server ? n(p.server.cpuSeconds) : dash,
      p.emulator ? n(p.emulator.cpuSeconds) : dash,
      n(p.bench.cpuSeconds),
      `${n(p.machine.busyCores)} (${n(p.machine.otherCores)})`,
      String(p.failed),
    ]),
  );
}

function callsTable(p: ThroughputResult): string {
  if (!p.calls) return '';
  const rows = Object.entries(p.calls.byRoute)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, c]) => [`\`${route}\``, n(c.perLoan), n(c.minimum), c.minimum > 0 ? n(c.perLoan / c.minimum) : dash]);
  rows.push(['**total**', n(p.calls.perLoan), n(p.calls.minimumPerLoan), n(p.calls.ratio)]);
  const split = p.calls.edgePerLoan === null ? '' : ` (worker ${n(p.calls.workerPerLoan)}, HTTP edge ${n(p.calls.edgePerLoan)})`;
  return `Defacto calls per loan, ${p.phase}${split}; ${p.calls.errors} error responses:\n\n${table(['route', 'per loan', 'minimum', 'ratio'], rows)}`;
}

function historyLine(label: string, h: NonNullable<ThroughputResult['history']>): string {
  const kinds = Object.entries(h.meanByKind).map(([k, v]) => `${k} ${n(v, 1)}`).join(', ');
  return `${label}: mean ${n(h.mean, 1)}, max ${h.max}, minimum ${n(h.minimum, 0)}, ratio ${n(h.ratio)} (mean per kind: ${kinds})`;
}

function actionsLine(p: ThroughputResult): string {
  const h = p.history;
  const parts: string[] = [];
  if (h) {
    const kinds = Object.entries(h.actions.meanByKind).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${n(v)}`).join(', ');
    parts.push(`from the histories ${n(h.actions.mean)} per loan, minimum ${n(h.actions.minimum, 0)}, ratio ${n(h.actions.ratio)} (${kinds})`);
  }
  if (p.serverActions) {
    const types = Object.entries(p.serverActions.byTypePerLoan).map(([k, v]) => `${k} ${n(v)}`).join(', ');
    parts.push(`server \`action\` metric ${n(p.serverActions.perLoan)} per loan (${types})`);
  }
  return parts.length > 0 ? `Billable actions, ${p.phase}: ${parts.join('; ')}` : '';
}

/** Renders the whole report. */
export function renderMarkdown(report: BenchReport): string {
  const o = report.options;
  const m = report.machine;
  const out: string[] = [];
  out.push(`## Loan lifecycle benchmark — ${report.startedAt}`);
  out.push(
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGb} GB, ${m.os}, Node ${m.node}, ${m.temporalCli.split('\n')[0] ?? ''}.`
    + ` Busy cores before the run: ${n(m.busyCoresBeforeRun)}.`
    + `\nRun: ${o.loans > 0 ? `${o.loans} loans per phase (${o.phases.join(', ')})${o.rounds > 1 ? ` × ${o.rounds} interleaved rounds` : ''}, warm-up ${o.warmup}` : 'parked run only'},`
    + ` ${o.parked > 0 ? `${o.parked} parked loans, ` : ''}concurrency ${o.concurrency}, webhooks ${o.webhooks ? `on (${o.webhookEvents} events)` : 'off'},`
    + ` scenarios ${o.scenarios}, dev server ${o.db === 'memory' ? 'SQLite in memory' : 'SQLite file (WAL)'} (${o.server} profile), ${o.workers} worker process(es),`
    + ` ${describeTuning(o.tuning)}, bundle ${o.prebuiltBundle ? 'prebuilt once' : 'built per worker'}; ${report.durationS} s in all.`,
  );
  const phases = (['lifecycle', 'plaintext', 'observed', 'metrics-only', 'tracing-only', 'baseline', 'null', 'direct'] as const).flatMap((k) => (report.phases[k] ? [report.phases[k]] : []));
  if (phases.length > 0) {
    out.push('### Throughput (same loans, same concurrency)');
    out.push(throughputTable(phases));
    for (const p of phases) if (p.calls && (p.phase === 'lifecycle' || p.phase === 'baseline')) out.push(callsTable(p));
    for (const p of phases) if (p.history) out.push(historyLine(`History events per workflow, ${p.phase}`, p.history));
    for (const p of phases) if (p.history || p.serverActions) out.push(actionsLine(p));
    const lifecycle = report.phases.lifecycle;
    if (lifecycle?.emulator) {
      out.push(`Emulator during the lifecycle run: ${lifecycle.emulator.requests} requests, ${n(lifecycle.emulator.requestsPerSecond, 1)} req/s, `
        + `${n(lifecycle.emulator.cpuSeconds)} CPU s → headroom ${n(lifecycle.emulator.headroom, 1)}× (window seconds ÷ emulator CPU seconds).`);
    }
    if (report.perRound.length > 1) {
      const ran = phases.map((p) => p.phase);
      out.push(`Per round (loans/s ${ran.join(' / ')}${report.phases.null ? ' → lifecycle ÷ null' : ''}): ${report.perRound
        .map((r) => `${ran.map((phase) => n(r.loansPerSecond[phase])).join(' / ')}${report.phases.null ? ` → ${n(r.vsNullLoan)}` : ''}`)
        .join('; ')}.`);
    }
    for (const p of phases) if (p.failureExamples.length > 0) out.push(`Failures (${p.phase}): ${p.failureExamples.join(' / ')}`);
  }
  const parked = report.parked;
  if (parked) {
    out.push('### Parked loans');
    out.push(table(['measure', 'value'], [
      ['loans parked in TO_REPAY', `${parked.parked}/${parked.loans} (in ${n(parked.parkSeconds, 1)} s)`],
      ['worker RSS before → parked (peak)', `${n(parked.worker.rssBeforeMb, 1)} → ${n(parked.worker.rssParkedMb, 1)} MB (${n(parked.worker.peakRssMb, 1)} MB)`],
      ['worker RSS per open loan', `${n(parked.worker.rssPerOpenLoanKb, 1)} KB (cache ${parked.worker.cacheSize})`],
      ['server RSS while parked', `${n(parked.server.rssParkedMb, 1)} MB`],
      ['history per parked loan', `${n(parked.historyWhileParked.mean, 1)} (max ${parked.historyWhileParked.max}, minimum ${parked.historyWhileParked.minimum}, ratio ${n(parked.historyWhileParked.ratio)})`],
      ['all repaid after the clock advance', `${n(parked.finish.seconds, 1)} s (${n(parked.finish.loansPerSecond, 1)} loans/s; p50 ${n(parked.finish.latencyMs.p50, 0)} ms, p99 ${n(parked.finish.latencyMs.p99, 0)} ms)`],
      ['outcomes', Object.entries(parked.finish.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')],
      ['history per loan at the end', `${n(parked.historyAtEnd.mean, 1)} (max ${parked.historyAtEnd.max}, minimum ${parked.historyAtEnd.minimum}, ratio ${n(parked.historyAtEnd.ratio)})`],
      ['Defacto calls per loan', `${n(parked.calls.perLoan)} (minimum ${n(parked.calls.minimumPerLoan)}, ratio ${n(parked.calls.ratio)}; HTTP edge ${n(parked.calls.edgePerLoan)})`],
      ['worker CPU from advance to all closed', `${n(parked.finish.workerCpuSeconds)} s (other processes meanwhile: ${n(parked.finish.otherCores)} cores)`],
    ]));
  }
  out.push('### Ratios and targets');
  out.push(table(['measure', 'target', 'value', 'met'], [
    ...report.targets.map((t) => [t.name, t.target, n(t.value), t.met === null ? dash : t.met ? 'yes' : 'no']),
    ['emulator request headroom (req/s capacity without webhooks ÷ req/s seen)', '(reported)', n(report.ratios.emulatorRequestHeadroom, 1), dash],
    ['loans/s ÷ direct loans/s', '(reported)', n(report.ratios.vsDirect), dash],
    ['loans/s with worker metrics only ÷ off', '(reported)', n(report.ratios.metricsOnlyVsLifecycle), dash],
    ['loans/s with tracing only ÷ off', '(reported)', n(report.ratios.tracingOnlyVsLifecycle), dash],
  ]));
  if (report.perRound.some((r) => r.observedVsLifecycle !== null)) {
    out.push(`Observability overhead per round (observed ÷ lifecycle loans/s): ${report.perRound.map((r) => n(r.observedVsLifecycle)).join(', ')}`);
  }
  if (report.perRound.some((r) => r.codecVsPlaintext !== null)) {
    out.push(`Payload codec overhead per round (lifecycle ÷ plaintext loans/s): ${report.perRound.map((r) => n(r.codecVsPlaintext)).join(', ')}`);
  }
  return `${out.join('\n\n')}\n`;
}

/** The chaos report as terminal text. */
export function renderChaosReport(report: ChaosReport): string {
  const { faultFree: a, faults: b } = report.phases;
  const c = report.chaos;
  const spread = (values: readonly number[]) => {
    if (values.length === 0) return '-';
    const sorted = [...values].sort((x, y) => x - y);
    return sorted.length === 1 ? String(sorted[0]) : `${sorted[0]}–${sorted.at(-1)}, median ${sorted[Math.floor(sorted.length / 2)]}`;
  };
  const phase = (name: string, p: PhaseReport) =>
    `  ${name.padEnd(14)} ${String(p.loans).padStart(4)} loans in ${p.elapsedS.toFixed(1).padStart(6)} s → ${p.throughputPerMin.toFixed(1).padStart(6)} loans/min`
    + ` (latency p50 ${p.latencyS.p50} s, p95 ${p.latencyS.p95} s, max ${p.latencyS.max} s)`;
  const target = report.options.cluster ? 'its own cluster (PostgreSQL, four services, TLS)' : report.options.temporal ? `the Temporal at ${report.options.temporal}` : 'a dev server';
  const lines = [
    `Chaos report — ${report.options.loans} loans, seed ${report.options.seed}, concurrency ${report.options.concurrency}, ${report.options.workers} worker process(es), on ${target}, ${report.durationS} s in all`,
    phase('without faults', a),
    phase('under faults', b),
    `  throughput under faults ÷ without faults: ${report.throughputRatio.toFixed(2)}`,
    `  faults: ${report.faultMix}`,
    `    ${report.faults.requests} Defacto requests in the fault phase, ${report.faults.failedRequests} answered with an error or cut;`
      + ` ${report.faults.webhookDeliveries} webhook deliveries over the run in ${report.faults.webhookAttempts} attempts (${report.faults.webhooksFailed} given up${report.faults.webhooksFailed > 0 ? `, last answer ${report.faults.webhooksFailedStatuses.join('/')}` : ''}, ${report.faults.webhooksPending} pending);`
      + ` ${report.faults.edgeRetries} back-office calls retried by the harness`,
    `  chaos: ${c.workerKills} worker SIGKILLs (loans in flight: ${spread(c.inFlightAtKill)}), ${c.workerStarts} worker starts,`
      + ` ${c.unexpectedWorkerExits} unexpected worker exits; ${c.serverRestarts} Temporal fault(s) (serving again after ${c.serverDowntimeS.join(', ') || '-'} s,`
      + ` ${c.inFlightAtServerRestart.join(', ') || '-'} loans in flight); ${c.edgeRestarts} HTTP edge restart(s) (down ${c.edgeDowntimeS.join(', ') || '-'} s,`
      + ` ${c.inFlightAtEdgeRestart.join(', ') || '-'} loans in flight); ${c.clockAdvances} emulator clock advances of 25 h`,
    ...c.timeline.filter((line) => !line.includes('SIGKILL worker')).map((line) => `    ${line}`),
    ...(c.reconciliation === null ? [] : [
      `  terminations: ${c.terminations.length} loan workflows terminated mid-flight; reconciliation found ${c.reconciliation.firstRun.orphans} orphans`
        + ` among ${c.reconciliation.firstRun.loansChecked} open loans, adopted ${c.reconciliation.firstRun.adoptionsStarted}`
        + ` (every adoption at its outcome ${c.reconciliation.adoptionS.toFixed(1)} s after the run began); a second run found ${c.reconciliation.secondRun.orphans} orphans`,
      ...c.terminations.map((t) => `    ${t.workflowId}: loan ${t.loanId} ${t.loanStatus} when terminated, ${t.defactoStatusAtReconciliation ?? '?'} at reconciliation`
        + ` → ${t.adoptedBy ? `adopted by ${t.adoptedBy}` : 'not adopted'}`),
    ]),
    `  outcomes: ${Object.entries(report.outcomes).map(([kind, s]) => `${kind} ${Object.entries(s).map(([st, n]) => `${st}×${n}`).join('/')}`).join(', ')}`,
    'Invariants',
    ...report.invariants.map((i) => `  ${i.ok ? 'PASS' : 'FAIL'}  ${i.name}: ${i.detail}`),
    `Result: ${report.ok ? 'PASS' : 'FAIL'} (${report.invariants.filter((i) => i.ok).length}/${report.invariants.length} invariants hold)`,
  ];
  if (report.dir) lines.push(`Files kept in ${report.dir}`);
  return lines.join('\n');
}

/** One transition's detection latency. */
export interface DetectionSample { readonly workflowId: string; readonly status: string; readonly latencyMs: number }

/** One mode's figures in the detection report (NaN when nothing was measured). */
export interface DetectionModeFigures {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly finished: number;
  readonly samples: readonly DetectionSample[];
}

/** The detection benchmark's report (what `--json` writes). */
export interface DetectionReport {
  readonly loansPerMode: number;
  readonly pollInitialMs: number;
  readonly elapsedMs: number;
  readonly goal: { readonly p99Ms: number; readonly met: boolean };
  readonly webhooks: DetectionModeFigures;
  readonly polling: DetectionModeFigures;
  readonly ratio: { readonly p50: number; readonly p99: number };
}

/** The detection report as markdown. */
export function renderDetection(report: DetectionReport): string {
  const { webhooks: w, polling: p } = report;
  const ms = (v: number): string => n(Math.round(v), 0);
  const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)}×` : dash);
  return `${[
    `Status-detection latency (emulator transition → workflow LoanStatus), ${report.loansPerMode} loans per mode, poll ${report.pollInitialMs} ms initial`,
    table(['mode', 'loans finished', 'transitions', 'p50 (ms)', 'p99 (ms)', 'max (ms)'], [
      ['webhooks', `${w.finished}/${report.loansPerMode}`, String(w.n), ms(w.p50), ms(w.p99), ms(w.max)],
      ['polling only', `${p.finished}/${report.loansPerMode}`, String(p.n), ms(p.p50), ms(p.p99), ms(p.max)],
      ['ratio (polling / webhooks)', '', '', times(report.ratio.p50), times(report.ratio.p99), ''],
    ]),
    `Goal (webhook p99 < ${report.goal.p99Ms} ms and < 1/5 of polling p99): ${report.goal.met ? 'met' : 'NOT met'} · run took ${(report.elapsedMs / 1000).toFixed(1)} s`,
  ].join('\n\n')}\n`;
}
