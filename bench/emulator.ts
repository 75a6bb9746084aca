/**
 * `npm run bench:emulator`: throughput of the emulator on a mixed first-loan workload.
 * Starts the emulator in its own process (instant timing, no faults), seeds a borrower and a few closed
 * loans, then runs autocannon for ~10 s cycling GET /loan/{id}, GET /payments?loan_id=, POST /loans
 * (fresh salt_id and invoice number each time) and GET /credit_lines; prints a markdown table.
 * Options: `--duration <s>` (default 10), `--connections <n>` (default 32).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface Histogram { average: number; p50: number; p99: number; total?: number }
interface AutocannonResult {
  requests: Histogram; latency: Histogram; duration: number; errors: number; timeouts: number; non2xx: number;
  '2xx': number;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: object, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' } } });
const KEY = 'bench-tenant';
const AUTH = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

async function startEmulatorProcess(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/server.ts', '--port', '0', '--timing', 'instant'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function call<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, { method, headers: AUTH, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}`);
  return (await response.json()) as T;
}

async function seed(url: string) {
  const business = await call<{ identifier: string; name: string }>(url, 'GET', '/sandbox/business-generator');
  await call(url, 'POST', '/borrowers', { ...business, wait_for_ready: true });
  const loanIds: string[] = [];
  let payload: Record<string, unknown> = {};
  for (let i = 0; i < 20; i += 1) {
    const generated = await call<{ invoice_creation_payload: Record<string, unknown> }>(url, 'POST', '/sandbox/invoice-generator', {
      seller: { identifier: business.identifier, name: business.name },
    });
    payload = generated.invoice_creation_payload;
    const loan = await call<{ id: string }>(url, 'POST', '/loans', { invoices: [payload], salt_id: `seed-${i}`, auto_validate: true });
    loanIds.push(loan.id);
  }
  return { identifier: business.identifier, loanIds, invoice: payload };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const emulator = await startEmulatorProcess();
  try {
    const { identifier, loanIds, invoice } = await seed(emulator.url);
    let n = 0;
    const pick = () => loanIds[(n += 1) % loanIds.length]!;
    let fresh = 0;
    const requests: AutocannonRequest[] = [
      { method: 'GET', path: '/loan/x', headers: AUTH, setupRequest: (r) => ({ ...r, path: `/loan/${pick()}` }) },
      { method: 'GET', path: '/payments', headers: AUTH, setupRequest: (r) => ({ ...r, path: `/payments?loan_id=${pick()}` }) },
      {
        method: 'POST', path: '/loans', headers: AUTH,
        setupRequest: (r) => {
          fresh += 1;
          const body = { invoices: [{ ...invoice, invoice_number: `FK-BENCH-${fresh}` }], salt_id: `bench-${fresh}` };
          return { ...r, body: JSON.stringify(body) };
        },
      },
      { method: 'GET', path: `/credit_lines?borrower=${identifier}`, headers: AUTH },
    ];
    const names = ['GET /loan/{loan_id}', 'GET /payments?loan_id=', 'POST /loans', 'GET /credit_lines'];
    const samples: number[][] = names.map(() => []);
    const position = new Map<object, number>();
    const result = await new Promise<AutocannonResult>((resolve, reject) => {
      const instance = autocannon({
        url: emulator.url, connections: Number(values.connections), duration: Number(values.duration), requests,
      }, (error, r) => (error ? reject(error) : resolve(r)));
      // Each connection cycles through `requests` in order, one at a time: its n-th response is request n mod 4.
      instance.on('response', (client, _status, _bytes, ms) => {
        const i = position.get(client) ?? 0;
        position.set(client, i + 1);
        samples[i % names.length]!.push(ms);
      });
    });

    const rows = names.map((name, i) => {
      const sorted = samples[i]!.sort((a, b) => a - b);
      return `| ${name} | ${sorted.length} | ${Math.round(sorted.length / result.duration)} | ${percentile(sorted, 0.5).toFixed(2)} | ${percentile(sorted, 0.99).toFixed(2)} |`;
    });
    const total = samples.reduce((sum, s) => sum + s.length, 0);
    process.stdout.write([
      `Emulator benchmark: ${values.connections} connections, ${result.duration.toFixed(1)} s, mixed first-loan workload`,
      '',
      '| request | count | req/s | p50 ms | p99 ms |',
      '|---|---:|---:|---:|---:|',
      ...rows,
      `| **overall** | ${total} | ${Math.round(result.requests.average)} | ${result.latency.p50.toFixed(2)} | ${result.latency.p99.toFixed(2)} |`,
      '',
      `non-2xx: ${result.non2xx}, errors: ${result.errors}, timeouts: ${result.timeouts}`,
      '',
    ].join('\n'));
  } finally {
    emulator.stop();
  }
}

await main();
