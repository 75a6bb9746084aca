/**
 * Everything a benchmark run stands on, built by the stack builder (src/stack): Temporal (a fresh dev
 * server, or the existing Temporal of `--temporal`), the emulator in its own process, the workflow bundle
 * built once, the HTTP edge receiving Defacto's webhooks (when on), and worker processes on demand.
 * `close()` stops all of it.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { DefactoClient } from '../../src/defacto';
import { webhookUrl } from '../../src/http/routes/webhooks';
import { ensureWebhookSubscription } from '../../src/http/subscription';
import { createLogger } from '../../src/logging';
import { startStack, type WorkerChildReady } from '../../src/stack';
import { startBaselineStack, type BaselineStack } from './baseline';
import { countingClient, type CallCounts } from './counting-client';
import type { BenchOptions } from './options';
import { temporalServerPid } from './proc';
import { devServerDynamicConfig } from './server-tuning';
import { workerOptionsOf } from './tuning';
import { eventTypesOf } from './webhook-events';
import type { ProgressSink } from './progress';

/** The Temporal phases, each with its worker set-up (bench/lib/options.ts). */
export type TemporalPhaseMode = 'lifecycle' | 'null' | 'observed' | 'metrics-only' | 'tracing-only' | 'plaintext';

/**
 * How each Temporal phase's workers (and its client and edge) run: payload encryption, the workers'
 * Prometheus endpoint (scraped every 5 s), OpenTelemetry spans exported over OTLP.
 */
export const PHASE_PROFILES: Readonly<Record<TemporalPhaseMode, { readonly encryption: boolean; readonly metrics: boolean; readonly tracing: boolean }>> = {
  lifecycle: { encryption: true, metrics: false, tracing: false },
  null: { encryption: true, metrics: false, tracing: false },
  observed: { encryption: true, metrics: true, tracing: true },
  'metrics-only': { encryption: true, metrics: true, tracing: false },
  'tracing-only': { encryption: true, metrics: false, tracing: true },
  plaintext: { encryption: false, metrics: false, tracing: false },
};

/** A worker process of a phase. */
export interface WorkerChild {
  readonly pid: number;
  readonly ready: WorkerChildReady;
  stop(): Promise<void>;
}

/** A running benchmark environment. */
export interface BenchEnvironment {
  readonly runId: string;
  /** Logs of the children, the bundle and (file-wal) the database; removed by `close()` unless asked to keep. */
  readonly workDir: string;
  /** The `temporal` process (not its watchdog shell), for CPU and memory readings; null on an existing Temporal. */
  readonly serverPid: number | null;
  /** The dev server's metrics endpoint (its billable `action` counter); null on an existing Temporal. */
  readonly serverMetricsUrl: string | null;
  readonly client: Client;
  /** The client of a phase: the stack's (payloads encrypted), or one without the payload codec (`plaintext`). */
  clientFor(mode: TemporalPhaseMode): Client;
  readonly emulatorUrl: string;
  readonly emulatorPid: number;
  /** How long building the shared bundle took (prebuilt mode). */
  readonly bundleMs: number | null;
  /** The tenant (API key) of the Temporal phases; its webhooks go to the edge. */
  readonly lifecycleApiKey: string;
  /** The tenant of the direct baseline (no webhook subscription). */
  readonly directApiKey: string;
  /** Defacto calls the edge made, by `resource.method` (undefined when webhooks are off). */
  readonly edgeCalls: CallCounts | undefined;
  /** The calls of the edge serving `mode`'s loans (the plaintext phase has its own edge and tenant). */
  edgeCallsFor(mode: TemporalPhaseMode): CallCounts | undefined;
  /** Starts the run's worker processes on `taskQueue`; resolves once they poll. */
  startWorkers(mode: TemporalPhaseMode, taskQueue: string): Promise<WorkerChild[]>;
  /** Bytes of spans the `observed` workers exported to the run's OTLP receiver so far. */
  otlpBytes(): number;
  /** The baseline commit's edge and client (started at the first call, stopped by close()). */
  baseline(): Promise<BaselineStack>;
  close(options?: { keepWorkDir?: boolean }): Promise<void>;
}

/** Brings the environment up; on failure, whatever was started is stopped again. */
export async function startEnvironment(options: BenchOptions, progress: ProgressSink): Promise<BenchEnvironment> {
  const runId = `${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  const workDir = mkdtempSync(join(tmpdir(), 'loan-bench-'));
  progress.log(options.temporal
    ? `connecting to Temporal at ${options.temporal} and starting the emulator`
    : `starting Temporal (a dev server: ${options.db === 'memory' ? 'SQLite in memory' : 'SQLite file, WAL'}, ${options.server} profile, unless TEMPORAL_ADDRESS is set) and the emulator`);
  const stack = await startStack({
    workDir,
    // Warnings only, on stderr: stdout carries the report.
    logger: createLogger({ level: 'warn' }, process.stderr),
    temporal: {
      address: options.temporal,
      devServer: {
        ...(options.db === 'file-wal' ? { dbFilename: join(workDir, 'temporal.db'), sqliteWal: true } : {}),
        dynamicConfig: devServerDynamicConfig(options.server),
      },
    },
    emulator: { run: 'child', options: { timing: 'instant', repayment: 'sandbox', seed: 1 } },
  });
  // The OTLP/HTTP receiver of the observed phase's spans (started on first use): counts and discards them.
  let receiver: { server: Server; url: string } | undefined;
  let receivedOtlpBytes = 0;
  const otlp = async (): Promise<{ url: string }> => {
    receiver ??= await new Promise<{ server: Server; url: string }>((resolve) => {
      const server = createServer((request, response) => {
        request.on('data', (chunk: Buffer) => (receivedOtlpBytes += chunk.length));
        request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
      });
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/traces` });
      });
    });
    return receiver;
  };
  try {
    const emulator = stack.emulator!;
    const bundleMs = options.prebuiltBundle ? (await stack.workflowBundle()).buildMs : null;
    const lifecycleApiKey = `bench-${runId}-lifecycle`;
    // The plaintext phase's loans are started and signalled without the payload codec, so they have a
    // tenant of their own, whose webhooks go to an edge of their own (started on first use).
    const plaintextApiKey = `bench-${runId}-plaintext`;
    const startEdge = async (apiKey: string, encryption: boolean): Promise<CallCounts> => {
      const calls: CallCounts = new Map();
      const defacto = countingClient(new DefactoClient({ baseUrl: emulator.url, apiKey, retry: 'none' }), calls);
      const edge = await stack.startEdge({
        taskQueue: `bench-${runId}-edge`, defacto, logger: createLogger({ level: 'warn' }, process.stderr),
        temporalClient: stack.clientFor(encryption),
        // The production subscription (the events the workflow acts on) unless a wider set is measured.
        subscribe: options.webhookEvents === 'actionable',
      });
      if (options.webhookEvents !== 'actionable') {
        await ensureWebhookSubscription(defacto, webhookUrl(edge.url, edge.webhookToken), eventTypesOf(options.webhookEvents));
      }
      calls.clear();
      return calls;
    };
    const edgeCalls = options.webhooks ? await startEdge(lifecycleApiKey, true) : undefined;
    let plaintextEdgeCalls: Promise<CallCounts> | undefined;
    let plaintextEdgeCallsNow: CallCounts | undefined;
    const devServer = stack.temporal.devServer;
    let baseline: Promise<BaselineStack> | undefined;
    return {
      runId,
      workDir,
      serverPid: devServer ? temporalServerPid(devServer.pid) : null,
      serverMetricsUrl: devServer?.metricsUrl ?? null,
      client: stack.client,
      clientFor: (mode) => stack.clientFor(PHASE_PROFILES[mode].encryption),
      emulatorUrl: emulator.url,
      emulatorPid: emulator.pid ?? process.pid,
      bundleMs,
      lifecycleApiKey,
      directApiKey: `bench-${runId}-direct`,
      edgeCalls,
      edgeCallsFor: (mode) => (PHASE_PROFILES[mode].encryption ? edgeCalls : plaintextEdgeCallsNow),
      async startWorkers(mode, taskQueue) {
        const profile = PHASE_PROFILES[mode];
        if (!profile.encryption && options.webhooks) {
          plaintextEdgeCallsNow = await (plaintextEdgeCalls ??= startEdge(plaintextApiKey, false));
        }
        const set = await stack.startWorkers({
          taskQueue,
          count: options.workers,
          activities: mode === 'null' ? 'null' : 'defacto',
          defacto: { apiKey: profile.encryption ? lifecycleApiKey : plaintextApiKey },
          bundle: options.prebuiltBundle ? 'prebuilt' : 'per-worker',
          workerOptions: workerOptionsOf(options.tuning),
          // Metrics served and scraped, spans exported over OTLP, payloads encrypted: as the phase says.
          metrics: profile.metrics,
          tracing: profile.tracing ? { otlpUrl: (await otlp()).url } : 'off',
          payloadEncryption: profile.encryption,
        });
        const stopScraping = profile.metrics ? scrapeEvery(5_000, set.metricsAddresses) : () => undefined;
        // Stopping is idempotent: the caller stops them after its phase, close() again on the way out.
        const stop = async (): Promise<void> => {
          stopScraping();
          await set.stop();
        };
        return set.workers.map((w) => ({ pid: w.pid, ready: w.ready!, stop }));
      },
      otlpBytes: () => receivedOtlpBytes,
      baseline() {
        baseline ??= startBaselineStack({
          commit: options.baselineCommit,
          temporalAddress: stack.temporal.address,
          childEnv: stack.temporal.childEnv,
          client: stack.client,
          emulatorUrl: emulator.url,
          apiKey: `bench-${runId}-baseline`,
          webhooks: options.webhooks,
        }, progress);
        return baseline;
      },
      async close(closeOptions = {}) {
        if (baseline) await (await baseline.catch(() => null))?.stop();
        if (receiver) await new Promise((r) => receiver?.server.close(r));
        await stack.stop();
        if (!closeOptions.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stack.stop();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** Fetches every worker's `/metrics` every `ms` (as Prometheus would scrape them); returns the stop function. */
function scrapeEvery(ms: number, addresses: readonly string[]): () => void {
  const timer = setInterval(() => {
    for (const address of addresses) void fetch(`http://${address}/metrics`).then((r) => r.text()).catch(() => undefined);
  }, ms);
  return () => clearInterval(timer);
}
