/** The printable copy of the configuration: every key, token and credential replaced. */
import type { AppConfig } from '../config';

const REDACTED = '[redacted]';

/** A copy of the configuration that is safe to print: keys, tokens and TLS material replaced. */
export function redactConfig(config: AppConfig): unknown {
  const { connection } = config.temporal;
  return {
    defacto:
      config.defacto.kind === 'remote'
        ? { ...config.defacto, apiKey: REDACTED }
        : { ...config.defacto, apiKey: REDACTED },
    temporal: {
      ...config.temporal,
      connection: {
        address: connection.address,
        tls: connection.tls ? REDACTED : false,
        apiKey: connection.apiKey ? REDACTED : undefined,
        metadata: connection.metadata ? REDACTED : undefined,
      },
    },
    http: {
      ...config.http,
      backofficeToken: config.http.backofficeToken ? REDACTED : undefined,
      webhookToken: config.http.webhookToken ? REDACTED : undefined,
    },
    dataProtection: {
      payloadEncryption: config.dataProtection.payloadEncryption ? 'on' : 'off',
      keySource: config.dataProtection.keySource,
      activeKeyId: config.dataProtection.keyring.activeKeyId,
      keyIds: config.dataProtection.keyring.keyIds,
      searchTagKey: REDACTED,
    },
    codecServer: { ...config.codecServer, token: config.codecServer.token ? REDACTED : undefined },
    logLevel: config.logLevel,
    observability: {
      workerMetricsAddress: config.observability.workerMetricsAddress,
      // An OTLP URL may carry credentials in its user-info: print only its origin and path.
      tracing: config.observability.tracing.exporter === 'otlp'
        ? { ...config.observability.tracing, url: safeUrl(config.observability.tracing.url) }
        : config.observability.tracing,
    },
    lending: { ...config.lending, repayNowCallbackUrl: safeUrl(config.lending.repayNowCallbackUrl) },
  };
}

function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
