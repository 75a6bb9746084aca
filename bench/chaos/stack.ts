/**
 * The system under chaos, started from its public entry points: a Temporal dev server persisted to a
 * SQLite file, the Defacto emulator, the HTTP edge (back office + webhook receiver) and the worker in
 * a child process. Each part can be restarted in place (same database file, same ports), and every
 * part's output lands in a log file under the run's temporary directory.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { DefactoClient } from '../../src/defacto';
import { startDevServer, type DevServer } from '../../src/dev-server';
import { buildEmulator, type EmulatorOptions } from '../../src/emulator/app';
import { startHttpEdge, type HttpEdge } from '../../src/http/edge';
import { createLogger, type Logger } from '../../src/logging';
import { installTemporalRuntime } from '../../src/temporal-runtime';
import { loanWorkflowBundle } from '../../src/worker';
import { WorkerSupervisor } from './worker-supervisor';

/** Secrets of a run: fresh random values, so a scan for them has no false positive. */
export interface ChaosSecrets {
  readonly apiKey: string;
  readonly backofficeToken: string;
  readonly webhookToken: string;
}

/** What {@link startStack} needs. */
export interface StackOptions {
  readonly dir: string;
  readonly seed: number;
  readonly timing: EmulatorOptions['timing'];
}

/** The running system. */
export interface ChaosStack {
  readonly secrets: ChaosSecrets;
  readonly taskQueue: string;
  readonly namespace: string;
  readonly client: Client;
  readonly emulatorUrl: string;
  readonly emulator: FastifyInstance;
  readonly supervisor: WorkerSupervisor;
  /** The workflow bundle the workers run (also used to replay the histories). */
  readonly bundleCode: string;
  /** Base URL of the HTTP edge (the port survives restarts). */
  readonly edgeUrl: string;
  /** Every log file written during the run. */
  logFiles(): string[];
  /** Stops and starts the dev server on the same database file and port; returns the downtime in ms. */
  restartServer(): Promise<number>;
  /** Closes and starts the HTTP edge on the same port; returns the downtime in ms. */
  restartEdge(): Promise<number>;
  close(): Promise<void>;
}

const DELAY = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fileLogger(file: string, level: string): Logger {
  return createLogger({ level }, pino.destination({ dest: file, sync: true, mkdir: true }));
}

/** Starts every part; the caller must `close()` it. */
export async function startStack(options: StackOptions): Promise<ChaosStack> {
  const { dir } = options;
  const secrets: ChaosSecrets = {
    apiKey: `chaos-api-key-${randomBytes(12).toString('hex')}`,
    backofficeToken: `chaos-backoffice-${randomBytes(12).toString('hex')}`,
    webhookToken: `chaos-webhook-${randomBytes(12).toString('hex')}`,
  };
  const taskQueue = `chaos-${options.seed}`;
  const harnessLog = join(dir, 'harness.log');
  const edgeLog = join(dir, 'edge.log');
  const workerLog = join(dir, 'worker.log');
  installTemporalRuntime(fileLogger(harnessLog, 'warn'));

  // What is running, newest first: stopped in this order by close(), or if start-up fails half-way.
  const running: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    const failures: unknown[] = [];
    for (const stop of running.splice(0)) await stop().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };

  const dbFilename = join(dir, 'temporal.db');
  let server: DevServer = await startDevServer({ dbFilename });
  running.unshift(() => server.stop());
  try {
    return await startRest();
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }

  async function startRest(): Promise<ChaosStack> {
    const serverLogs = [server.logFile];
    const connection = await Connection.connect({ address: server.address });
    running.unshift(() => connection.close());
    const client = new Client({ connection, namespace: server.namespace });

    const emulator = await buildEmulator({
      ...(options.timing === undefined ? {} : { timing: options.timing }), seed: options.seed, repayment: 'sandbox', logger: false,
    });
    running.unshift(() => emulator.close());
    const emulatorUrl = await emulator.listen({ host: '127.0.0.1', port: 0 });

    const bundle = await loanWorkflowBundle();
    const bundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);

    const edgeLogger = fileLogger(edgeLog, 'info');
    const edgeDefacto = new DefactoClient({ baseUrl: emulatorUrl, apiKey: secrets.apiKey, timeoutMs: 10_000, logger: edgeLogger.child({ component: 'defacto' }) });
    const launchEdge = async (port: number): Promise<HttpEdge> => {
      // The subscription check talks to Defacto, which may be injecting faults: retry for up to a minute.
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await startHttpEdge({
            temporalClient: client, taskQueue, defacto: edgeDefacto, logger: edgeLogger, host: '127.0.0.1', port, subscribe: true,
            config: { backofficeToken: secrets.backofficeToken, webhookToken: secrets.webhookToken },
          });
        } catch (error) {
          if (attempt >= 30) throw error;
          await DELAY(Math.min(2_000, 200 * 2 ** attempt));
        }
      }
    };
    let edge = await launchEdge(0);
    running.unshift(() => edge.close());
    const edgePort = Number(new URL(edge.url).port);

    const supervisor = new WorkerSupervisor({
      emulatorUrl,
      bundlePath,
      logFile: workerLog,
      env: {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: server.namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        DEFACTO_API_KEY: secrets.apiKey,
        LOG_LEVEL: 'info',
      },
    });
    running.unshift(() => supervisor.stop());
    await supervisor.start();

    return {
      secrets,
      taskQueue,
      namespace: server.namespace,
      client,
      emulatorUrl,
      emulator,
      supervisor,
      bundleCode: bundle.code,
      edgeUrl: edge.url,
      logFiles: () => [harnessLog, edgeLog, workerLog, ...serverLogs],
      async restartServer() {
        const down = Date.now();
        await server.stop();
        server = await startDevServer({ dbFilename, port: server.port });
        serverLogs.push(server.logFile);
        return Date.now() - down;
      },
      async restartEdge() {
        const down = Date.now();
        await edge.close();
        edge = await launchEdge(edgePort);
        return Date.now() - down;
      },
      /** Stops every part, even if an earlier one fails to; the first failure is rethrown. */
      close: stopAll,
    };
  }
}
