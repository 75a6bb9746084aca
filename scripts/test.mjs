#!/usr/bin/env node
// `npm test` after the bootstrap: the vitest suite first (so the first test starts within seconds), then
// the typecheck and the lint side by side. Every part runs even when an earlier one failed, so one run
// shows every problem; the exit code is non-zero when any part failed. Extra arguments go to vitest, but
// `--temporal HOST:PORT`: the tests then run on that existing Temporal (TEMPORAL_ADDRESS; namespace and
// TLS from the other TEMPORAL_* variables) and start no dev server.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const resultsFile = join(root, '.cache', 'vitest-results.json');

/** Runs a command; with `capture`, its output is kept and printed in one block at the end. */
function run(label, command, args, { capture = false, env = process.env } = {}) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (capture) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('error', (error) => resolvePromise({ label, ok: false, output: error.message, seconds: 0 }));
    child.on('close', (code) => resolvePromise({ label, ok: code === 0, output, seconds: (Date.now() - started) / 1000 }));
  });
}

async function main() {
  mkdirSync(dirname(resultsFile), { recursive: true });
  rmSync(resultsFile, { force: true });
  const args = process.argv.slice(2);
  const env = { ...process.env };
  const flag = args.findIndex((arg) => arg === '--temporal' || arg.startsWith('--temporal='));
  if (flag >= 0) {
    const inline = args[flag].includes('=');
    const address = inline ? args[flag].slice('--temporal='.length) : args[flag + 1];
    args.splice(flag, inline ? 1 : 2);
    if (!address || address.startsWith('-')) {
      process.stderr.write('[test] --temporal needs HOST:PORT\n');
      process.exitCode = 2;
      return;
    }
    env.TEMPORAL_ADDRESS = address;
    process.stdout.write(`[test] on the existing Temporal at ${address} (no dev server)\n`);
  }
  const vitest = await run('vitest', bin('vitest'), [
    'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...args,
  ], { env });

  process.stdout.write('\n[test] typecheck and lint…\n');
  const checks = await Promise.all([
    run('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { capture: true }),
    run('lint', bin('eslint'), ['--max-warnings', '0', '.'], { capture: true }),
  ]);
  for (const check of checks) {
    process.stdout.write(`[test] ${check.label}: ${check.ok ? 'ok' : 'FAILED'} (${check.seconds.toFixed(1)} s)\n`);
    if (!check.ok) process.stdout.write(`${check.output.trim()}\n`);
  }

  let passed = 0;
  let failed = 0;
  if (existsSync(resultsFile)) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed = results.numPassedTests ?? 0;
    failed = (results.numFailedTests ?? 0) + (results.numRuntimeErrorTestSuites ?? 0);
  }
  if (!vitest.ok && failed === 0) failed = 1; // vitest failed outside any test (collection, setup, unhandled error)
  const checkFailures = checks.filter((check) => !check.ok).length;
  process.stdout.write(`\ntests: ${passed} passed, ${failed + checkFailures} failed\n`);
  process.exitCode = vitest.ok && checkFailures === 0 ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`[test] ${error?.message ?? error}\n`);
  process.exitCode = 1;
});
