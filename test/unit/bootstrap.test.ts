import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bootstrap = fileURLToPath(new URL('../../scripts/bootstrap.mjs', import.meta.url));

describe('the bootstrap', () => {
  it('exits non-zero with a one-line explanation when TEMPORAL_CLI_PATH is not a binary', () => {
    const result = spawnSync(process.execPath, [bootstrap], {
      env: { ...process.env, TEMPORAL_CLI_PATH: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/TEMPORAL_CLI_PATH=\/nonexistent/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('installs and builds nothing when nothing changed', () => {
    spawnSync(process.execPath, [bootstrap], { encoding: 'utf8' });
    const result = spawnSync(process.execPath, [bootstrap], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/ready in/);
    expect(result.stdout).not.toMatch(/installing|building/);
  });
});
