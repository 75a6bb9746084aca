/**
 * The payload codec, the key configuration and the codec server, without a Temporal server: what an
 * encrypted payload looks like, what decodes, what fails and how the failure reads, and what the codec
 * server answers to whom.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildCodecServer } from '../../src/codec/codec-server';
import { dataConverter } from '../../src/codec/data-converter';
import {
  EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError, UnknownPayloadKeyError,
} from '../../src/codec/encryption-codec';
import { PayloadKeyring } from '../../src/codec/keyring';
import { searchTag } from '../../src/codec/search-tags';
import { ConfigError, isLoopbackUrl, loadConfig } from '../../src/config';
import { redactConfig } from '../../src/config/redaction';

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);
const ring = (active: string, keys: Record<string, Buffer>): PayloadKeyring => new PayloadKeyring(new Map(Object.entries(keys)), active);
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const SECRET_VALUE = { borrower: 'Maison Dupont SARL', identifier: '843221479', invoiceNumber: 'F-2026-0042' };

describe('the encryption codec', () => {
  it('encrypts the whole payload: binary/encrypted with the key ID, no trace of the value or of its JSON encoding', async () => {
    const [encrypted] = await new EncryptionCodec(ring('A', { A: KEY_A })).encode([plain(SECRET_VALUE)]);
    expect(text(encrypted!.metadata![  'encoding'])).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata![KEY_ID_METADATA])).toBe('A');
    expect(Object.keys(encrypted!.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
    const raw = text(encrypted!.data);
    for (const value of [...Object.values(SECRET_VALUE), 'json/plain']) expect(raw).not.toContain(value);
  });

  it('decodes what it encoded, metadata included, and never encrypts twice alike (fresh IV per payload)', async () => {
    const codec = new EncryptionCodec(ring('A', { A: KEY_A }));
    const original = plain(SECRET_VALUE);
    const [one, two] = await codec.encode([original, original]);
    expect(Buffer.from(one!.data!).equals(Buffer.from(two!.data!))).toBe(false);
    const [decoded] = await codec.decode([one!]);
    expect(text(decoded!.metadata!['encoding'])).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(SECRET_VALUE);
  });

  it('gives every payload its own IV, across the batches its IVs are drawn in', async () => {
    const codec = new EncryptionCodec(ring('A', { A: KEY_A }));
    const encrypted = await codec.encode(Array.from({ length: 1_500 }, (_, i) => plain({ i })));
    const ivs = new Set(encrypted.map((p) => Buffer.from(p.data!.subarray(0, 12)).toString('hex')));
    expect(ivs.size).toBe(1_500);
    const decoded = await codec.decode(encrypted);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(Array.from({ length: 1_500 }, (_, i) => ({ i })));
  });

  it('lets payloads that were never encrypted through unchanged (histories from before encryption replay)', async () => {
    const original = plain({ status: 'CLOSED' });
    const [decoded] = await new EncryptionCodec(ring('A', { A: KEY_A })).decode([original]);
    expect(decoded).toBe(original);
  });

  it('after rotation (B active, A kept) decodes payloads of both keys and encrypts with B', async () => {
    const [underA] = await new EncryptionCodec(ring('A', { A: KEY_A })).encode([plain('old')]);
    const rotated = new EncryptionCodec(ring('B', { A: KEY_A, B: KEY_B }));
    const [underB] = await rotated.encode([plain('new')]);
    expect(text(underB!.metadata![KEY_ID_METADATA])).toBe('B');
    const decoded = await rotated.decode([underA!, underB!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['old', 'new']);
  });

  it('refuses a payload under an unknown key with an error naming the key ID, never a key', async () => {
    const [underA] = await new EncryptionCodec(ring('A', { A: KEY_A })).encode([plain('x')]);
    const error = await new EncryptionCodec(ring('B', { B: KEY_B })).decode([underA!]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownPayloadKeyError);
    expect((error as UnknownPayloadKeyError).keyId).toBe('A');
    expect((error as Error).message).toMatch(/^payload was encrypted with key "A", which is not configured here \(configured: B\)/);
    for (const key of [KEY_A, KEY_B]) {
      expect((error as Error).message).not.toContain(key.toString('base64'));
      expect((error as Error).message).not.toContain(key.toString('hex'));
    }
  });

  it('refuses a tampered payload, or one whose key ID was swapped, as failing authentication', async () => {
    const [sealed] = await new EncryptionCodec(ring('A', { A: KEY_A })).encode([plain('x')]);
    const tampered = Buffer.from(sealed!.data!);
    tampered[20] = tampered[20]! ^ 1;
    const both = new EncryptionCodec(ring('A', { A: KEY_A, B: KEY_A }));
    await expect(both.decode([{ ...sealed!, data: tampered }])).rejects.toBeInstanceOf(PayloadDecryptionError);
    // Same key bytes under another ID: the key ID is authenticated data, so the swap is detected.
    const swapped = { ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('B') } };
    await expect(both.decode([swapped])).rejects.toBeInstanceOf(PayloadDecryptionError);
  });

  it('without payload encryption the data converter has no codec: plain JSON out, plain payloads in', () => {
    const keyring = ring('A', { A: KEY_A });
    expect(dataConverter({ dataProtection: { keyring } }).payloadCodecs).toHaveLength(1);
    expect(dataConverter({ dataProtection: { keyring, payloadEncryption: true } }).payloadCodecs?.[0]).toBeInstanceOf(EncryptionCodec);
    const off = dataConverter({ dataProtection: { keyring, payloadEncryption: false } });
    expect(off.payloadCodecs).toEqual([]);
    expect(off.failureConverterPath).toBe(dataConverter({ dataProtection: { keyring } }).failureConverterPath);
  });

  it('a keyring prints its key IDs only', () => {
    const keyring = ring('A', { A: KEY_A, B: KEY_B });
    const printed = `${JSON.stringify(keyring)} ${inspect(keyring)} ${String(inspect({ keyring }, { depth: 5 }))}`;
    expect(printed).toContain('A');
    for (const key of [KEY_A, KEY_B]) expect(printed).not.toContain(key.toString('base64'));
  });

  it('search tags are stable per value and kind, and do not contain the value', () => {
    const key = randomBytes(32);
    expect(searchTag(key, 'invoice', 'F-2026-0042')).toBe(searchTag(key, 'invoice', 'F-2026-0042'));
    expect(searchTag(key, 'invoice', 'F-2026-0042')).toMatch(/^t1-[0-9a-f]{32}$/);
    expect(searchTag(key, 'invoice', '843221479')).not.toBe(searchTag(key, 'borrower', '843221479'));
    expect(searchTag(randomBytes(32), 'invoice', 'F-2026-0042')).not.toBe(searchTag(key, 'invoice', 'F-2026-0042'));
  });
});

describe('payload key configuration', () => {
  const b64 = (key: Buffer): string => key.toString('base64');
  const tagKey = b64(randomBytes(32));

  it('without configured keys (the emulator, npm start, the tests) uses this checkout\'s generated development key', () => {
    const first = loadConfig({});
    const second = loadConfig({});
    expect(first.dataProtection.keySource).toBe('development');
    expect(first.dataProtection.keyring.activeKeyId).toMatch(/^dev-[0-9a-f]{8}$/);
    expect(second.dataProtection.keyring.activeKeyId).toBe(first.dataProtection.keyring.activeKeyId);
  });

  it('reads several keys from PAYLOAD_KEYS with PAYLOAD_ACTIVE_KEY_ID choosing the active one', () => {
    const config = loadConfig({ PAYLOAD_KEYS: `2026-01=${b64(KEY_A)}, 2026-02=${b64(KEY_B)}`, PAYLOAD_ACTIVE_KEY_ID: '2026-02', SEARCH_TAG_KEY: tagKey });
    expect(config.dataProtection).toMatchObject({ keySource: 'environment' });
    expect(config.dataProtection.keyring.toJSON()).toEqual({ activeKeyId: '2026-02', keyIds: ['2026-01', '2026-02'] });
  });

  it('reads a keys file (PAYLOAD_KEYS_FILE), whose active key the environment may override', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'keys.json');
    writeFileSync(file, JSON.stringify({ activeKeyId: 'k1', keys: { k1: b64(KEY_A), k2: b64(KEY_B) }, searchTagKey: tagKey }));
    expect(loadConfig({ PAYLOAD_KEYS_FILE: file }).dataProtection.keyring.activeKeyId).toBe('k1');
    expect(loadConfig({ PAYLOAD_KEYS_FILE: file, PAYLOAD_ACTIVE_KEY_ID: 'k2' }).dataProtection.keyring.activeKeyId).toBe('k2');
  });

  it('with the real Defacto, refuses to start without a payload key, in one line', () => {
    const env = { DEFACTO_BASE_URL: 'https://api.getdefacto.com', DEFACTO_API_KEY: 'sk_live_x' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/^Invalid configuration: PAYLOAD_KEYS: a payload encryption key is required with a real Defacto/);
    expect(() => loadConfig(env)).not.toThrow(/\n/);
    expect(loadConfig({ ...env, PAYLOAD_KEYS: `prod-1=${b64(KEY_A)}`, SEARCH_TAG_KEY: tagKey }).dataProtection.keySource).toBe('environment');
  });

  it('encrypts unless PAYLOAD_ENCRYPTION=off, which only the emulator (no DEFACTO_BASE_URL, or a loopback one) accepts', () => {
    expect(loadConfig({}).dataProtection.payloadEncryption).toBe(true);
    expect(loadConfig({ PAYLOAD_ENCRYPTION: 'on' }).dataProtection.payloadEncryption).toBe(true);
    expect(loadConfig({ PAYLOAD_ENCRYPTION: 'off' }).dataProtection.payloadEncryption).toBe(false);
    const emulatorChild = { DEFACTO_BASE_URL: 'http://127.0.0.1:4010', DEFACTO_API_KEY: 'tenant', PAYLOAD_KEYS: `k1=${b64(KEY_A)}`, SEARCH_TAG_KEY: tagKey };
    expect(loadConfig({ ...emulatorChild, PAYLOAD_ENCRYPTION: 'off' }).dataProtection.payloadEncryption).toBe(false);
    expect(redactConfig(loadConfig({ PAYLOAD_ENCRYPTION: 'off' }))).toMatchObject({ dataProtection: { payloadEncryption: 'off' } });
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION: 'no' })).toThrow(/^Invalid configuration: PAYLOAD_ENCRYPTION/);
  });

  it('with the real Defacto, refuses PAYLOAD_ENCRYPTION=off in one line, keys given or not', () => {
    const real = { DEFACTO_BASE_URL: 'https://api.getdefacto.com', DEFACTO_API_KEY: 'sk_live_x', PAYLOAD_ENCRYPTION: 'off' };
    for (const env of [real, { ...real, PAYLOAD_KEYS: `prod-1=${b64(KEY_A)}`, SEARCH_TAG_KEY: tagKey }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/PAYLOAD_ENCRYPTION: PAYLOAD_ENCRYPTION=off is refused with a real Defacto/);
      expect(() => loadConfig(env)).not.toThrow(/\n/);
    }
    expect(() => loadConfig({ ...real, DEFACTO_BASE_URL: 'http://127.0.0.1.example.com' })).toThrow(/PAYLOAD_ENCRYPTION=off is refused/);
  });

  it('counts only this machine as loopback', () => {
    for (const url of ['http://127.0.0.1:4010', 'http://localhost:4010/', 'http://[::1]:4010', 'http://127.10.0.3']) expect(isLoopbackUrl(url)).toBe(true);
    for (const url of ['https://api.getdefacto.com', 'http://10.0.0.1:4010', 'http://localhost.example.com', 'not a url']) expect(isLoopbackUrl(url)).toBe(false);
  });

  it('refuses malformed keys naming the key ID and never echoing key material', () => {
    const short = b64(randomBytes(16));
    const attempts: Record<string, string | undefined>[] = [
      { PAYLOAD_KEYS: `k1=${short}`, SEARCH_TAG_KEY: tagKey },
      { PAYLOAD_KEYS: `k1=${b64(KEY_A)},k2=${b64(KEY_B)}`, SEARCH_TAG_KEY: tagKey },
      { PAYLOAD_KEYS: `k1=${b64(KEY_A)}`, PAYLOAD_ACTIVE_KEY_ID: 'k9', SEARCH_TAG_KEY: tagKey },
      { PAYLOAD_KEYS: `k1=${b64(KEY_A)}` },
    ];
    const messages = attempts.map((env) => {
      try {
        loadConfig(env);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    });
    expect(messages[0]).toContain('payload key "k1" is not 32 bytes');
    expect(messages[1]).toContain('PAYLOAD_ACTIVE_KEY_ID is required');
    expect(messages[2]).toContain('the active payload key "k9" is not among the configured keys (k1)');
    expect(messages[3]).toContain('SEARCH_TAG_KEY');
    for (const message of messages) for (const key of [short, b64(KEY_A), b64(KEY_B), tagKey]) expect(message).not.toContain(key);
  });

  it('redacted configuration shows key IDs and never keys or the codec server token', () => {
    const config = loadConfig({ PAYLOAD_KEYS: `k1=${b64(KEY_A)}`, SEARCH_TAG_KEY: tagKey, CODEC_SERVER_TOKEN: 'codec-SECRET' });
    const printed = `${JSON.stringify(redactConfig(config))}${inspect(redactConfig(config), { depth: 10 })}`;
    expect(printed).toContain('k1');
    for (const secret of [b64(KEY_A), tagKey, 'codec-SECRET']) expect(printed).not.toContain(secret);
  });
});

describe('the codec server', () => {
  const TOKEN = 'codec-token-for-tests';
  const UI = 'http://127.0.0.1:8233';
  let app: FastifyInstance;
  let encrypted: Payload;
  const asJson = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
    data: Buffer.from(p.data!).toString('base64'),
  });
  beforeAll(async () => {
    app = await buildCodecServer({ keyring: ring('A', { A: KEY_A }), token: TOKEN, corsOrigins: [UI] });
    [encrypted] = (await new EncryptionCodec(ring('A', { A: KEY_A })).encode([plain(SECRET_VALUE)])) as [Payload];
  });
  afterAll(async () => {
    await app.close();
  });
  const decode = (headers: Record<string, string>, url = '/decode') =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: { payloads: [asJson(encrypted)] } });

  it('answers 401 without the token, or with a wrong one, and decodes nothing', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }]) {
      const response = await decode(headers);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).not.toContain(Buffer.from(JSON.stringify(SECRET_VALUE)).toString('base64'));
      expect(response.body).not.toContain('payloads');
    }
  });

  it('decodes with the bearer token (Temporal\'s codec protocol: base64 metadata and data)', async () => {
    const response = await decode({ authorization: `Bearer ${TOKEN}`, 'x-namespace': 'default' });
    expect(response.statusCode).toBe(200);
    const [payload] = (response.json() as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(Buffer.from(payload!.metadata['encoding']!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payload!.data, 'base64').toString())).toEqual(SECRET_VALUE);
  });

  it('accepts the token as the endpoint\'s first path segment (a Web UI without login cannot send the header)', async () => {
    expect((await decode({}, `/${TOKEN}/decode`)).statusCode).toBe(200);
    expect((await decode({}, '/not-the-token/decode')).statusCode).toBe(401);
  });

  it('encodes with the active key, for `temporal workflow start --codec-endpoint`', async () => {
    const response = await app.inject({
      method: 'POST', url: '/encode', headers: { authorization: `Bearer ${TOKEN}` }, payload: { payloads: [asJson(plain('hello'))] },
    });
    const [payload] = (response.json() as { payloads: { metadata: Record<string, string> }[] }).payloads;
    expect(Buffer.from(payload!.metadata[KEY_ID_METADATA]!, 'base64').toString()).toBe('A');
  });

  it('answers the Web UI\'s CORS preflight without a token, and refuses other origins', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS', url: '/decode',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/authorization.*content-type.*x-namespace/);
    const decoded = await decode({ origin: UI, authorization: `Bearer ${TOKEN}` });
    expect(decoded.headers['access-control-allow-origin']).toBe(UI);
    const foreign = await app.inject({ method: 'OPTIONS', url: '/decode', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('names the missing key ID when a payload is under a key it does not hold (422)', async () => {
    const [underB] = await new EncryptionCodec(ring('B', { B: KEY_B })).encode([plain('x')]);
    const response = await app.inject({
      method: 'POST', url: '/decode', headers: { authorization: `Bearer ${TOKEN}` }, payload: { payloads: [asJson(underB!)] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ keyId: 'B' });
    expect(response.body).not.toContain(KEY_B.toString('base64'));
  });

  it('refuses every call when no token is configured', async () => {
    const open = await buildCodecServer({ keyring: ring('A', { A: KEY_A }), token: undefined, corsOrigins: [] });
    const response = await open.inject({ method: 'POST', url: '/decode', headers: { authorization: 'Bearer ' }, payload: { payloads: [] } });
    expect(response.statusCode).toBe(401);
    await open.close();
  });
});
