/**
 * Throwaway TLS material of a local cluster: a CA and a server certificate signed by it (SAN localhost
 * and 127.0.0.1), made once with openssl and reused. A self-signed leaf will not do: the TypeScript SDK
 * (rustls) refuses a CA certificate used as the server's own (`CaUsedAsEndEntity`).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files of the cluster's TLS material. `caFile` is what clients trust. */
export interface ClusterTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The name the certificate is valid for. */
  readonly serverName: string;
}

/** Raised when openssl is missing or fails. */
export class ClusterTlsError extends Error {
  override readonly name = 'ClusterTlsError';
}

function openssl(args: readonly string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new ClusterTlsError(`openssl is needed to make the cluster's certificates: install it (Debian: apt-get install openssl) (${result.error.message})`);
  if (result.status !== 0) throw new ClusterTlsError(`openssl ${args[0]} failed: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`);
}

/** Returns the CA and server certificate in `dir`, making them when absent. */
export function ensureClusterTls(dir: string): ClusterTls {
  const tls: ClusterTls = {
    caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), serverName: 'localhost',
  };
  if (existsSync(tls.caFile) && existsSync(tls.certFile) && existsSync(tls.keyFile)) return tls;
  mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=defacto-temporal-lending local cluster CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(join(dir, 'server.ext'), [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
  ].join('\n'));
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', '825', '-out', 'server.pem', '-extfile', 'server.ext'], dir);
  rmSync(join(dir, 'server.csr'), { force: true });
  rmSync(join(dir, 'server.ext'), { force: true });
  return tls;
}
