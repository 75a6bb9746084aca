/**
 * `npm run replay` against a live server: its own dev server, one loan run to completion, then the
 * script's `main` replays what the visibility query finds, with today's code and with the incompatible
 * fixture.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type ReplayIo } from '../../scripts/replay';
import { DefactoClient } from '../../src/defacto';
import { startDevServer, type DevServer } from '../../src/dev-server';
import { parseLoanRequest } from '../../src/domain/schemas';
import { createLogger } from '../../src/logging';
import { startLoan } from '../../src/loans/start-loan';
import { runWorker } from '../../src/loans/loan-worker';
import { startEmulator, type RunningEmulator } from '../helpers/emulator';
import { dataConverter } from '../../src/codec/data-converter';
import { loadConfig } from '../../src/config';

const testDataConverter = () => dataConverter(loadConfig({}));
import { installTemporalRuntime } from '../../src/temporal-runtime';

// Replaying the incompatible fixtures makes core warn once per history; the tests assert those errors.
installTemporalRuntime(createLogger({ level: 'silent' }));

const INCOMPATIBLE_FIXTURE = fileURLToPath(new URL('./fixtures/incompatible-workflows.ts', import.meta.url));

let server: DevServer;
let emulator: RunningEmulator;
let native: NativeConnection | undefined;
let connection: Connection | undefined;
let workflowId: string;

/** Runs `main` with captured output. */
async function replay(argv: string[], env: ReplayIo['env'] = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (line) => out.push(line), stderr: (line) => err.push(line), env });
  return { code, out, err };
}

beforeAll(async () => {
  server = await startDevServer();
  emulator = await startEmulator({ timing: 'instant' });
  native = await NativeConnection.connect({ address: server.address });
  connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, dataConverter: testDataConverter() });
  const taskQueue = `live-replay-${randomUUID()}`;
  const worker = await runWorker({
    connection: native, namespace: server.namespace, taskQueue, shutdownSignals: [], logger: createLogger({ level: 'silent' }),
    dataConverter: testDataConverter(),
    defacto: new DefactoClient({ baseUrl: emulator.url, apiKey: `tenant-${randomUUID()}` }),
    workerOptions: { shutdownGraceTime: '2s' },
  });
  try {
    const parsed = parseLoanRequest({
      requestReference: `live-replay-${randomUUID().slice(0, 8)}`,
      borrower: { generate: true },
      invoice: { generate: true, scenario: 'SUCCESS' },
      loan: { pollSchedule: { initialMs: 50, maxMs: 200, multiplier: 2, idleCheckMs: 300 } },
    });
    if (!parsed.ok) throw parsed.error;
    const started = await startLoan(client, parsed.value, { taskQueue });
    workflowId = started.workflowId;
    expect((await started.handle.result()).status).toBe('CLOSED');
  } finally {
    await worker.stop();
  }
}, 120_000);

afterAll(async () => {
  await connection?.close();
  await native?.close();
  await emulator?.close();
  await server?.stop();
});

describe('npm run replay against a live server', () => {
  it('replays the workflows the query matches with today\'s code and exits 0 (address and namespace from the Temporal environment)', async () => {
    const { code, out } = await replay(
      ['--query', `WorkflowId = '${workflowId}'`],
      { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace },
    );
    expect(out[0]).toMatch(new RegExp(`^ok +${workflowId} `));
    expect(out.at(-1)).toBe(`replayed 1 workflow(s) in ${server.namespace}: 1 ok, 0 failed`);
    expect(code).toBe(0);
  });

  it('exits 1 and names the DeterminismViolationError when the code to deploy is incompatible', async () => {
    const { code, out } = await replay([
      '--address', server.address, '--namespace', server.namespace,
      '--query', `WorkflowId = '${workflowId}'`, '--workflows', INCOMPATIBLE_FIXTURE,
    ]);
    expect(out[0]).toMatch(new RegExp(`^FAIL +${workflowId} +\\S+ +DeterminismViolationError: `));
    expect(out.at(-1)).toBe(`replayed 1 workflow(s) in ${server.namespace}: 0 ok, 1 failed`);
    expect(code).toBe(1);
  });

  it('exits 3 when the query matches no workflow, since a gate that replayed nothing proves nothing', async () => {
    const { code, err } = await replay([
      '--address', server.address, '--namespace', server.namespace, '--query', "WorkflowId = 'no-such-loan'",
    ]);
    expect(err.join('\n')).toContain('nothing was replayed');
    expect(code).toBe(3);
  });

  it('exits 2 when the server refuses the visibility query', async () => {
    const { code, err } = await replay(['--address', server.address, '--namespace', server.namespace, '--query', 'WorkflowId =']);
    expect(err.join('\n')).toContain('the server refused the query');
    expect(code).toBe(2);
  });

  it('exits 2 on bad arguments, before connecting anywhere', async () => {
    expect((await replay(['--limit', '0'])).code).toBe(2);
    expect((await replay(['--adress', server.address])).code).toBe(2);
    expect((await replay(['--query'])).code).toBe(2);
  });
});
