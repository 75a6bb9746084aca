/**
 * One markdown row per JSON report, to compare runs side by side (how bench/results/tuning.md was
 * made): `npx tsx bench/summarize.ts run1.json run2.json …`. Each file's name is the row's label.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dash, n, table } from './lib/render';
import type { BenchReport } from './lib/report-types';
import type { WorkerTuning } from './lib/tuning';

const KNOB_NAMES: Readonly<Record<keyof WorkerTuning, string>> = {
  maxConcurrentWorkflowTaskExecutions: 'wft slots',
  maxConcurrentActivityTaskExecutions: 'activity slots',
  maxCachedWorkflows: 'cache',
  workflowTaskPollers: 'wft pollers',
  activityTaskPollers: 'activity pollers',
};

/** The knobs a run changed from the SDK defaults, e.g. `cache 20, wft slots 20`. */
function changedKnobs(tuning: WorkerTuning, prebuilt: boolean): string {
  const knobs = (Object.keys(KNOB_NAMES) as (keyof WorkerTuning)[])
    .filter((k) => tuning[k] !== undefined)
    .map((k) => `${KNOB_NAMES[k]} ${String(tuning[k])}`);
  if (!prebuilt) knobs.push('bundle per worker');
  return knobs.length > 0 ? knobs.join(', ') : 'SDK defaults';
}

/** The comparison table of `files`. */
export function summarize(files: readonly string[]): string {
  const header = [
    'run', 'server', 'db', 'C', 'webhooks', 'workers', 'tuning', 'null wf/s', 'lifecycle loans/s', 'ratio', 'lifecycle p50/p99 ms',
    'worker CPU ms/loan', 'worker peak RSS MB', 'server CPU ms/loan', 'calls ratio', 'history ratio', 'startup ms',
    'parked KB/loan', 'other cores',
  ];
  const rows = files.map((file) => {
    const r = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
    const l = r.phases.lifecycle;
    const z = r.phases.null;
    const other = [z?.machine?.otherCores, l?.machine?.otherCores].filter((v): v is number => typeof v === 'number');
    return [
      basename(file, '.json'), r.options.server ?? 'default', r.options.db, String(r.options.concurrency),
      r.options.webhooks ? r.options.webhookEvents ?? 'all' : 'off', String(r.options.workers),
      changedKnobs(r.options.tuning, r.options.prebuiltBundle),
      n(z?.loansPerSecond), n(l?.loansPerSecond), n(r.ratios.vsNullLoan),
      l ? `${n(l.latencyMs.p50, 0)}/${n(l.latencyMs.p99, 0)}` : dash,
      n(l?.worker?.cpuMsPerLoan, 1), n(l?.worker?.peakRssMb ?? z?.worker?.peakRssMb, 0), n(l?.server?.cpuMsPerLoan, 1),
      n(r.ratios.callsVsMinimum), n(r.ratios.historyVsMinimum), n(l?.worker?.startupMs ?? z?.worker?.startupMs, 0),
      n(r.parked?.worker.rssPerOpenLoanKb, 0), other.length > 0 ? other.map((v) => n(v)).join('/') : dash,
    ];
  });
  return table(header, rows);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${summarize(process.argv.slice(2))}\n`);
}
