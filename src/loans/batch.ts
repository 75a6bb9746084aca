/**
 * Batch financing: one loan request per line (JSON Lines, or CSV whose header names dotted fields such
 * as `requestReference,borrower.generate,invoice.generate,invoice.scenario`), read as a stream so a file
 * of any length runs in bounded memory. Each line needs its caller key (`requestReference`): the same key
 * with the same request finds the existing workflow, the same key with another request is refused, so
 * running a file twice starts nothing twice. A bad line is refused with its line number and field; the
 * others proceed. At most `maxInFlight` starts run at once.
 */
import type { Client } from '@temporalio/client';
import { parseLoanRequest, type LoanRequest } from '../domain/schemas';
import { CallerKeyReusedError, startLoanOnce } from './idempotent-start';

/** A refused line. */
export interface RefusedLine {
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

/** The outcome of a batch. */
export interface BatchSummary {
  readonly lines: number;
  readonly started: number;
  /** Same key and same request: the workflow already runs or ran. */
  readonly existing: number;
  readonly refused: readonly RefusedLine[];
}

/** Settings of {@link runBatch}. */
export interface BatchOptions {
  readonly taskQueue: string;
  /** As for single starts (src/loans/start-loan.ts). */
  readonly searchTagKey?: Buffer | undefined;
  readonly format: 'jsonl' | 'csv';
  /** Starts running at once (default 16). */
  readonly maxInFlight?: number;
  /** Called after each line is settled. */
  readonly onProgress?: (done: { readonly lines: number; readonly started: number; readonly existing: number; readonly refused: number }) => void;
  /** Applied to each valid request before it starts (tests shrink poll schedules). */
  readonly adjust?: (request: LoanRequest) => LoanRequest;
}

type Parsed = { ok: true; value: LoanRequest } | { ok: false; refusal: Omit<RefusedLine, 'line'> };

function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { cells.push(cell); cell = ''; } else cell += c;
  }
  cells.push(cell);
  return cells.map((s) => s.trim());
}

/** A CSV row as a nested object: `a.b` headers nest, `true`/`false`/numbers are typed, empty cells are absent. */
function csvObject(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  header.forEach((path, i) => {
    const raw = cells[i];
    if (raw === undefined || raw === '') return;
    const value: unknown = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+(\.\d+)?$/.test(raw) && path !== 'requestReference' ? Number(raw) : raw;
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1) ?? path] = value;
  });
  return out;
}

function parseLine(text: string, format: 'jsonl' | 'csv', header: readonly string[] | null): Parsed {
  let input: unknown;
  if (format === 'jsonl') {
    try {
      input = JSON.parse(text);
    } catch {
      return { ok: false, refusal: { field: '(line)', message: 'not valid JSON' } };
    }
  } else input = csvObject(header ?? [], csvCells(text));
  const parsed = parseLoanRequest(input);
  if (!parsed.ok) {
    const first = parsed.error.issues[0];
    return { ok: false, refusal: { field: first?.path ?? '(request)', message: first?.message ?? parsed.error.message } };
  }
  if (!parsed.value.requestReference) return { ok: false, refusal: { field: 'requestReference', message: 'required in a batch (the caller key of the line)' } };
  return { ok: true, value: parsed.value };
}

/** Starts one loan per line of `lines` (a stream); resolves the summary once every line is settled. */
export async function runBatch(client: Client, lines: AsyncIterable<string>, options: BatchOptions): Promise<BatchSummary> {
  const maxInFlight = Math.max(1, options.maxInFlight ?? 16);
  const refused: RefusedLine[] = [];
  let started = 0;
  let existing = 0;
  let count = 0;
  let header: string[] | null = null;
  const inFlight = new Set<Promise<void>>();
  const progress = (): void => options.onProgress?.({ lines: count, started, existing, refused: refused.length });

  const start = async (lineNo: number, request: LoanRequest): Promise<void> => {
    try {
      const result = await startLoanOnce(client, request, { taskQueue: options.taskQueue, searchTagKey: options.searchTagKey });
      if (result.created) started += 1;
      else existing += 1;
    } catch (error) {
      if (!(error instanceof CallerKeyReusedError)) throw error;
      refused.push({ line: lineNo, field: 'requestReference', message: `already used by ${error.workflowId} for a different request` });
    }
  };

  let lineNo = 0;
  for await (const raw of lines) {
    lineNo += 1;
    const text = raw.trim();
    if (text === '') continue;
    if (options.format === 'csv' && header === null) {
      header = csvCells(text);
      continue;
    }
    count += 1;
    const parsed = parseLine(text, options.format, header);
    if (!parsed.ok) {
      refused.push({ line: lineNo, ...parsed.refusal });
      progress();
      continue;
    }
    const request = options.adjust ? options.adjust(parsed.value) : parsed.value;
    const task: Promise<void> = start(lineNo, request).finally(() => {
      inFlight.delete(task);
      progress();
    });
    inFlight.add(task);
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  refused.sort((a, b) => a.line - b.line);
  return { lines: count, started, existing, refused };
}
