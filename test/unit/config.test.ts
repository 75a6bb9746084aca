import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFACTO_LANGUAGES, EMULATOR_API_KEY, loadConfig } from '../../src/config';
import { redactConfig } from '../../src/config/redaction';
import { REASON_LANGUAGES } from '../../src/domain/reasons';

/** Payload keys, which a real Defacto requires (docs/data-protection.md). */
const PAYLOAD_KEY_ENV = { PAYLOAD_KEYS: `prod-1=${Buffer.alloc(32, 7).toString('base64')}`, SEARCH_TAG_KEY: Buffer.alloc(32, 9).toString('base64') };

describe('configuration', () => {
  it('uses the embedded emulator when DEFACTO_BASE_URL is absent', () => {
    const config = loadConfig({});
    expect(config.defacto).toMatchObject({ kind: 'emulator', apiKey: EMULATOR_API_KEY });
    expect(config.temporal.taskQueue).toBe('defacto-lending');
  });

  it('targets the real Defacto with a base URL and a key', () => {
    const config = loadConfig({ DEFACTO_BASE_URL: 'https://api-sandbox.getdefacto.com', DEFACTO_API_KEY: 'sk_live_xyz', ...PAYLOAD_KEY_ENV });
    expect(config.defacto).toMatchObject({ kind: 'remote', baseUrl: 'https://api-sandbox.getdefacto.com' });
  });

  it('reads the Temporal connection through the envconfig conventions', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_NAMESPACE: 'lending' });
    expect(config.temporal.connection.address).toBe('temporal.example:7233');
    expect(config.temporal.namespace).toBe('lending');
  });

  it('refuses a base URL without a key, naming the variable and not echoing values', () => {
    expect(() => loadConfig({ DEFACTO_BASE_URL: 'https://api-sandbox.getdefacto.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ DEFACTO_BASE_URL: 'https://api-sandbox.getdefacto.com' })).toThrow(/DEFACTO_API_KEY/);
  });

  it('translates reasons into English by default, into DEFACTO_LANGUAGE when set, and refuses a language Defacto does not translate to', () => {
    expect(loadConfig({}).lending.language).toBe('en');
    expect(loadConfig({ DEFACTO_LANGUAGE: 'de' }).lending.language).toBe('de');
    expect(() => loadConfig({ DEFACTO_LANGUAGE: 'it' })).toThrow(/DEFACTO_LANGUAGE: must be one of en, fr, de, es/);
    expect([...DEFACTO_LANGUAGES].sort()).toEqual([...REASON_LANGUAGES].sort());
  });

  it('sends the borrower back to DEFACTO_REPAY_CALLBACK_URL after an early repayment, else to the public URL of the HTTP edge', () => {
    expect(loadConfig({}).lending.repayNowCallbackUrl).toBe('http://localhost:8080');
    expect(loadConfig({ HTTP_PUBLIC_URL: 'https://lending.example' }).lending.repayNowCallbackUrl).toBe('https://lending.example');
    expect(loadConfig({ DEFACTO_REPAY_CALLBACK_URL: 'https://app.example/repaid', HTTP_PUBLIC_URL: 'https://lending.example' }).lending.repayNowCallbackUrl)
      .toBe('https://app.example/repaid');
    expect(() => loadConfig({ DEFACTO_REPAY_CALLBACK_URL: 'not a url' })).toThrow(/DEFACTO_REPAY_CALLBACK_URL/);
  });

  it('names every invalid variable', () => {
    try {
      loadConfig({ DEFACTO_BASE_URL: 'not a url', HTTP_PORT: 'ninety', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['DEFACTO_BASE_URL', 'HTTP_PORT', 'LOG_LEVEL']) expect(message).toContain(name);
    }
  });

  it('never prints secrets once redacted', () => {
    const secrets = ['sk_live_SECRET_KEY', 'backoffice-SECRET', 'webhook-SECRET', 'temporal-SECRET'];
    const config = loadConfig({
      DEFACTO_BASE_URL: 'https://api.getdefacto.com',
      DEFACTO_API_KEY: secrets[0],
      BACKOFFICE_TOKEN: secrets[1],
      WEBHOOK_TOKEN: secrets[2],
      TEMPORAL_API_KEY: secrets[3],
      ...PAYLOAD_KEY_ENV,
    });
    const printed = `${JSON.stringify(redactConfig(config))}\n${inspect(redactConfig(config), { depth: 10 })}`;
    for (const secret of secrets) expect(printed).not.toContain(secret);
    expect(printed).toContain('[redacted]');
  });
  it('serves worker metrics on 127.0.0.1:9464 unless told another address or "off"', () => {
    expect(loadConfig({}).observability.workerMetricsAddress).toBe('127.0.0.1:9464');
    expect(loadConfig({ WORKER_METRICS_ADDRESS: '0.0.0.0:9000' }).observability.workerMetricsAddress).toBe('0.0.0.0:9000');
    expect(loadConfig({ WORKER_METRICS_ADDRESS: 'off' }).observability.workerMetricsAddress).toBeUndefined();
    expect(() => loadConfig({ WORKER_METRICS_ADDRESS: '9000' })).toThrow(/WORKER_METRICS_ADDRESS/);
  });

  it('traces only when the standard OTEL_* variables ask for it', () => {
    expect(loadConfig({}).observability.tracing).toEqual({ exporter: 'none' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).observability.tracing)
      .toEqual({ exporter: 'otlp', url: 'http://collector:4318/v1/traces', serviceName: undefined });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_SERVICE_NAME: 'w' }).observability.tracing)
      .toEqual({ exporter: 'otlp', url: 'http://c:4318/custom', serviceName: 'w' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).observability.tracing).toMatchObject({ url: 'http://localhost:4318/v1/traces' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).observability.tracing).toEqual({ exporter: 'none' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }).observability.tracing).toMatchObject({ exporter: 'console' });
  });

  it('prints an OTLP endpoint without the credentials its URL may hold', () => {
    const printed = JSON.stringify(redactConfig(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:SECRET@collector:4318' })));
    expect(printed).not.toContain('SECRET');
    expect(printed).toContain('https://collector:4318/v1/traces');
  });
});
