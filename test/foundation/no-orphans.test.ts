import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/temporal';

const fixture = fileURLToPath(new URL('./fixtures/hold-dev-server.ts', import.meta.url));

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the fixture in its own node process and resolves with the dev server's process group. */
async function startHolder(mode: 'wait' | 'exit') {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  const pgid = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { pgid: number }).pgid);
    });
    child.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
  });
  return { child, pgid };
}

describe('the dev-server manager leaves no orphan temporal process', () => {
  it.each(['SIGKILL', 'SIGINT', 'SIGTERM'] as const)('when its parent dies of %s', async (signal) => {
    const { child, pgid } = await startHolder('wait');
    expect(groupAlive(pgid)).toBe(true);
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
    await eventually(() => !groupAlive(pgid), { timeoutMs: 10_000, intervalMs: 100 });
  });

  it('when its parent exits normally without stopping it', async () => {
    const { child, pgid } = await startHolder('exit');
    await once(child, 'exit');
    await eventually(() => !groupAlive(pgid), { timeoutMs: 10_000, intervalMs: 100 });
  });
});
