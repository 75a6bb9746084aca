/**
 * `npm run bench -- --loans N --concurrency C [--webhooks on|off] [--scenarios mixed] [--db memory|file-wal]
 * [--parked N] [--json out.json]` (every option: bench/lib/options.ts, bench/README.md). Progress on
 * stderr, the markdown report on stdout, the JSON report in the `--json` file.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runBench } from './bench';
import { renderMarkdown } from './lib/markdown';
import { parseCommandLine, USAGE, UsageError } from './lib/options';
import { ProgressBar, silentProgress } from './lib/progress';

/** The CLI; returns the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let options;
  try {
    options = parseCommandLine(argv);
    if (options.loans === 0 && options.parked === 0) throw new UsageError('nothing to run: give --loans N and/or --parked N');
    if (options.parked > 0 && !options.webhooks) throw new UsageError('--parked needs --webhooks on (a Defacto event wakes a parked loan)');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stderr.write(`usage error: ${error.message}\n${USAGE}`);
    return 2;
  }
  const { quiet, ...benchOptions } = options;
  const report = await runBench(benchOptions, quiet ? silentProgress : new ProgressBar(process.stderr));
  process.stdout.write(renderMarkdown(report));
  if (benchOptions.json) {
    writeFileSync(benchOptions.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`JSON report written to ${benchOptions.json}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
