/**
 * Everything a benchmark run stands on: a fresh Temporal dev server, the emulator in its own process,
 * the workflow bundle built once, a Temporal client, the HTTP edge receiving Defacto's webhooks (when
 * on), and worker processes on demand. `close()` stops all of it, in reverse order.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefactoClient } from '../../src/defacto';
import { startDevServer, type DevServer } from '../../src/dev-server';
import { startHttpEdge, type HttpEdge } from '../../src/http/edge';
import { webhookUrl } from '../../src/http/routes/webhooks';
import { ensureWebhookSubscription } from '../../src/http/subscription';
import { createLogger } from '../../src/logging';
import { loanWorkflowBundle } from '../../src/worker';
import type { EmulatorProcessConfig } from '../children/emulator-process';
import type { WorkerProcessConfig, WorkerReady } from '../children/worker-process';
import { startChild, type BenchChild, type ReadyMessage } from './children';
import { countingClient, type CallCounts } from './counting-client';
import type { BenchOptions } from './options';
import { benchPath } from './paths';
import { temporalServerPid } from './proc';
import { devServerDynamicConfig } from './server-tuning';
import { eventTypesOf } from './webhook-events';
import type { ProgressSink } from './progress';

/** The emulator child's ready message. */
type EmulatorReady = ReadyMessage & { readonly url: string };
/** A worker child. */
export type WorkerChild = BenchChild<WorkerReady & ReadyMessage>;

/** A running benchmark environment. */
export interface BenchEnvironment {
  readonly runId: string;
  /** Logs of the children, the bundle and (file-wal) the database; removed by `close()` unless asked to keep. */
  readonly workDir: string;
  readonly server: DevServer;
  /** The `temporal` process (not its watchdog shell), for CPU and memory readings. */
  readonly serverPid: number | null;
  readonly client: Client;
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
  /** Starts `count` worker processes on `taskQueue`; each resolves once polling. */
  startWorkers(mode: WorkerProcessConfig['mode'], taskQueue: string): Promise<WorkerChild[]>;
  close(options?: { keepWorkDir?: boolean }): Promise<void>;
}

const quiet = (): void => undefined;

/** Brings the environment up; on failure, whatever was started is stopped again. */
export async function startEnvironment(options: BenchOptions, progress: ProgressSink): Promise<BenchEnvironment> {
  const runId = `${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  const workDir = mkdtempSync(join(tmpdir(), 'loan-bench-'));
  const cleanups: (() => Promise<void>)[] = [];
  const workers = new Set<WorkerChild>();
  const closeAll = async (): Promise<void> => {
    await Promise.all([...workers].map((w) => w.stop()));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(quiet);
  };
  try {
    progress.log(`starting a dev server (${options.db === 'memory' ? 'SQLite in memory' : 'SQLite file, WAL'}, ${options.server} profile) and the emulator`);
    const [server, emulator] = await Promise.all([
      startDevServer({
        ...(options.db === 'file-wal' ? { dbFilename: join(workDir, 'temporal.db'), sqliteWal: true } : {}),
        dynamicConfig: devServerDynamicConfig(options.server),
      }),
      startChild<EmulatorReady>('emulator', benchPath('children', 'emulator-process.ts'), {
        timing: 'instant', repayment: 'sandbox', seed: 1,
      } satisfies EmulatorProcessConfig, { logDir: workDir }),
    ]);
    cleanups.push(() => server.stop(), () => emulator.stop());

    let bundle: WorkerProcessConfig['bundle'];
    let bundleMs: number | null = null;
    if (options.prebuiltBundle) {
      const started = performance.now();
      const built = await loanWorkflowBundle();
      bundleMs = performance.now() - started;
      bundle = { codePath: join(workDir, 'workflow-bundle.js'), sourceMapPath: join(workDir, 'workflow-bundle.js.map') };
      writeFileSync(bundle.codePath, built.code);
      writeFileSync(bundle.sourceMapPath, built.sourceMap);
    }

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });
    const lifecycleApiKey = `bench-${runId}-lifecycle`;
    const directApiKey = `bench-${runId}-direct`;

    let edgeCalls: CallCounts | undefined;
    if (options.webhooks) {
      edgeCalls = new Map();
      const defacto = countingClient(new DefactoClient({ baseUrl: emulator.ready.url, apiKey: lifecycleApiKey, retry: 'none' }), edgeCalls);
      const webhookToken = randomUUID();
      const edge: HttpEdge = await startHttpEdge({
        temporalClient: client,
        taskQueue: `bench-${runId}-edge`,
        defacto,
        config: { backofficeToken: randomUUID(), webhookToken },
        // Warnings only, on stderr: stdout carries the report.
        logger: createLogger({ level: 'warn' }, process.stderr),
        // The production subscription (every lifecycle event) unless a narrower set is measured.
        subscribe: options.webhookEvents === 'all',
      });
      if (options.webhookEvents !== 'all') {
        await ensureWebhookSubscription(defacto, webhookUrl(edge.url, webhookToken), eventTypesOf(options.webhookEvents));
      }
      cleanups.push(() => edge.close());
      edgeCalls.clear();
    }

    const env: BenchEnvironment = {
      runId,
      workDir,
      server,
      serverPid: temporalServerPid(server.pid),
      client,
      emulatorUrl: emulator.ready.url,
      emulatorPid: emulator.pid,
      bundleMs,
      lifecycleApiKey,
      directApiKey,
      edgeCalls,
      async startWorkers(mode, taskQueue) {
        const config: WorkerProcessConfig = {
          mode,
          address: server.address,
          namespace: server.namespace,
          taskQueue,
          ...(mode === 'lifecycle' ? { emulatorUrl: emulator.ready.url, apiKey: lifecycleApiKey } : {}),
          ...(bundle ? { bundle } : {}),
          tuning: options.tuning,
        };
        const started = await Promise.all(
          Array.from({ length: options.workers }, (_, i) =>
            startChild<WorkerReady & ReadyMessage>(`worker-${taskQueue}-${i}`, benchPath('children', 'worker-process.ts'), config, { logDir: workDir })),
        );
        // Stopping is idempotent: the caller stops them after its phase, close() again on the way out.
        for (const w of started) workers.add(w);
        return started;
      },
      async close(closeOptions = {}) {
        await closeAll();
        if (!closeOptions.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
      },
    };
    return env;
  } catch (error) {
    await closeAll();
    throw error;
  }
}
