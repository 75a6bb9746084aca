// `npm run temporal -- <args>`: the Temporal CLI the bootstrap resolved (TEMPORAL_CLI_PATH, else the one
// recorded in .tools/temporal-cli-path: `temporal` on PATH or .tools/bin/temporal), run with <args>; its
// exit code is this command's. Runs the bootstrap first when nothing is resolved yet (a fresh clone).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const recorded = join(root, '.tools', 'temporal-cli-path');

function resolveCli() {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const path = existsSync(recorded) ? readFileSync(recorded, 'utf8').trim() : '';
  return path && existsSync(path) ? path : undefined;
}

let cli = resolveCli();
if (!cli) {
  // Progress on stderr: stdout carries the CLI's own output (e.g. `-o json`).
  const bootstrap = spawnSync(process.execPath, [join(root, 'scripts', 'bootstrap.mjs')], { stdio: ['ignore', 2, 2] });
  if (bootstrap.status !== 0) process.exit(bootstrap.status ?? 1);
  cli = resolveCli();
}
if (!cli) {
  process.stderr.write('no Temporal CLI found: run `npm run bootstrap`, or set TEMPORAL_CLI_PATH=/path/to/temporal\n');
  process.exit(1);
}
const result = spawnSync(cli, process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`could not run ${cli}: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
