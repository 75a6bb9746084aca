/**
 * `npm start [-- --keep]`: the whole stack on this machine, then one loan through Defacto's "first loan"
 * flow, printed step by step. Temporal dev server (with Web UI) → Defacto emulator (realistic but fast
 * timing, sandbox repayment) → loan worker → back-office HTTP edge, subscribed to the emulator's webhooks
 * so the workflow reacts as soon as a status moves → one SUCCESS loan, validated by the workflow's
 * policy so the review step shows. Exit code 0 only if the loan ended CLOSED. `--keep` leaves everything up for
 * exploring; Ctrl-C stops everything cleanly.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { EMULATOR_API_KEY, loadConfig } from '../src/config';
import { DefactoClient } from '../src/defacto';
import { startDevServer, type DevServer } from '../src/dev-server';
import { describeOutcome } from '../src/domain/progress-report';
import { parseLoanRequest, type LoanRequestInput } from '../src/domain/schemas';
import { buildEmulator } from '../src/emulator/app';
import { startHttpEdge, type HttpEdge } from '../src/http/edge';
import { createLogger } from '../src/logging';
import { startLoan, watchLoan, webUiUrl } from '../src/starter';
import { installTemporalRuntime } from '../src/temporal-runtime';
import { runWorker, type RunningWorker } from '../src/worker';

/** The demo loan: generated borrower and SUCCESS invoice, manual validation within the default policy. */
const DEMO_REQUEST: LoanRequestInput = {
  borrower: { generate: true },
  invoice: { generate: true, scenario: 'SUCCESS' },
  loan: {
    autoValidate: false,
    acceptancePolicy: { maxFeeRatePercent: 5, maxDurationDays: 120, requireOperatorApproval: false },
    // Webhooks wake the workflow as soon as a status moves; polling is only the safety net.
    pollSchedule: { initialMs: 2_000, maxMs: 5_000, multiplier: 2, idleCheckMs: 5_000 },
  },
};

/** Emulator steps slow enough to watch, fast enough for a demo under 30 s. */
const DEMO_TIMING = { decisionDelayMs: 800, stepDelayMs: 400 } as const;

const started = Date.now();
const say = (text: string): void => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${seconds}s] ${text}\n`);
};

/** Everything the demo started, stopped in reverse order (each step tolerates a partial start). */
class Stack {
  server?: DevServer;
  emulator?: FastifyInstance;
  nativeConnection?: NativeConnection;
  connection?: Connection;
  worker?: RunningWorker;
  edge?: HttpEdge;
  private stopping?: Promise<void>;

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.edge?.close().catch(() => undefined);
      await this.worker?.stop().catch(() => undefined);
      await this.connection?.close().catch(() => undefined);
      await this.nativeConnection?.close().catch(() => undefined);
      await this.emulator?.close().catch(() => undefined);
      await this.server?.stop().catch(() => undefined);
    })();
    return this.stopping;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const keep = argv.includes('--keep');
  const config = loadConfig();
  // The demo prints its own lines; the SDK and the worker only speak up about problems.
  const logger = createLogger({ level: 'warn' });
  installTemporalRuntime(logger);
  const stack = new Stack();
  // Set once the loan ended: Ctrl-C after that (with --keep) still reports the loan's outcome.
  let loanCode: number | undefined;
  const interrupted = new Promise<number>((resolve) => {
    process.once('SIGINT', () => {
      process.stdout.write('\n');
      say('Ctrl-C: stopping back-office API, worker, emulator and dev server…');
      void stack.stop().then(() => resolve(loanCode ?? 130));
    });
  });

  const run = async (): Promise<number> => {
    say('starting the Temporal dev server (with Web UI)…');
    stack.server = await startDevServer({ ui: true });
    const ui = stack.server.uiUrl ?? config.temporal.uiUrl ?? 'http://localhost:8233';
    say(`Temporal ${stack.server.address}, Web UI ${ui}`);

    stack.emulator = await buildEmulator({ timing: DEMO_TIMING, repayment: 'sandbox' });
    const emulatorUrl = await stack.emulator.listen({ host: '127.0.0.1', port: 0 });
    say(`Defacto emulator ${emulatorUrl} (sandbox repayment)`);

    const defacto = new DefactoClient({ baseUrl: emulatorUrl, apiKey: EMULATOR_API_KEY, timeoutMs: config.defacto.timeoutMs });
    stack.nativeConnection = await NativeConnection.connect({ address: stack.server.address });
    const taskQueue = config.temporal.taskQueue;
    stack.worker = await runWorker({
      connection: stack.nativeConnection, namespace: stack.server.namespace, taskQueue, defacto, logger, shutdownSignals: [],
    });
    say(`worker polling task queue ${taskQueue}`);

    stack.connection = await Connection.connect({ address: stack.server.address });
    const client = new Client({ connection: stack.connection, namespace: stack.server.namespace });
    stack.edge = await startHttpEdge({
      temporalClient: client, taskQueue, defacto, logger,
      config: {
        backofficeToken: config.http.backofficeToken ?? randomBytes(16).toString('hex'),
        webhookToken: randomBytes(16).toString('hex'),
        uiBaseUrl: ui,
      },
    });
    say(`back-office API ${stack.edge.url} (Defacto webhooks ${stack.edge.subscribed ? 'subscribed' : 'off'})`);

    const parsed = parseLoanRequest(DEMO_REQUEST);
    if (!parsed.ok) throw parsed.error;
    const loan = await startLoan(client, parsed.value, { taskQueue });
    const workflowUrl = webUiUrl(ui, stack.server.namespace, loan.workflowId);
    say(`loan workflow ${loan.workflowId} started`);

    let code = 1;
    try {
      const outcome = await watchLoan(loan.handle, (line) => {
        if (line.step !== 'OUTCOME') say(`  ${line.step === 'REVIEW' ? '…' : '✓'} ${line.text}`);
      });
      code = outcome.status === 'CLOSED' ? 0 : 1;
      process.stdout.write('\n');
      say(`summary: ${describeOutcome(outcome)}`);
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      say(`the loan workflow failed: ${error.cause?.message ?? error.message}`);
    }
    say(`follow it in the Web UI: ${workflowUrl}`);
    say(`or list finished loans: temporal workflow list --address ${stack.server.address} --query 'LoanStatus="CLOSED"'`);

    loanCode = code;
    if (keep) {
      say('--keep: everything stays up (Web UI, emulator, worker, back-office API). Ctrl-C stops it all.');
      return interrupted;
    }
    await stack.stop();
    return code;
  };

  try {
    return await Promise.race([run(), interrupted]);
  } catch (error) {
    say(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stack.stop();
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Let pending handles (the SDK runtime, sockets) close on their own; force only if they hang.
    setTimeout(() => process.exit(code), 5_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
