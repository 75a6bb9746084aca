/**
 * Keeps the benchmark harness working: a 20-loan run through the same entry point as `npm run bench`
 * (fresh dev server, emulator and worker processes, HTTP edge, both baselines). Asserts only that every
 * loan closed and that the report is complete; the figures themselves are never asserted.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/bench';
import { DEFAULT_PHASES, defaultOptions } from '../../bench/lib/options';

const LOANS = 20;
const PARKED = 5;

const distribution = { p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number), max: expect.any(Number), mean: expect.any(Number) };
const resource = { cpuSeconds: expect.any(Number), cpuMsPerLoan: expect.any(Number), cores: expect.any(Number), peakRssMb: expect.any(Number) };
const calls = {
  perLoan: expect.any(Number), minimumPerLoan: expect.any(Number), ratio: expect.any(Number), workerPerLoan: expect.any(Number),
  errors: expect.any(Number), byRoute: expect.any(Object),
};
const history = { mean: expect.any(Number), max: expect.any(Number), minimum: expect.any(Number), ratio: expect.any(Number), meanByKind: expect.any(Object) };
const emulator = { requests: expect.any(Number), requestsPerSecond: expect.any(Number), cpuSeconds: expect.any(Number), headroom: expect.any(Number) };
const common = {
  loans: LOANS, failed: 0, outcomes: { CLOSED: LOANS }, durationS: expect.any(Number), loansPerSecond: expect.any(Number),
  latencyMs: distribution, bench: { cpuSeconds: expect.any(Number) }, machine: expect.any(Object),
};

describe('the benchmark harness', () => {
  it('closes every loan of a small run in each phase, parks and repays a few, and reports every measure', async () => {
    const report = await runBench(defaultOptions({ loans: LOANS, concurrency: 4, warmup: 2, parked: PARKED }));

    expect(Object.keys(report.phases).sort()).toEqual([...DEFAULT_PHASES].sort());
    expect(report.phases.lifecycle).toMatchObject({
      ...common, calls: { ...calls, edgePerLoan: expect.any(Number) }, history, emulator,
      worker: { ...resource, processes: 1, startupMs: expect.any(Number) }, server: resource,
    });
    expect(report.phases.null).toMatchObject({ ...common, calls: null, history, emulator: null, worker: { ...resource, processes: 1 }, server: resource });
    expect(report.phases.direct).toMatchObject({ ...common, calls: { ...calls, edgePerLoan: null }, history: null, worker: null, emulator });
    expect(report.perRound).toEqual([expect.objectContaining({ vsNullLoan: expect.any(Number), vsDirect: expect.any(Number) })]);
    expect(report.ratios).toMatchObject({
      vsNullLoan: expect.any(Number), vsDirect: expect.any(Number), callsVsMinimum: expect.any(Number),
      historyVsMinimum: expect.any(Number), emulatorHeadroom: expect.any(Number), emulatorRequestHeadroom: expect.any(Number),
    });
    expect(report.parked).toMatchObject({
      loans: PARKED, parked: PARKED, parkSeconds: expect.any(Number),
      worker: { rssBeforeMb: expect.any(Number), rssParkedMb: expect.any(Number), peakRssMb: expect.any(Number), rssPerOpenLoanKb: expect.any(Number) },
      server: { rssParkedMb: expect.any(Number) },
      historyWhileParked: history, historyAtEnd: history,
      finish: { seconds: expect.any(Number), loansPerSecond: expect.any(Number), latencyMs: distribution, outcomes: { CLOSED: PARKED } },
      calls: { ...calls, edgePerLoan: expect.any(Number) },
    });
    expect(report.ratios.workerRssPerParkedLoanMb).toEqual(expect.any(Number));
    // Every goal is listed, measured or not (a phase this run skipped leaves its value null).
    expect(report.targets.map((t) => t.name)).toEqual(expect.arrayContaining([
      'loans/s ÷ null-loan workflows/s', 'Defacto calls per loan ÷ minimum', 'history events ÷ analytical minimum',
      'billable actions per loan (histories) ÷ baseline commit', 'Temporal server CPU ms per loan ÷ baseline commit',
    ]));
    expect(report.targets.find((t) => t.name === 'Defacto calls per loan ÷ minimum')?.value).toEqual(expect.any(Number));
    expect(report.machine).toMatchObject({ nproc: expect.any(Number), node: process.version, temporalCli: expect.stringContaining('temporal') });
  }, 120_000);
});
