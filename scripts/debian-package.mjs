// Finds a program that a Debian package provides, installing the package with apt-get when it is
// missing and this process runs as root (as CI does); otherwise fails with one line saying what to
// install. Plain Node with builtins only, shared by the bootstrap (`--prometheus`) and the code that
// starts Prometheus or runs promtool.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Raised when the program is missing and cannot be installed here; the message is one line. */
export class MissingPackageError extends Error {
  name = 'MissingPackageError';
}

/** The absolute path of `binary` on PATH (or in /usr/bin, /usr/sbin), or undefined. */
export function findProgram(binary) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Whether apt-get may be run here: root on a system that has it. */
export function canInstallPackages() {
  return typeof process.getuid === 'function' && process.getuid() === 0 && findProgram('apt-get') !== undefined;
}

function aptGet(args) {
  return spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 600_000,
  });
}

/**
 * Returns the path of `binary`, installing Debian's `pkg` first when it is missing and we run as root.
 * `say` receives one progress line before a (slow) install.
 */
export function ensureDebianProgram(binary, pkg, say = () => undefined) {
  const found = findProgram(binary);
  if (found) return found;
  if (!canInstallPackages()) {
    throw new MissingPackageError(`${binary} is not installed: install Debian's ${pkg} package (sudo apt-get install ${pkg}) and run again`);
  }
  say(`installing Debian's ${pkg} package with apt-get (one time, about a minute)`);
  let result = aptGet(['install', '-y', '-q', '--no-install-recommends', pkg]);
  if (result.status !== 0) {
    // A fresh machine has no package lists yet.
    aptGet(['update', '-q']);
    result = aptGet(['install', '-y', '-q', '--no-install-recommends', pkg]);
  }
  const installed = findProgram(binary);
  if (result.status !== 0 || !installed) {
    const reason = `${result.stderr ?? ''}`.trim().split('\n').slice(-1)[0] ?? `exit ${result.status}`;
    throw new MissingPackageError(`apt-get install ${pkg} failed: ${reason}`);
  }
  return installed;
}
