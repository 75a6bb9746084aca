import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, EMULATOR_API_KEY, loadConfig, redactConfig } from '../../src/config';

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
});
