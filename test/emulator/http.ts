/**
 * Small HTTP helpers for the emulator contract tests: a JSON client bound to a base URL and an API key,
 * the first-loan fixtures, and a bounded poll (no sleeps "to wait a bit").
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- untyped answers are asserted on field by field in tests */
import type { ApiBorrower, ApiPostBorrower, GeneratedInvoice, LoanApi, Scenario } from '../../src/defacto/wire';

/** One HTTP answer with its parsed JSON body (or text). */
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON client for one tenant. */
export interface Api {
  readonly url: string;
  get<T = any>(path: string): Promise<Answer<T>>;
  post<T = any>(path: string, body?: unknown): Promise<Answer<T>>;
  patch<T = any>(path: string, body?: unknown): Promise<Answer<T>>;
  delete<T = any>(path: string): Promise<Answer<T>>;
  raw(path: string, init: RequestInit): Promise<Answer>;
}

/** A client sending `Authorization: Bearer <key>` (no header when key is null). */
export function api(url: string, key: string | null = 'tenant-a'): Api {
  const raw = async (path: string, init: RequestInit): Promise<Answer> => {
    const headers = new Headers(init.headers);
    if (key !== null) headers.set('authorization', `Bearer ${key}`);
    const response = await fetch(`${url}${path}`, { ...init, headers });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  };
  const json = (method: string) => (path: string, body?: unknown) =>
    raw(path, body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return {
    url,
    get: (path) => raw(path, { method: 'GET' }),
    post: json('POST'),
    patch: json('PATCH'),
    delete: (path) => raw(path, { method: 'DELETE' }),
    raw,
  };
}

/** Polls `probe` until it returns a defined value, at most `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 5_000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the loan reaches `status` and returns it. */
export function loanReaches(client: Api, loanId: string, status: string, timeoutMs = 5_000): Promise<LoanApi> {
  return eventually(async () => {
    const { body } = await client.get<LoanApi>(`/loan/${loanId}`);
    return body.status === status ? body : undefined;
  }, timeoutMs);
}

/** Enrols a generated, signed borrower and waits until it is READY. */
export async function readyBorrower(client: Api): Promise<{ borrower: ApiBorrower; input: ApiPostBorrower }> {
  const { body: input } = await client.get<ApiPostBorrower>('/sandbox/business-generator');
  const { body: borrower } = await client.post<ApiBorrower>('/borrowers', { ...input, wait_for_ready: true });
  return { borrower, input };
}

/** A generated invoice whose seller is the given borrower. */
export async function invoiceFor(client: Api, seller: ApiPostBorrower, scenario: Scenario = 'SUCCESS'): Promise<GeneratedInvoice> {
  const { body } = await client.post<GeneratedInvoice>('/sandbox/invoice-generator', {
    scenario, seller: { identifier: seller.identifier, identifier_type: 'siren', name: seller.name },
  });
  return body;
}

/** Requests a loan the guide's way (inline invoice, salt_id) and returns the created loan. */
export async function requestGuideLoan(
  client: Api, seller: ApiPostBorrower, options: { scenario?: Scenario; autoValidate?: boolean; saltId?: string; metadata?: Record<string, unknown> } = {},
): Promise<LoanApi> {
  const generated = await invoiceFor(client, seller, options.scenario ?? 'SUCCESS');
  const { status, body } = await client.post<LoanApi>('/loans', {
    invoices: [generated.invoice_creation_payload],
    salt_id: options.saltId ?? `salt-${Math.random().toString(36).slice(2)}`,
    ...(options.autoValidate ? { auto_validate: true } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
  if (status !== 201) throw new Error(`POST /loans answered ${status}: ${JSON.stringify(body)}`);
  return body;
}
