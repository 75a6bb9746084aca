/**
 * `POST /invoices/upload` (digest §3.12): a PDF sent as multipart becomes a draft invoice (`TO_SUBMIT`,
 * `is_draft`) with what Defacto extracts from it. ASSUMPTION: the emulator "extracts" the lines the
 * sandbox invoice generator prints (number, total, seller, buyer); any other PDF yields a draft with only
 * the document (and the counterparties given in the query as `SIREN-899021021`).
 */
import type { CounterpartyCreation, IdentifierType, InvalidParam } from '../defacto/wire';
import { IdentifierTypeSchema } from '../defacto/wire';
import type { EmulatorContext } from './context';
import { createInvoice } from './invoice-service';
import { validationFailed } from './problems';
import type { InvoiceRecord } from './records';
import type { TenantState } from './store';

/** What the multipart request carried. */
export interface Upload {
  readonly file: Buffer | undefined;
  readonly metadata: string | undefined;
  readonly buyer: string | undefined;
  readonly seller: string | undefined;
}

/** The text shown by a PDF's `(…) Tj` operators, one entry per operator. */
function pdfTextLines(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  return [...source.matchAll(/\(((?:\\.|[^\\)])*)\)\s*Tj/g)].map((m) => m[1]!.replace(/\\([\\()])/g, '$1'));
}

/** Invoice fields found in the printed lines of a sandbox-generated invoice. */
export function extractInvoiceFields(pdf: Buffer): {
  invoiceNumber?: string; totalCents?: number; currency?: 'EUR' | 'GBP'; seller?: CounterpartyCreation; buyer?: CounterpartyCreation;
} {
  const found: ReturnType<typeof extractInvoiceFields> = {};
  for (const line of pdfTextLines(pdf)) {
    const number = /^Invoice (\S+)$/.exec(line);
    if (number) found.invoiceNumber = number[1]!;
    const total = /^Total: (\d+(?:\.\d{1,2})?) (EUR|GBP)\b/.exec(line);
    if (total) { found.totalCents = Math.round(Number(total[1]) * 100); found.currency = total[2] as 'EUR' | 'GBP'; }
    const party = /^(Seller|Buyer): (.*) \((\S+)\)$/.exec(line);
    if (party) {
      const counterparty: CounterpartyCreation = { name: party[2] || null, identifier: party[3]!, identifier_type: 'siren' };
      if (party[1] === 'Seller') found.seller = counterparty; else found.buyer = counterparty;
    }
  }
  return found;
}

/** `SIREN-899021021` → a counterparty by identifier; undefined when malformed. */
function counterpartyOfQuery(value: string): CounterpartyCreation | undefined {
  const match = /^([A-Za-z_]+)-(\S+)$/.exec(value);
  const type = match ? IdentifierTypeSchema.safeParse(match[1]!.toLowerCase()) : undefined;
  return match && type?.success ? { identifier: match[2]!, identifier_type: type.data as IdentifierType } : undefined;
}

/** Checks the upload and creates the draft invoice. */
export function uploadInvoice(ctx: EmulatorContext, tenant: TenantState, upload: Upload): InvoiceRecord {
  const problems: InvalidParam[] = [];
  if (!upload.file || upload.file.length === 0) problems.push({ name: 'file', reason: 'field required' });
  else if (!upload.file.subarray(0, 5).equals(Buffer.from('%PDF-'))) problems.push({ name: 'file', reason: 'expected a PDF document' });
  let metadata: Record<string, unknown> | null = null;
  if (upload.metadata !== undefined && upload.metadata !== '') {
    try {
      const parsed = JSON.parse(upload.metadata) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      metadata = parsed as Record<string, unknown>;
    } catch {
      problems.push({ name: 'metadata', reason: 'expected a JSON object' });
    }
  }
  const buyer = upload.buyer === undefined ? undefined : counterpartyOfQuery(upload.buyer);
  const seller = upload.seller === undefined ? undefined : counterpartyOfQuery(upload.seller);
  if (upload.buyer !== undefined && !buyer) problems.push({ name: 'buyer', reason: 'expected <IDENTIFIER_TYPE>-<identifier>, e.g. SIREN-899021021' });
  if (upload.seller !== undefined && !seller) problems.push({ name: 'seller', reason: 'expected <IDENTIFIER_TYPE>-<identifier>, e.g. SIREN-899021021' });
  if (problems.length > 0 || !upload.file) throw validationFailed('Body', problems);
  const extracted = extractInvoiceFields(upload.file);
  return createInvoice(ctx, tenant, {
    document: upload.file.toString('base64'), is_draft: true, invoice_number: extracted.invoiceNumber ?? null,
    total_amount: extracted.totalCents ?? null, currency: extracted.currency ?? null,
    buyer: buyer ?? extracted.buyer ?? null, seller: seller ?? extracted.seller ?? null, metadata,
  });
}
