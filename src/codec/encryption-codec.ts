/**
 * The payload codec: AES-256-GCM over the whole serialized payload (data and metadata, so not even the
 * original encoding shows), a fresh 96-bit IV per payload, the key ID in clear in the metadata (and bound
 * as additional authenticated data, so it cannot be swapped). Payloads that are not encrypted pass
 * through on decode: histories written before encryption was on still replay and their loans finish.
 */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// Default import: the package is CommonJS, and Node's ESM loader sees no named exports in it.
import protos from '@temporalio/proto';
import type { PayloadKeyring } from './keyring';

/** `metadata.encoding` of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key that encrypted the payload. */
export const KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = protos.temporal.api.common.v1.Payload;

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined): string => (bytes ? new TextDecoder().decode(bytes) : '');

/** Raised when a payload names a key this process does not hold. Names the key ID, never key material. */
export class UnknownPayloadKeyError extends Error {
  override readonly name = 'UnknownPayloadKeyError';
  constructor(readonly keyId: string, knownKeyIds: readonly string[]) {
    super(
      `payload was encrypted with key "${keyId}", which is not configured here (configured: ${knownKeyIds.join(', ')}); ` +
        'add that key to PAYLOAD_KEYS or PAYLOAD_KEYS_FILE to decode it',
    );
  }
}

/** Raised when an encrypted payload does not authenticate under its key (tampered, truncated, or a wrong key with that ID). */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  constructor(readonly keyId: string) {
    super(`payload encrypted with key "${keyId}" failed authentication: it was altered, or the key configured under that ID is not the one that encrypted it`);
  }
}

/** True when `payload` carries our encryption envelope. */
export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.['encoding']) === ENCRYPTED_ENCODING;
}

/** The key ID an encrypted payload names (undefined for plain payloads). */
export function payloadKeyId(payload: Payload): string | undefined {
  return isEncrypted(payload) ? text(payload.metadata?.[KEY_ID_METADATA]) : undefined;
}

/**
 * Fresh random IVs, drawn from the CSPRNG a few hundred at a time: every payload still gets its own
 * uniformly random IV, used once, for a fraction of the cost of one `randomBytes` call per payload.
 */
class IvPool {
  static readonly #BATCH = IV_BYTES * 512;
  #bytes = Buffer.alloc(0);
  #offset = 0;

  next(): Buffer {
    if (this.#offset + IV_BYTES > this.#bytes.length) {
      this.#bytes = randomBytes(IvPool.#BATCH);
      this.#offset = 0;
    }
    const iv = this.#bytes.subarray(this.#offset, this.#offset + IV_BYTES);
    this.#offset += IV_BYTES;
    return iv;
  }
}

/** Encrypts with the keyring's active key; decrypts with whichever configured key a payload names. */
export class EncryptionCodec implements PayloadCodec {
  readonly #ivs = new IvPool();
  /** Key objects made once per key ID (a raw key would be imported again on every payload). */
  readonly #keyObjects = new Map<string, KeyObject>();

  constructor(private readonly keyring: PayloadKeyring) {}

  #keyObject(keyId: string): KeyObject | undefined {
    let key = this.#keyObjects.get(keyId);
    if (key === undefined) {
      const raw = this.keyring.key(keyId);
      if (raw === undefined) return undefined;
      key = createSecretKey(raw);
      this.#keyObjects.set(keyId, key);
    }
    return key;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.activeKeyId;
    const key = this.#keyObject(keyId)!;
    const aad = utf8(keyId);
    return payloads.map((payload) => {
      const iv = this.#ivs.next();
      const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const plain = ProtoPayload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: aad }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!isEncrypted(payload)) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
      const key = this.#keyObject(keyId);
      if (!key) throw new UnknownPayloadKeyError(keyId, this.keyring.keyIds);
      const sealed = payload.data ?? new Uint8Array();
      if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(keyId);
      const iv = sealed.subarray(0, IV_BYTES);
      const tag = sealed.subarray(sealed.length - TAG_BYTES);
      const decipher = createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(utf8(keyId));
      decipher.setAuthTag(tag);
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadDecryptionError(keyId);
      }
      const decoded = ProtoPayload.decode(plain);
      return { metadata: decoded.metadata, data: decoded.data };
    });
  }
}
