/**
 * `npm run chaos -- --loans N --seed S [--json out.json] [--duration-s D] [--temporal HOST:PORT] ...`: runs
 * the chaos experiment, prints progress while it runs and the report at the end. Exit codes: 0 every
 * invariant holds, 1 an invariant is violated (or the run broke), 2 bad command line.
 */
import { writeFileSync } from 'node:fs';
import { runAsMain } from '../../src/cli';
import { runCommand } from '../../src/command-line';
import { CHAOS_COMMAND, chaosOptionsOf } from '../lib/options';
import { runChaos } from './chaos';
import { renderChaosReport } from '../lib/render';

runAsMain(import.meta.url, () => runCommand(CHAOS_COMMAND, process.argv.slice(2), chaosOptionsOf, async (options) => {
  const report = await runChaos(options, { progress: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`\n${renderChaosReport(report)}\n`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`JSON report written to ${options.json}\n`);
  }
  const code = report.ok ? 0 : 1;
  // The Temporal runtime may keep handles open: exit once the report is out.
  setTimeout(() => process.exit(code), 5_000).unref();
  return code;
}), { failurePrefix: 'chaos run failed: ' });
