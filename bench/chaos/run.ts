/**
 * `npm run chaos -- --loans N --seed S [--json out.json] [--duration-s D] ...`: runs the chaos
 * experiment, prints progress while it runs and the report at the end. Exit codes: 0 every invariant
 * holds, 1 an invariant is violated (or the run broke), 2 bad command line.
 */
import { writeFileSync } from 'node:fs';
import { runChaos } from './chaos';
import { ChaosUsageError, parseChaosArgs } from './options';
import { formatReport } from './report';

async function main(): Promise<number> {
  let options;
  try {
    options = parseChaosArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ChaosUsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const report = await runChaos(options, { progress: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`\n${formatReport(report)}\n`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`JSON report written to ${options.json}\n`);
  }
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
