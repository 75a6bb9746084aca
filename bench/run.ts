/**
 * `npm run bench -- --loans N --concurrency C [--webhooks on|off] [--scenarios mixed] [--db memory|file-wal]
 * [--parked N] [--temporal HOST:PORT] [--json out.json]` (every option: bench/lib/options.ts, bench/README.md).
 * Progress on stderr, the markdown report on stdout, the JSON report in the `--json` file.
 */
import { writeFileSync } from 'node:fs';
import { runAsMain } from '../src/cli';
import { runCommand } from '../src/command-line';
import { runBench } from './bench';
import { renderMarkdown } from './lib/render';
import { BENCH_COMMAND, benchOptionsOf } from './lib/options';
import { ProgressBar, silentProgress } from './lib/progress';

runAsMain(import.meta.url, () => runCommand(BENCH_COMMAND, process.argv.slice(2), benchOptionsOf, async ({ quiet, ...options }) => {
  const report = await runBench(options, quiet ? silentProgress : new ProgressBar(process.stderr));
  process.stdout.write(renderMarkdown(report));
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`JSON report written to ${options.json}\n`);
  }
  return 0;
}), { failurePrefix: 'bench failed: ' });
