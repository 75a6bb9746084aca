/**
 * A real Prometheus (Debian's `prometheus` package) for `npm start -- --observe` and the tests: it
 * scrapes the worker's endpoint (SDK and business metrics), the HTTP edge's `/metrics` and the Temporal
 * server's `--metrics-port`, and loads the project's alert rules (ops/prometheus/alerts.yml). It runs on
 * a free loopback port with its data in a temporary directory, and dies with its parent.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianProgram } from '../../scripts/debian-package.mjs';
import { freePort } from '../dev-server';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The project's alert rules. */
export const ALERT_RULES_FILE = join(projectRoot, 'ops', 'prometheus', 'alerts.yml');

/** What Prometheus scrapes: `host:port` targets per job (the metrics path is `/metrics`). */
export interface ScrapeTargets {
  readonly worker: readonly string[];
  readonly edge: readonly string[];
  readonly temporal: readonly string[];
}

/** Options of {@link startPrometheus}. */
export interface PrometheusOptions {
  readonly targets: ScrapeTargets;
  /** Scrape and rule-evaluation interval in seconds (default 5). */
  readonly intervalS?: number;
  /** Rule files (default: the project's alert rules). */
  readonly ruleFiles?: readonly string[];
  /** One progress line (e.g. before installing the package). */
  readonly say?: (line: string) => void;
}

/** A running Prometheus. `stop()` is idempotent and removes its data. */
export interface RunningPrometheus {
  /** Base URL of its web UI and HTTP API. */
  readonly url: string;
  /** Instant query through the HTTP API (`/api/v1/query`). */
  query(promql: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

/** One series of an instant-query answer. */
export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The Prometheus configuration for `targets` (YAML is a superset of JSON, so JSON is written). */
export function prometheusConfig(targets: ScrapeTargets, ruleFiles: readonly string[], intervalS: number): string {
  const job = (name: string, list: readonly string[]) => ({ job_name: name, static_configs: [{ targets: [...list] }] });
  return JSON.stringify({
    global: { scrape_interval: `${intervalS}s`, evaluation_interval: `${intervalS}s` },
    rule_files: [...ruleFiles],
    scrape_configs: [
      job('defacto-lending-worker', targets.worker),
      job('defacto-lending-edge', targets.edge),
      job('temporal-server', targets.temporal),
    ].filter((j) => j.static_configs[0]?.targets.length),
  }, null, 2);
}

/** Runs Prometheus until `stop()`; resolves once it answers `/-/ready`. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = ensureDebianProgram('prometheus', 'prometheus', options.say);
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(options.targets, options.ruleFiles ?? [ALERT_RULES_FILE], options.intervalS ?? 5));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(binary, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = `${log}${chunk.toString()}`.slice(-4_000);
  });
  let exited = false;
  const exitedPromise = new Promise<void>((done) => child.once('exit', () => {
    exited = true;
    done();
  }));
  // No Prometheus outlives its parent, however the parent ends.
  const onExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`Prometheus exited at start: ${log.trim().split('\n').slice(-3).join(' | ')}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('Prometheus did not become ready within 30 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    stop,
    async query(promql: string): Promise<PromSample[]> {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
      const body = (await response.json()) as {
        status: string; error?: string;
        data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success' || !body.data) throw new Error(`Prometheus query failed: ${body.error ?? response.status}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
  };
}

/** The alert rules file's text (for printing or checks). */
export function alertRules(): string {
  return readFileSync(ALERT_RULES_FILE, 'utf8');
}
