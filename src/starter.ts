/**
 * Starts loan workflows. `startLoan` (reused by the HTTP edge and the demo) starts one lifecycle under
 * its deterministic workflow ID and refuses a duplicate; `watchLoan` follows its progress. Run directly:
 *
 *   npm run starter -- --input loan.json [--wait]
 *   npm run starter -- --generate [--scenario SUCCESS] [--reference REF] [--auto-validate] [--wait]
 *
 * Exit codes: 0 started (with `--wait`: the loan ended CLOSED), 1 failure or another outcome, 2 bad input
 * (one line naming the fields; nothing started), 3 duplicate.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type WorkflowHandle,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { dataConverter } from './codec/data-converter';
import { searchTag } from './codec/search-tags';
import { loadConfig } from './config';
import { generatedInvoiceNumber, loanWorkflowId } from './domain/ids';
import { FINISHED_STEP, type LoanOutcome, type LoanProgress } from './domain/loan';
import { progressLines, type ProgressLine } from './domain/progress-report';
import { parseLoanRequest, type LoanRequest } from './domain/schemas';
import { progressQuery } from './workflows/messages';
import { loanLifecycleWorkflow } from './workflows';
import {
  BorrowerIdentifierKey, InvoiceNumberKey, LifecycleStepKey,
} from './workflows/search-attributes';
import { runAsMain } from './cli';

/** A second start for a financing whose workflow exists (running, or completed: its loan is settled). */
export class DuplicateLoanError extends Error {
  override readonly name = 'DuplicateLoanError';
  constructor(readonly workflowId: string, readonly existingStatus: string) {
    super(`a loan workflow already exists for this financing: ${workflowId} (${existingStatus}); nothing was started`);
  }
}

/** What `startLoan` needs besides the request. */
export interface StartLoanOptions {
  readonly taskQueue: string;
  /**
   * Key of the search tags (`config.dataProtection.searchTagKey`). With it, `InvoiceNumber` and
   * `BorrowerIdentifier` hold keyed tags of those values (never the values); without it, neither is set.
   */
  readonly searchTagKey?: Buffer | undefined;
}

/** A started lifecycle. */
export interface StartedLoan {
  readonly workflowId: string;
  readonly runId: string;
  /** The request as started (with the generated `requestReference`, if one was needed). */
  readonly request: LoanRequest;
  readonly handle: WorkflowHandle<typeof loanLifecycleWorkflow>;
}

/** Gives a generated-invoice request without a reference a fresh one (its identity for idempotency). */
export function withRequestReference(request: LoanRequest): LoanRequest {
  if (request.requestReference || request.invoice.generate !== true) return request;
  return { ...request, requestReference: `demo-${randomUUID().slice(0, 8)}` };
}

/**
 * Starts `loanLifecycleWorkflow` under `loan-…` (derived from the invoice number or the request
 * reference). A running workflow, or a completed one, with that ID refuses the start (a failed one may
 * be restarted: its `salt_id` then finds the same loan).
 * @throws DuplicateLoanError
 */
export async function startLoan(client: Client, request: LoanRequest, options: StartLoanOptions): Promise<StartedLoan> {
  const started = withRequestReference(request);
  const workflowId = loanWorkflowId(started);
  const invoiceNumber = started.invoice.generate ? generatedInvoiceNumber(workflowId) : started.invoice.invoice_number;
  const searchAttributes: SearchAttributePair[] = [{ key: LifecycleStepKey, value: 'BORROWER_REGISTERED' }];
  const tagKey = options.searchTagKey;
  if (tagKey) {
    searchAttributes.push({ key: InvoiceNumberKey, value: searchTag(tagKey, 'invoice', invoiceNumber) });
    if (!started.borrower.generate) {
      searchAttributes.push({ key: BorrowerIdentifierKey, value: searchTag(tagKey, 'borrower', started.borrower.identifier) });
    }
  }
  try {
    const handle = await client.workflow.start(loanLifecycleWorkflow, {
      taskQueue: options.taskQueue,
      workflowId,
      args: [started],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: searchAttributes,
      staticSummary: `Loan for invoice ${invoiceNumber}`,
    });
    return { workflowId, runId: handle.firstExecutionRunId, request: started, handle };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const existing = await client.workflow.getHandle(workflowId).describe().then((d) => d.status.name, () => 'unknown status');
    throw new DuplicateLoanError(workflowId, existing);
  }
}

/** The Web UI page of a workflow. */
export function webUiUrl(uiBase: string, namespace: string, workflowId: string): string {
  return `${uiBase.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/**
 * Follows a lifecycle: calls `onLine` for each step as it completes (querying every `intervalMs`),
 * then returns the outcome. A failed workflow rejects with its `WorkflowFailedError`.
 */
export async function watchLoan(
  handle: WorkflowHandle<typeof loanLifecycleWorkflow>,
  onLine: (line: ProgressLine) => void,
  options: { readonly intervalMs?: number } = {},
): Promise<LoanOutcome> {
  const result = handle.result();
  let settled = false;
  result.then(() => { settled = true; }, () => { settled = true; });
  let previous: LoanProgress | null = null;
  while (!settled) {
    const progress = await handle.query(progressQuery).catch(() => null);
    if (progress) {
      for (const line of progressLines(previous, progress)) onLine(line);
      previous = progress;
      if (progress.currentStep === FINISHED_STEP) break;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, options.intervalMs ?? 250))]);
  }
  const outcome = await result;
  const last = await handle.query(progressQuery).catch(() => null);
  if (last) for (const line of progressLines(previous, last)) onLine(line);
  return outcome;
}

/** Parsed command line of the starter. */
interface StarterArgs {
  input?: string;
  generate: boolean;
  scenario?: string;
  reference?: string;
  autoValidate: boolean;
  wait: boolean;
}

function parseArgs(argv: readonly string[]): StarterArgs {
  const args: StarterArgs = { generate: false, autoValidate: false, wait: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--input') args.input = value();
    else if (arg === '--generate') args.generate = true;
    else if (arg === '--scenario') args.scenario = value();
    else if (arg === '--reference') args.reference = value();
    else if (arg === '--auto-validate') args.autoValidate = true;
    else if (arg === '--wait') args.wait = true;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (!args.input === !args.generate) throw new UsageError('give exactly one of --input FILE or --generate');
  return args;
}

class UsageError extends Error {}

function requestInput(args: StarterArgs): unknown {
  if (args.input) {
    try {
      return JSON.parse(readFileSync(args.input, 'utf8')) as unknown;
    } catch (error) {
      throw new UsageError(`cannot read ${args.input}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    ...(args.reference ? { requestReference: args.reference } : {}),
    borrower: { generate: true },
    invoice: { generate: true, ...(args.scenario ? { scenario: args.scenario } : {}) },
    loan: { autoValidate: args.autoValidate },
  };
}

/** The CLI; returns the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let request: LoanRequest;
  let wait: boolean;
  try {
    const args = parseArgs(argv);
    wait = args.wait;
    const parsed = parseLoanRequest(requestInput(args));
    if (!parsed.ok) {
      process.stderr.write(`${parsed.error.message}\n`);
      return 2;
    }
    request = parsed.value;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`usage error: ${error.message}\n`);
    return 2;
  }
  const config = loadConfig();
  const connection = await Connection.connect(config.temporal.connection);
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    let started: StartedLoan;
    try {
      started = await startLoan(client, request, {
        taskQueue: config.temporal.taskQueue, searchTagKey: config.dataProtection.searchTagKey,
      });
    } catch (error) {
      if (!(error instanceof DuplicateLoanError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 3;
    }
    const ui = config.temporal.uiUrl ?? 'http://localhost:8233';
    process.stdout.write(`started ${started.workflowId}\n${webUiUrl(ui, config.temporal.namespace, started.workflowId)}\n`);
    if (!wait) return 0;
    try {
      const outcome = await watchLoan(started.handle, (line) => process.stdout.write(`  ${line.text}\n`));
      return outcome.status === 'CLOSED' ? 0 : 1;
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      process.stderr.write(`workflow failed: ${error.cause?.message ?? error.message}\n`);
      return 1;
    }
  } finally {
    await connection.close();
  }
}

runAsMain(import.meta.url, () => main());
