#!/usr/bin/env node
// Idempotent set-up shared by `npm start` and `npm test`: npm dependencies (only when package-lock.json
// changed) and the Temporal CLI (TEMPORAL_CLI_PATH, else `temporal` >= 1.5 on PATH, else built once into
// .tools/bin with `go install`), and with `--prometheus` Debian's prometheus package (for
// `npm start -- --observe` and the alert-rule tests), with `--chromium` (`npm run test:ui`) Debian's Chromium
// (CHROMIUM_PATH, else `chromium` on PATH, else apt-get install when running as root; otherwise one line
// saying what to install; its path recorded in .tools/chromium-path). Plain Node with builtins only: it runs
// before node_modules exists, so it reads process.env itself (the one exception to src/config.ts being the only reader).
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianProgram, MissingPackageError } from './debian-package.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(root, '.tools');
const toolsBin = join(toolsDir, 'bin');
const cliPathFile = join(toolsDir, 'temporal-cli-path');
const lockHashFile = join(root, 'node_modules', '.bootstrap-lock-hash');
const chromiumPathFile = join(toolsDir, 'chromium-path');

const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// Later tags carry a `replace` directive in go.mod, which `go install` refuses.
const TEMPORAL_CLI_VERSION = '1.5.1';
const MIN_CLI_VERSION = [1, 5, 0];
const interactive = Boolean(process.stdout.isTTY) && !process.env.CI;

class BootstrapError extends Error {}

function say(message) {
  process.stdout.write(`[bootstrap] ${message}\n`);
}

function fmtElapsed(ms) {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Runs a long command, showing elapsed time and what it is doing (its latest output line). */
function runWithProgress(label, command, args, options) {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    let lastLine = 'starting';
    const tail = [];
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        const trimmed = line.trim();
        if (!trimmed) continue;
        lastLine = trimmed.length > 90 ? `${trimmed.slice(0, 87)}...` : trimmed;
        tail.push(trimmed);
        if (tail.length > 20) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const render = () => {
      const text = `${label}: ${fmtElapsed(Date.now() - started)} elapsed - ${lastLine}`;
      if (interactive) process.stdout.write(`\r\x1b[2K[bootstrap] ${text}`);
      else say(text);
    };
    const timer = setInterval(render, interactive ? 1000 : 15_000);
    render();
    child.on('error', (error) => {
      clearInterval(timer);
      reject(new BootstrapError(`${label} could not start ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (interactive) process.stdout.write('\n');
      if (code === 0) {
        say(`${label}: done in ${fmtElapsed(Date.now() - started)}`);
        resolvePromise();
      } else {
        const reason = tail.filter((l) => !l.startsWith('go: downloading')).slice(-1)[0] ?? `exit code ${code}`;
        reject(new BootstrapError(`${label} failed (exit ${code}): ${reason}`));
      }
    });
  });
}

async function ensureNodeModules() {
  const lockPath = join(root, 'package-lock.json');
  const hash = createHash('sha256').update(readFileSync(lockPath)).digest('hex');
  const installed = existsSync(lockHashFile) ? readFileSync(lockHashFile, 'utf8').trim() : '';
  if (installed === hash && existsSync(join(root, 'node_modules'))) return;
  say(existsSync(join(root, 'node_modules')) ? 'package-lock.json changed: reinstalling npm dependencies' : 'installing npm dependencies');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await runWithProgress('npm ci', npm, ['ci', '--no-audit', '--no-fund'], { cwd: root });
  } catch {
    // A registry that serves only this platform's optional packages (as some mirrors do) leaves them out of
    // the lock file, and `npm ci` then refuses it as out of sync; `npm install` keeps the locked versions.
    say('npm ci refused the lock file; installing the locked versions with npm install');
    await runWithProgress('npm install', npm, ['install', '--no-audit', '--no-fund'], { cwd: root });
  }
  const installedHash = createHash('sha256').update(readFileSync(lockPath)).digest('hex');
  writeFileSync(lockHashFile, `${installedHash}\n`);
}

/** `temporal --version` → [major, minor, patch], or undefined when it does not run. */
function cliVersion(path) {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (result.error || result.status !== 0) return undefined;
  const match = /version (\d+)\.(\d+)\.(\d+)/.exec(result.stdout);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function atLeast(version, minimum) {
  for (let i = 0; i < minimum.length; i += 1) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i];
  }
  return true;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function ensureTemporalCli() {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    const version = cliVersion(explicit);
    if (!version) {
      throw new BootstrapError(
        `TEMPORAL_CLI_PATH=${explicit} is not a runnable Temporal CLI; point it at a \`temporal\` binary (>= 1.5) or unset it to build one with Go.`,
      );
    }
    return { path: explicit, version };
  }
  const fromPath = onPath('temporal');
  const pathVersion = fromPath ? cliVersion(fromPath) : undefined;
  if (fromPath && pathVersion && atLeast(pathVersion, MIN_CLI_VERSION)) return { path: fromPath, version: pathVersion };

  const built = join(toolsBin, 'temporal');
  const builtVersion = existsSync(built) ? cliVersion(built) : undefined;
  if (builtVersion && atLeast(builtVersion, MIN_CLI_VERSION)) return { path: built, version: builtVersion };

  const go = onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new BootstrapError(
      'the Temporal CLI is not on PATH and Go is not installed to build it; install Go, or set TEMPORAL_CLI_PATH=/path/to/temporal.',
    );
  }
  say(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into .tools/bin (one time, a few minutes)`);
  mkdirSync(toolsBin, { recursive: true });
  const ldflags = `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
  try {
    await runWithProgress('go install temporal', go, ['install', '-ldflags', ldflags, `${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}`], {
      cwd: toolsDir,
      env: { ...process.env, GOBIN: toolsBin, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    });
  } catch (error) {
    throw new BootstrapError(
      `${error.message}. Provide the binary instead: TEMPORAL_CLI_PATH=/path/to/temporal npm test`,
    );
  }
  const version = cliVersion(built);
  if (!version) throw new BootstrapError('the freshly built .tools/bin/temporal does not run; set TEMPORAL_CLI_PATH=/path/to/temporal instead.');
  return { path: built, version };
}

const CHROMIUM_HINT = 'install Debian\'s Chromium (`sudo apt-get install chromium`) or set CHROMIUM_PATH=/path/to/chromium';

function chromiumOnPath() {
  return process.env.CHROMIUM_PATH || onPath('chromium') || onPath('chromium-browser');
}

/** Debian's `chromium` for `npm run test:ui`: found, or installed with apt-get when root. */
async function ensureChromium() {
  const found = chromiumOnPath();
  if (found) {
    if (!existsSync(found)) throw new BootstrapError(`CHROMIUM_PATH=${found} does not exist; ${CHROMIUM_HINT}`);
    return found;
  }
  const aptGet = onPath('apt-get');
  if (process.getuid?.() !== 0 || !aptGet) throw new BootstrapError(`Chromium is missing: ${CHROMIUM_HINT}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => runWithProgress('apt-get install chromium', aptGet, ['install', '-y', '--no-install-recommends', 'chromium'], { env });
  try {
    await install();
  } catch {
    await runWithProgress('apt-get update', aptGet, ['update'], { env });
    await install();
  }
  const installed = chromiumOnPath();
  if (!installed) throw new BootstrapError(`apt-get installed chromium but it is not on PATH; ${CHROMIUM_HINT}`);
  return installed;
}

async function main() {
  const started = Date.now();
  await ensureNodeModules();
  const cli = await ensureTemporalCli();
  mkdirSync(toolsDir, { recursive: true });
  const previous = existsSync(cliPathFile) ? readFileSync(cliPathFile, 'utf8').trim() : '';
  if (previous !== cli.path) writeFileSync(cliPathFile, `${cli.path}\n`);
  let prometheus = '';
  if (process.argv.includes('--prometheus')) {
    try {
      prometheus = `, Prometheus ${ensureDebianProgram('prometheus', 'prometheus', say)}`;
    } catch (error) {
      if (error instanceof MissingPackageError) throw new BootstrapError(error.message);
      throw error;
    }
  }
  let chromium = '';
  if (process.argv.includes('--chromium')) {
    const path = await ensureChromium();
    if (!existsSync(chromiumPathFile) || readFileSync(chromiumPathFile, 'utf8').trim() !== path) writeFileSync(chromiumPathFile, `${path}\n`);
    chromium = `, Chromium ${path}`;
  }
  say(`ready in ${fmtElapsed(Date.now() - started)}: Temporal CLI ${cli.version.join('.')} (${cli.path})${prometheus}${chromium}`);
}

main().catch((error) => {
  const message = error instanceof BootstrapError ? error.message : String(error?.message ?? error);
  process.stderr.write(`[bootstrap] error: ${message}\n`);
  process.exit(1);
});
