/**
 * The payload keys: several AES-256 keys by ID (old ones stay to decrypt what they encrypted), one of
 * them active (it encrypts everything new). Key material never leaves this object in printable form:
 * `toJSON` and `inspect` show the key IDs only.
 */
import { inspect } from 'node:util';

/** AES-256 wants 32-byte keys. */
export const KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Raised for a malformed key set; its message names key IDs and variables, never key material. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

/** An immutable set of payload keys with one active key. */
export class PayloadKeyring {
  readonly #keys: ReadonlyMap<string, Buffer>;

  /**
   * @param keys key ID → 32 raw bytes
   * @param activeKeyId the key that encrypts new payloads; must be in `keys`
   * @throws KeyringError
   */
  constructor(keys: ReadonlyMap<string, Buffer>, readonly activeKeyId: string) {
    if (keys.size === 0) throw new KeyringError('no payload key configured');
    for (const [id, key] of keys) {
      if (!KEY_ID.test(id)) throw new KeyringError(`payload key ID "${id.slice(0, 64)}" is invalid (letters, digits, . _ -; at most 64)`);
      if (key.length !== KEY_BYTES) throw new KeyringError(`payload key "${id}" is not ${KEY_BYTES} bytes of base64 (got ${key.length} bytes)`);
    }
    if (!keys.has(activeKeyId)) {
      throw new KeyringError(`the active payload key "${activeKeyId}" is not among the configured keys (${[...keys.keys()].join(', ')})`);
    }
    this.#keys = new Map(keys);
  }

  /** The IDs of every key that can decrypt, in configuration order. */
  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  /** The raw key for `keyId`, or undefined when this keyring does not hold it. */
  key(keyId: string): Buffer | undefined {
    return this.#keys.get(keyId);
  }

  /** Printable form: IDs only. */
  toJSON(): { activeKeyId: string; keyIds: readonly string[] } {
    return { activeKeyId: this.activeKeyId, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `PayloadKeyring(active: ${this.activeKeyId}; keys: ${this.keyIds.join(', ')})`;
  }
}

/** Decodes one base64 key, naming only where it came from when it is malformed. */
export function decodeKey(keyId: string, base64: string, origin: string): Buffer {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new KeyringError(`${origin}: payload key "${keyId}" is not base64`);
  return Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
}

/**
 * Parses `id1=base64,id2=base64` (the `PAYLOAD_KEYS` format).
 * @throws KeyringError
 */
export function parseKeyList(list: string, origin: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of list.split(',').map((item) => item.trim()).filter(Boolean)) {
    const separator = entry.indexOf('=');
    if (separator <= 0) throw new KeyringError(`${origin}: each entry is KEY_ID=BASE64_KEY (an entry has no "=")`);
    const id = entry.slice(0, separator).trim();
    if (keys.has(id)) throw new KeyringError(`${origin}: payload key "${id}" is listed twice`);
    keys.set(id, decodeKey(id, entry.slice(separator + 1), origin));
  }
  return keys;
}
