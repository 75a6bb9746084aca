/**
 * Every command behaves the same way, run as `npm run <name>` runs it (the `tsx <file>` of package.json):
 * `--help` prints the usage and exits 0; an unknown flag prints the usage and exits 2; a configuration
 * error prints one line, no stack trace, and the process ends at once instead of hanging.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Each case spawns a tsx process that loads a whole entry point: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 90_000 });

const root = resolve(import.meta.dirname, '../..');
/** Each command runs as `node --import tsx FILE`: what `tsx FILE` does, without its relaying parent process. */
const TSX_LOADER = ['--import', 'tsx'];
/** Spawning a command loads TypeScript and the Temporal SDK: seconds on a busy machine. */
const SPAWN_TIMEOUT_MS = 120_000;
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The script file `npm run <name>` hands to tsx. */
function entryOf(name: string): string {
  const file = /(?:^|&&\s*)tsx\s+(\S+)/.exec(scripts[name] ?? '')?.[1];
  if (!file) throw new Error(`package.json has no tsx command for ${name}`);
  return file;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from the first byte on stderr to the exit (null when nothing was written there). */
  readonly exitAfterStderrMs: number | null;
}

/** Runs a command with a clean environment (plus `env`); kills it after `timeoutMs`. */
function run(name: string, args: readonly string[], env: Record<string, string> = {}, timeoutMs = SPAWN_TIMEOUT_MS): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...TSX_LOADER, entryOf(name), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let firstStderrAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      firstStderrAt ??= Date.now();
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr, exitAfterStderrMs: firstStderrAt === undefined ? null : Date.now() - firstStderrAt });
    });
  });
}

const STACK_FRAME = /^\s+at\s/m;
const COMMANDS = ['worker', 'starter', 'emulator', 'server', 'replay', 'histories:record', 'bench', 'chaos', 'bench:detection', 'test:ui'] as const;

describe.concurrent.each(COMMANDS)('npm run %s', { timeout: SPAWN_TIMEOUT_MS }, (name) => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const help = await run(name, ['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^usage: npm run ${name} `));
    expect(help.stdout).toMatch(/^\s+--help\s/m);
    expect(help.stderr).toBe('');
  });

  it('an unknown flag prints one line naming it, then the usage, and exits 2', async () => {
    const bad = await run(name, ['--no-such-flag']);
    expect(bad.code).toBe(2);
    const [first, second] = bad.stderr.split('\n');
    expect(first).toBe("Unknown option '--no-such-flag'");
    expect(second).toMatch(new RegExp(`^usage: npm run ${name} `));
    expect(bad.stderr).not.toMatch(STACK_FRAME);
  });
});

// One at a time: the exit is timed, so the commands should not compete for the CPU.
describe('configuration errors', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it.each([
    ['worker', [], {}, /^DEFACTO_BASE_URL is not set: /],
    ['server', [], {}, /^DEFACTO_BASE_URL is not set: /],
    ['worker', [], { DEFACTO_BASE_URL: 'not a url' }, /^Invalid configuration: DEFACTO_BASE_URL: /],
    ['server', ['--emulator-url', 'http://127.0.0.1:9'], { HTTP_PORT: 'eighty' }, /^Invalid configuration: HTTP_PORT: /],
    ['starter', ['--generate'], { TEMPORAL_TASK_QUEUE: '' }, /^Invalid configuration: TEMPORAL_TASK_QUEUE: /],
    ['replay', [], { LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL: /],
  ] as const)('npm run %s %j with %j prints one line and exits non-zero at once', async (name, args, env, line) => {
    const failed = await run(name, args, env);
    expect(failed.code).not.toBe(0);
    expect(failed.code).not.toBeNull();
    expect(failed.stderr.trimEnd().split('\n'), failed.stderr).toHaveLength(1);
    expect(failed.stderr).toMatch(line);
    expect(failed.stderr).not.toMatch(STACK_FRAME);
    // The Temporal runtime or an open handle must not keep a failed command alive.
    expect(failed.exitAfterStderrMs).not.toBeNull();
    expect(failed.exitAfterStderrMs).toBeLessThan(2_000);
  });
});

describe('expected errors', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('a bad emulator option names the allowed values, with the usage, and exits 2', async () => {
    const bad = await run('emulator', ['--timing', 'slow']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('--timing must be one of realistic, instant (got "slow")');
    expect(bad.stderr).not.toMatch(STACK_FRAME);
  });

  it('the starter refuses --input together with --generate, with the usage, exit 2', async () => {
    const bad = await run('starter', ['--generate', '--input', 'loan.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('give exactly one of --input FILE, --generate or --batch FILE');
    expect(bad.stderr).toContain('usage: npm run starter ');
  });

  it('the starter reports an unreadable input file in one line, exit 2, no stack trace', async () => {
    const bad = await run('starter', ['--input', '/nonexistent/loan.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^cannot read \/nonexistent\/loan\.json: ENOENT/);
  });
});
