/**
 * `npm run codec-server [-- --port N] [--host ADDRESS]`: the codec server as a process, with the payload
 * keys and the token of the configuration (docs/data-protection.md). Stops on SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { runAsMain } from '../cli';
import { ConfigError, loadConfig } from '../config';
import { rootLogger } from '../logging';
import { BorrowerIdentifierKey, InvoiceNumberKey } from '../workflows/search-attributes';
import { startCodecServer } from './codec-server';
import { searchTag } from './search-tags';

const USAGE = `usage: npm run codec-server [-- --port N] [--host ADDRESS]
       npm run codec-server -- --search-tag invoice|borrower=VALUE

Serves POST /encode and POST /decode (Temporal's codec server protocol) for the Web UI and the CLI.
  --port N        port (default CODEC_SERVER_PORT, else 8089)
  --host ADDRESS  interface (default 127.0.0.1)
  --search-tag KIND=VALUE  print the search-attribute query that finds the loans of an invoice number
                  (invoice=…) or a borrower's company identifier (borrower=…), then exit
  --help          this text

Configuration (environment): CODEC_SERVER_TOKEN (required: callers present it as "Authorization: Bearer …"),
CODEC_SERVER_CORS_ORIGINS (Web UI origins, comma-separated), PAYLOAD_KEYS or PAYLOAD_KEYS_FILE.
Then: temporal workflow show --workflow-id ID --codec-endpoint http://127.0.0.1:8089 --codec-auth "Bearer $CODEC_SERVER_TOKEN"
`;

/** Runs the codec server until SIGINT or SIGTERM; returns the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let values: { port?: string; host?: string; help?: boolean; 'search-tag'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' }, 'search-tag': { type: 'string' } },
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = loadConfig();
  const wanted = values['search-tag'];
  if (wanted !== undefined) {
    const match = /^(invoice|borrower)=(.+)$/.exec(wanted);
    if (!match) {
      process.stderr.write(`--search-tag needs invoice=VALUE or borrower=VALUE\n${USAGE}`);
      return 2;
    }
    const kind = match[1] as 'invoice' | 'borrower';
    const key = kind === 'invoice' ? InvoiceNumberKey.name : BorrowerIdentifierKey.name;
    process.stdout.write(`${key}="${searchTag(config.dataProtection.searchTagKey, kind, match[2]!)}"\n`);
    return 0;
  }
  const port = values.port === undefined ? config.codecServer.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`--port needs a port number\n${USAGE}`);
    return 2;
  }
  if (!config.codecServer.token) throw new ConfigError('CODEC_SERVER_TOKEN is not set: the codec server refuses to run without a token');
  const log = rootLogger(config.logLevel).child({ component: 'codec-server' });
  const server = await startCodecServer({
    keyring: config.dataProtection.keyring,
    token: config.codecServer.token,
    corsOrigins: config.codecServer.corsOrigins,
    host: values.host ?? '127.0.0.1',
    port,
    log: (entry) => log.info(entry, 'codec request'),
  });
  log.info(
    { url: server.url, corsOrigins: config.codecServer.corsOrigins, keys: config.dataProtection.keyring.toJSON() },
    'codec server listening',
  );
  process.stdout.write(`codec server listening on ${server.url} (keys: ${config.dataProtection.keyring.keyIds.join(', ')})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}

runAsMain(import.meta.url, () => main());
