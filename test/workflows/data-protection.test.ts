/**
 * Data protection on the real dev server: what Temporal stores, read raw (no codec), holds no plain
 * payload and none of the loans' personal or business values, user metadata and failure details
 * included; search attributes carry tags, never identifiers; key rotation lets loans started under the
 * old key finish; an unknown key fails the workflow task with an error naming the key ID, and the
 * worker keeps running.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataConverter } from '../../src/codec/data-converter';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/codec/encryption-codec';
import { PayloadKeyring } from '../../src/codec/keyring';
import { searchTag } from '../../src/codec/search-tags';
import { DefactoClient } from '../../src/defacto';
import { parseLoanRequest, type LoanRequestInput } from '../../src/domain/schemas';
import { createLogger } from '../../src/logging';
import { startLoan } from '../../src/loans/start-loan';
import { runWorker, type RunningWorker } from '../../src/loans/loan-worker';
import type { loanLifecycleWorkflow } from '../../src/workflows';
import { approveConditionsUpdate, progressQuery } from '../../src/workflows/messages';
import { BorrowerIdentifierKey, InvoiceNumberKey, loanSearchAttributes, LifecycleStepKey } from '../../src/workflows/search-attributes';
import type { RunningEmulator } from '../helpers/emulator';
import { bundleOnce, eventually, testEnv, uniqueTaskQueue, type TestEnv } from '../helpers/temporal';
import { FAST_POLLING, fileEmulator, progressUntil } from './harness';

const quiet = createLogger({ level: 'silent' });
const DAY_MS = 86_400_000;
type Handle = WorkflowHandle<typeof loanLifecycleWorkflow>;

function keyring(active: string, ...ids: string[]): PayloadKeyring {
  return new PayloadKeyring(new Map(ids.map((id) => [id, KEYS[id]!])), active);
}
const KEYS: Record<string, Buffer> = { A: randomBytes(32), B: randomBytes(32), C: randomBytes(32) };
const converterOf = (ring: PayloadKeyring): DataConverter => dataConverter({ dataProtection: { keyring: ring } });

const textOf = (bytes: Uint8Array | null | undefined): string => (bytes ? Buffer.from(bytes).toString('utf8') : '');

/** A payload found in a raw proto message, with where it was. */
interface FoundPayload {
  readonly path: string;
  readonly encoding: string;
  readonly keyId: string;
}

function isPayload(value: unknown): value is temporal.api.common.v1.IPayload {
  return typeof value === 'object' && value !== null && 'metadata' in value && 'data' in value;
}

/** The decoded `details.data` of every local-activity marker in the raw records. */
function localActivityMarkerData(records: unknown[]): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(walk);
    const marker = (value as { markerRecordedEventAttributes?: temporal.api.history.v1.IMarkerRecordedEventAttributes }).markerRecordedEventAttributes;
    const payload = marker?.markerName === 'core_local_activity' ? marker.details?.['data']?.payloads?.[0] : undefined;
    if (payload?.data) found.push(JSON.parse(textOf(payload.data)) as Record<string, unknown>);
    for (const child of Object.values(value)) walk(child);
  };
  walk(records);
  return found;
}

/** Every payload in `message` and every string it holds (bytes as UTF-8), walking the raw proto. */
function inspectRaw(message: unknown): { payloads: FoundPayload[]; haystack: string } {
  const payloads: FoundPayload[] = [];
  const strings: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') strings.push(value);
    else if (value instanceof Uint8Array) strings.push(textOf(value));
    else if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (typeof value === 'object') {
      if (isPayload(value)) {
        payloads.push({ path, encoding: textOf(value.metadata?.['encoding']), keyId: textOf(value.metadata?.[KEY_ID_METADATA]) });
      }
      for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
    }
  };
  walk(message, '');
  return { payloads, haystack: strings.join('\n') };
}

/** The workflow's history and description exactly as the server stores them: no data converter. */
async function rawRecords(env: TestEnv, workflowId: string): Promise<unknown[]> {
  const service = env.client.workflowService;
  const events: unknown[] = [];
  let nextPageToken: Uint8Array | null = null;
  do {
    const page: temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse = await service.getWorkflowExecutionHistory({
      namespace: env.namespace, execution: { workflowId }, nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : null;
  } while (nextPageToken);
  const description = await service.describeWorkflowExecution({ namespace: env.namespace, execution: { workflowId } });
  return [...events, description];
}

/**
 * Payloads Temporal itself writes or reads: search attributes (indexed by the server), the patch markers
 * the SDK core records (a patch ID, nothing else) and the bookkeeping of local-activity markers
 * (`details.data`: sequence number, activity type and ID, attempt, times; the arguments never enter the
 * marker and the result, `details.result`, goes through the codec). None of them pass through a codec.
 */
function mustBeReadableByTemporal(path: string): boolean {
  return /searchAttributes|indexedFields|markerRecordedEventAttributes\.details\.(patch-data|data)\b/.test(path);
}

/** The local-activity marker bookkeeping holds only these fields (nothing of the loan). */
const LOCAL_ACTIVITY_MARKER_FIELDS = ['seq', 'attempt', 'activity_id', 'activity_type', 'complete_time', 'backoff', 'original_schedule_time'];

let emulator: RunningEmulator;
let env: TestEnv;
beforeAll(async () => {
  emulator = await fileEmulator();
  env = await testEnv();
});
afterAll(async () => {
  await emulator.close();
});

interface Rig {
  readonly client: Client;
  readonly taskQueue: string;
  readonly defacto: DefactoClient;
  worker: RunningWorker;
  startWorker(ring: PayloadKeyring): Promise<RunningWorker>;
}

async function rig(ring: PayloadKeyring): Promise<Rig> {
  const defacto = new DefactoClient({ baseUrl: emulator.url, apiKey: `tenant-${randomUUID()}` });
  const taskQueue = uniqueTaskQueue('data-protection');
  const workflowBundle = await bundleOnce();
  const startWorker = (workerRing: PayloadKeyring) => runWorker({
    connection: env.nativeConnection, namespace: env.namespace, taskQueue, defacto, workflowBundle,
    dataConverter: converterOf(workerRing), shutdownSignals: [], logger: quiet,
    workerOptions: { shutdownGraceTime: '2s' },
  });
  const result: Rig = { client: clientWith(ring), taskQueue, defacto, worker: await startWorker(ring), startWorker };
  return result;
}

function clientWith(ring: PayloadKeyring): Client {
  return new Client({ connection: env.client.connection, namespace: env.namespace, dataConverter: converterOf(ring) });
}

async function start(client: Client, taskQueue: string, input: LoanRequestInput, searchTagKey?: Buffer): Promise<Handle> {
  const parsed = parseLoanRequest({
    requestReference: `dp-${randomUUID().slice(0, 12)}`,
    ...input,
    loan: { ...input.loan, pollSchedule: { ...FAST_POLLING, ...input.loan?.pollSchedule } },
  });
  if (!parsed.ok) throw parsed.error;
  return (await startLoan(client, parsed.value, { taskQueue, searchTagKey })).handle;
}

describe('what Temporal stores', () => {
  it('raw histories hold no plain payload and none of the loans\' names, identifiers, invoice numbers or references, user metadata and failure details included', async () => {
    const r = await rig(keyring('A', 'A'));
    const tagKey = randomBytes(32);
    try {
      // A loan that closes, with generated data read back from the workflow afterwards.
      const closed = await start(r.client, r.taskQueue, { borrower: { generate: true }, invoice: { generate: true } }, tagKey);
      expect((await closed.result()).status).toBe('CLOSED');
      const progress = await closed.query(progressQuery);

      // A loan that fails on a Defacto 400: its failure message and details name the invoice and the seller.
      const { iban } = await r.defacto.sandbox.generateIban({ scenario: 'SUCCESS' });
      const issuedAt = new Date().toISOString();
      const dueAt = new Date(Date.now() + 30 * DAY_MS).toISOString();
      const account = { account_number: iban, bank_identifier: 'FK2FACTO' };
      await r.defacto.invoices.create({
        document: 'JVBERi0xLjQK', invoice_number: `OTHER-${randomUUID()}`, issued_at: issuedAt, due_at: dueAt, total_amount: 12_000,
        currency: 'EUR', buyer: { identifier: '552100554', name: 'Buyer' }, seller: { identifier: '732829320', name: 'Other seller' },
        to_account: account, is_draft: false,
      });
      const sellerName = `Maison Privée ${randomUUID().slice(0, 6)}`;
      const buyerName = `Acheteur Confidentiel ${randomUUID().slice(0, 6)}`;
      const invoiceNumber = `INV-SECRET-${randomUUID().slice(0, 8)}`;
      const failed = await start(r.client, r.taskQueue, {
        borrower: { identifier: '843221479', identifierType: 'siren', name: sellerName, country: 'FRA', signedAt: issuedAt },
        invoice: {
          invoice_number: invoiceNumber, issued_at: issuedAt, due_at: dueAt, total_amount: 12_000, currency: 'EUR',
          buyer: { identifier: '552100554', name: buyerName }, seller: { identifier: '843221479', name: sellerName }, to_account: account,
        },
      }, tagKey);
      const failure = await failed.result().then(() => undefined, (e: unknown) => e);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      // Decoded through the codec, the failure still reads in full.
      expect((failure as WorkflowFailedError).cause?.message).toMatch(/POST \/invoices failed with HTTP 400/);

      // Defacto's loan id is not among them: an opaque key, published on purpose as the LoanId search attribute.
      const known = [
        progress.borrower?.identifier, progress.borrower?.name, progress.invoice?.invoiceNumber,
        sellerName, buyerName, invoiceNumber, iban, '843221479', 'POST /invoices failed',
      ].filter((value): value is string => typeof value === 'string' && value.length > 3);
      expect(known.length).toBeGreaterThanOrEqual(7);

      for (const handle of [closed, failed]) {
        const records = await rawRecords(env, handle.workflowId);
        const { payloads, haystack } = inspectRaw(records);
        const encrypted = payloads.filter((p) => !mustBeReadableByTemporal(p.path));
        expect(encrypted.length).toBeGreaterThan(10);
        for (const payload of encrypted) {
          expect(payload, `payload at ${payload.path}`).toMatchObject({ encoding: ENCRYPTED_ENCODING, keyId: 'A' });
        }
        expect(payloads.some((p) => /userMetadata\.summary/.test(p.path) && p.encoding === ENCRYPTED_ENCODING)).toBe(true);
        for (const value of known) expect(haystack, `${handle.workflowId} holds "${value}"`).not.toContain(value);
        expect(haystack).not.toContain('json/plain"');
        // The local-activity bookkeeping Temporal reads in clear holds nothing of the loan.
        for (const data of localActivityMarkerData(records)) expect(LOCAL_ACTIVITY_MARKER_FIELDS).toEqual(expect.arrayContaining(Object.keys(data)));
      }
      const failedEvents = inspectRaw(await rawRecords(env, failed.workflowId));
      expect(failedEvents.payloads.some((p) => /encodedAttributes/.test(p.path) && p.encoding === ENCRYPTED_ENCODING)).toBe(true);
    } finally {
      await r.worker.stop();
    }
  });

  it('search attributes hold lifecycle facts and keyed tags, never a borrower identifier, name or invoice number', async () => {
    const r = await rig(keyring('A', 'A'));
    const tagKey = randomBytes(32);
    try {
      const issuedAt = new Date().toISOString();
      const { iban } = await r.defacto.sandbox.generateIban({ scenario: 'SUCCESS' });
      const identifier = '843221479';
      const invoiceNumber = `INV-SA-${randomUUID().slice(0, 8)}`;
      const handle = await start(r.client, r.taskQueue, {
        borrower: { identifier, identifierType: 'siren', name: 'Seller SAS', country: 'FRA', signedAt: issuedAt },
        invoice: {
          invoice_number: invoiceNumber, issued_at: issuedAt, due_at: new Date(Date.now() + 30 * DAY_MS).toISOString(),
          total_amount: 12_000, currency: 'EUR', buyer: { identifier: '552100554', name: 'Buyer' },
          seller: { identifier, name: 'Seller SAS' }, to_account: { account_number: iban, bank_identifier: 'FK2FACTO' },
        },
      }, tagKey);
      await handle.result().catch(() => undefined);
      const progress = await handle.query(progressQuery);
      const personal = [identifier, invoiceNumber, 'Seller SAS', progress.borrower?.name, progress.borrower?.identifier]
        .filter((v): v is string => typeof v === 'string' && v.length > 0);
      const described = await eventually(async () => {
        const d = await handle.describe();
        if (!d.typedSearchAttributes.get(LifecycleStepKey)) throw new Error('not indexed yet');
        return d;
      });
      const values = loanSearchAttributes.map((key) => String(described.typedSearchAttributes.get(key) ?? ''));
      for (const value of values) for (const p of personal) expect(value).not.toContain(p);
      // The tags let an operator who knows the values find the loan.
      expect(described.typedSearchAttributes.get(InvoiceNumberKey)).toBe(searchTag(tagKey, 'invoice', invoiceNumber));
      expect(described.typedSearchAttributes.get(BorrowerIdentifierKey)).toBe(searchTag(tagKey, 'borrower', identifier));
      // And every upsert in the history agrees.
      const { haystack } = inspectRaw((await rawRecords(env, handle.workflowId)));
      for (const p of personal) expect(haystack).not.toContain(p);
    } finally {
      await r.worker.stop();
    }
  });
});

describe('key rotation', () => {
  it('a loan started under key A finishes after the active key becomes B; both key IDs are in its history', async () => {
    const r = await rig(keyring('A', 'A'));
    const handle = await start(r.client, r.taskQueue, {
      borrower: { generate: true }, invoice: { generate: true },
      loan: { acceptancePolicy: { requireOperatorApproval: true } },
    });
    await progressUntil(handle, (p) => p.awaitingOperator);
    await r.worker.stop();

    // Deploy: every process now holds A and B, B active.
    const rotated = keyring('B', 'A', 'B');
    r.worker = await r.startWorker(rotated);
    try {
      const rotatedHandle: Handle = clientWith(rotated).workflow.getHandle(handle.workflowId);
      await rotatedHandle.executeUpdate(approveConditionsUpdate, { args: [{ reason: 'checked after rotation' }] });
      expect((await rotatedHandle.result()).status).toBe('CLOSED');
      const { payloads } = inspectRaw(await rawRecords(env, handle.workflowId));
      const keyIds = new Set(payloads.filter((p) => p.encoding === ENCRYPTED_ENCODING).map((p) => p.keyId));
      expect([...keyIds].sort()).toEqual(['A', 'B']);
    } finally {
      await r.worker.stop();
    }
  });

  it('a history under a key the worker does not hold fails its workflow task with an error naming the key ID; the worker keeps running', async () => {
    const r = await rig(keyring('B', 'A', 'B'));
    try {
      const handle = await start(clientWith(keyring('C', 'C')), r.taskQueue, { borrower: { generate: true }, invoice: { generate: true } });
      const failure = await eventually(async () => {
        const { events } = await handle.fetchHistory();
        const failedTask = events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes;
        if (!failedTask) throw new Error('no failed workflow task yet');
        return failedTask.failure;
      }, { timeoutMs: 20_000 });
      // The failure is itself encrypted (under the worker's active key); decoded, it names the missing key.
      const [attributes] = await new EncryptionCodec(keyring('B', 'A', 'B')).decode([failure!.encodedAttributes!]);
      const decoded = JSON.parse(Buffer.from(attributes!.data!).toString('utf8')) as { message: string };
      expect(decoded.message).toContain('payload was encrypted with key "C", which is not configured here');
      expect(JSON.stringify(decoded)).not.toContain(KEYS['C']!.toString('base64'));
      expect(r.worker.worker.getState()).toBe('RUNNING');
      // The worker still serves loans it can read.
      const readable = await start(r.client, r.taskQueue, { borrower: { generate: true }, invoice: { generate: true } });
      expect((await readable.result()).status).toBe('CLOSED');
      await handle.terminate('test: undecodable on purpose');
    } finally {
      await r.worker.stop();
    }
  });
});
