/**
 * `npm run starter`: starts one loan lifecycle (src/loans/start-loan.ts) from a JSON request or a
 * generated one, prints its workflow ID and Web UI page, and with `--wait` follows it to the end; or,
 * with `--batch FILE`, one loan per line of a JSON Lines or CSV file (src/loans/batch.ts).
 *
 * The request reference is the caller key (src/loans/idempotent-start.ts); policy flags
 * (`--require-approval`, `--max-fee-rate`…) set the loan options without hand-written JSON.
 *
 * Exit codes: 0 started or already started by this same request (with `--wait`: the loan ended CLOSED),
 * 1 failure or another outcome, 2 bad arguments or bad input (one line naming the fields; nothing
 * started), 3 the reference was used for a different request. A batch exits 0
 * when no line was refused, else 2.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { CommandError, runAsMain } from './cli';
import { dataConverter } from './codec/data-converter';
import { runCommand, UsageError, type Values } from './command-line';
import { loadConfig } from './config';
import { parseLoanRequest } from './domain/schemas';
import { runBatch } from './loans/batch';
import { CallerKeyReusedError, MissingCallerKeyError, startLoanOnce, type LoanStart } from './loans/idempotent-start';
import { watchLoan, webUiUrl } from './loans/watch-loan';
import type { loanLifecycleWorkflow } from './workflows';

const STARTER_COMMAND = {
  usage: 'npm run starter -- (--input FILE | --generate --reference REF [--scenario NAME]) [policy flags] [--wait]\n'
    + '       npm run starter -- --batch FILE.jsonl|FILE.csv [--max-in-flight N]',
  description: 'Starts one loan lifecycle on TEMPORAL_TASK_QUEUE (a worker must be running: npm run worker).\n'
    + 'The request reference is the caller key: the same reference with the same request finds the loan it\n'
    + 'started (nothing new starts); with another request it is refused. Policy flags override the input.\n'
    + 'Exit codes: 0 started or already started by this request (or CLOSED with --wait), 1 failure,\n'
    + '2 bad arguments or input, 3 reference already used for a different request.',
  options: {
    input: { type: 'string', value: 'FILE', help: 'a loan request as JSON (LoanRequestSchema in src/domain/schemas.ts)' },
    generate: { type: 'boolean', help: 'a generated borrower and invoice instead of --input' },
    scenario: { type: 'string', value: 'NAME', help: 'sandbox scenario of the generated invoice (e.g. SUCCESS)' },
    reference: { type: 'string', value: 'REF', help: 'request reference (caller key; required unless the --input file has requestReference)' },
    'auto-validate': { type: 'boolean', help: 'let Defacto validate the offer instead of waiting for an operator' },
    'require-approval': { type: 'boolean', help: 'policy: every offer waits for an operator decision (approve/reject)' },
    'max-fee-rate': { type: 'string', value: 'PERCENT', help: 'policy: highest fee rate validated without an operator (default 5)' },
    'max-duration-days': { type: 'string', value: 'DAYS', help: 'policy: longest loan validated without an operator (default 120)' },
    'review-hours': { type: 'string', value: 'HOURS', help: 'operator review window before the offer is canceled (default 48)' },
    'duration-days': { type: 'string', value: 'DAYS', help: 'repayment date = disbursement + DAYS (default: the invoice due date)' },
    wait: { type: 'boolean', help: 'follow the loan step by step until it ends (exit 0 when CLOSED)' },
    batch: { type: 'string', value: 'FILE', help: 'one loan request per line (JSON Lines, or CSV with dotted field names in its header), each with its requestReference' },
    'max-in-flight': { type: 'string', value: 'N', help: 'with --batch: starts running at once (default 16)' },
  },
} as const;

type StarterValues = Values<typeof STARTER_COMMAND.options>;

/** The command line, checked: exactly one of `--input` and `--generate`. @throws UsageError */
function starterArgs(values: StarterValues): StarterValues {
  if ([values.input, values.generate === true ? true : undefined, values.batch].filter((v) => v !== undefined).length !== 1) {
    throw new UsageError('give exactly one of --input FILE, --generate or --batch FILE');
  }
  const n = values['max-in-flight'];
  if (n !== undefined && !(Number.isInteger(Number(n)) && Number(n) >= 1)) throw new UsageError('--max-in-flight needs a whole number >= 1');
  return values;
}

function numberFlag(values: StarterValues, name: 'max-fee-rate' | 'max-duration-days' | 'review-hours' | 'duration-days'): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} needs a number`);
  return value;
}

/** The loan options the policy flags set (validated with the request; absent flags leave the input alone). */
function policyFlags(values: StarterValues): Record<string, unknown> {
  const policy: Record<string, unknown> = {};
  if (values['require-approval'] === true) policy.requireOperatorApproval = true;
  const maxFee = numberFlag(values, 'max-fee-rate');
  if (maxFee !== undefined) policy.maxFeeRatePercent = maxFee;
  const maxDays = numberFlag(values, 'max-duration-days');
  if (maxDays !== undefined) policy.maxDurationDays = maxDays;
  const reviewHours = numberFlag(values, 'review-hours');
  const durationDays = numberFlag(values, 'duration-days');
  return {
    ...(values['auto-validate'] === true ? { autoValidate: true } : {}),
    ...(durationDays !== undefined ? { durationDays } : {}),
    ...(Object.keys(policy).length > 0 ? { acceptancePolicy: policy } : {}),
    ...(reviewHours !== undefined ? { deadlines: { conditionsReviewMs: Math.round(reviewHours * 3_600_000) } } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request the command line describes (input file or generated, then the flags), not validated yet. */
function requestInput(values: StarterValues): unknown {
  let input: unknown;
  if (values.input !== undefined) {
    try {
      input = JSON.parse(readFileSync(values.input, 'utf8')) as unknown;
    } catch (error) {
      throw new CommandError(`cannot read ${values.input}: ${error instanceof Error ? error.message : String(error)}`, 2);
    }
  } else {
    input = { borrower: { generate: true }, invoice: { generate: true, ...(values.scenario ? { scenario: values.scenario } : {}) } };
  }
  if (!isRecord(input)) return input;
  const flags = policyFlags(values);
  const loan = isRecord(input.loan) ? input.loan : {};
  const merged: Record<string, unknown> = { ...loan, ...flags };
  for (const key of ['acceptancePolicy', 'deadlines'] as const) {
    if (isRecord(flags[key])) merged[key] = { ...(isRecord(loan[key]) ? loan[key] : {}), ...flags[key] };
  }
  return {
    ...input,
    ...(values.reference ? { requestReference: values.reference } : {}),
    ...(Object.keys(merged).length > 0 || input.loan !== undefined ? { loan: merged } : {}),
  };
}

/** `--batch FILE`: streams the file through {@link runBatch} with a progress bar on stderr; prints the summary. */
async function batchMain(file: string, maxInFlight: number | undefined): Promise<number> {
  let total = 0;
  try {
    for await (const chunk of createReadStream(file)) for (const byte of chunk as Buffer) if (byte === 10) total += 1;
  } catch (error) {
    throw new CommandError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
  const format = file.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
  const dataLines = Math.max(1, format === 'csv' ? total - 1 : total);
  const config = loadConfig();
  const connection = await Connection.connect(config.temporal.connection);
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    const tty = process.stderr.isTTY === true;
    let lastDrawn = 0;
    const summary = await runBatch(client, createInterface({ input: createReadStream(file), crlfDelay: Infinity }), {
      taskQueue: config.temporal.taskQueue, searchTagKey: config.dataProtection.searchTagKey, format,
      ...(maxInFlight ? { maxInFlight } : {}),
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastDrawn < (tty ? 100 : 2_000) && p.lines < dataLines) return;
        lastDrawn = now;
        const width = 30;
        const filled = Math.min(width, Math.round((p.lines / dataLines) * width));
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.lines}/${dataLines}`;
        process.stderr.write(`${tty ? '\r' : ''}${bar}  started ${p.started}, existing ${p.existing}, refused ${p.refused}${tty ? '' : '\n'}`);
      },
    });
    if (tty) process.stderr.write('\n');
    for (const r of summary.refused) process.stdout.write(`refused line ${r.line}: ${r.field}: ${r.message}\n`);
    process.stdout.write(`batch ${file}: ${summary.lines} lines; started ${summary.started}, already running or done ${summary.existing}, refused ${summary.refused.length}\n`);
    return summary.refused.length === 0 ? 0 : 2;
  } finally {
    await connection.close();
  }
}

runAsMain(import.meta.url, () => runCommand(STARTER_COMMAND, process.argv.slice(2), starterArgs, async (values) => {
  if (values.batch !== undefined) return batchMain(values.batch, values['max-in-flight'] === undefined ? undefined : Number(values['max-in-flight']));
  const config = loadConfig();
  const parsed = parseLoanRequest(requestInput(values));
  if (!parsed.ok) throw new CommandError(parsed.error.message, 2);
  if (!parsed.value.requestReference) throw new CommandError(`${new MissingCallerKeyError().message} (give --reference REF)`, 2);
  const connection = await Connection.connect(config.temporal.connection);
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    let start: LoanStart;
    try {
      start = await startLoanOnce(client, parsed.value, {
        taskQueue: config.temporal.taskQueue, searchTagKey: config.dataProtection.searchTagKey,
      });
    } catch (error) {
      if (error instanceof CallerKeyReusedError) throw new CommandError(error.message, 3);
      throw error;
    }
    // A link only to a UI that exists: TEMPORAL_UI_URL, or the local dev server's (`npm run temporal`) when no
    // address points elsewhere; a cluster or Temporal Cloud without TEMPORAL_UI_URL gets none.
    const address = config.temporal.connection.address;
    const ui = config.temporal.uiUrl ?? (address === undefined || /^(localhost|127\.0\.0\.1):7233$/.test(address) ? 'http://localhost:8233' : undefined);
    process.stdout.write(`${start.created ? 'started' : 'already started by this same request:'} ${start.workflowId}\n${ui ? `${webUiUrl(ui, config.temporal.namespace, start.workflowId)}\n` : ''}`);
    if (values.wait !== true) return 0;
    try {
      const outcome = await watchLoan(client.workflow.getHandle<typeof loanLifecycleWorkflow>(start.workflowId), (step) => process.stdout.write(`  ${step.text}\n`));
      return outcome.status === 'CLOSED' ? 0 : 1;
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw new CommandError(`workflow failed: ${error.cause?.message ?? error.message}`, 1);
      throw error;
    }
  } finally {
    await connection.close();
  }
}));
