/**
 * Payload encryption keys of the configuration: from the environment, a keys file, or the development keys
 * generated once per checkout; and the variables that hand the same keys to a child process.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { decodeKey, KEY_BYTES, KeyringError, parseKeyList, PayloadKeyring } from '../codec/keyring';

/** Payload encryption settings of the configuration (`AppConfig.dataProtection`). */
export interface DataProtectionConfig {
  /**
   * Whether payloads are encrypted (`PAYLOAD_ENCRYPTION`, on by default). Off only against the emulator
   * (the benchmark's measure of the codec's cost): the data converter then has no payload codec, so it
   * reads plain payloads only.
   */
  readonly payloadEncryption: boolean;
  /** Payload encryption keys (several for rotation, one active). */
  readonly keyring: PayloadKeyring;
  /** Where the keys came from; `development` is the generated key of this checkout (`.tools/`). */
  readonly keySource: 'environment' | 'file' | 'development';
  /** HMAC key of the search tags that stand for identifiers in search attributes. */
  readonly searchTagKey: Buffer;
}

/**
 * The variables that give a child process exactly these payload keys (its environment, never its
 * command line): `PAYLOAD_KEYS`, `PAYLOAD_ACTIVE_KEY_ID`, `SEARCH_TAG_KEY`.
 */
export function dataProtectionEnv(
  keyring: PayloadKeyring, searchTagKey: Buffer,
): Readonly<Record<'PAYLOAD_KEYS' | 'PAYLOAD_ACTIVE_KEY_ID' | 'SEARCH_TAG_KEY' | 'PAYLOAD_KEYS_FILE', string | undefined>> {
  return {
    PAYLOAD_KEYS: keyring.keyIds.map((id) => `${id}=${keyring.key(id)!.toString('base64')}`).join(','),
    PAYLOAD_ACTIVE_KEY_ID: keyring.activeKeyId,
    SEARCH_TAG_KEY: searchTagKey.toString('base64'),
    PAYLOAD_KEYS_FILE: undefined,
  };
}

/** The generated development keys of this checkout (gitignored; created on first use). */
export const DEVELOPMENT_KEYS_FILE = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), '.tools', 'payload-dev-keys.json');

/** The keys file format of `PAYLOAD_KEYS_FILE` (and of the generated development keys). */
const KeysFileSchema = z.object({
  activeKeyId: z.string().min(1),
  keys: z.record(z.string(), z.string()),
  searchTagKey: z.string().optional(),
});

function readKeysFile(path: string, origin: string): z.infer<typeof KeysFileSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyringError(`${origin}: cannot read ${path} (${code ?? 'not JSON'})`);
  }
  const parsed = KeysFileSchema.safeParse(raw);
  if (!parsed.success) throw new KeyringError(`${origin}: ${path} is not {"activeKeyId", "keys": {ID: base64}, "searchTagKey"?}`);
  return parsed.data;
}

/** Reads the development keys, generating them once per checkout (atomically: parallel test processes agree). */
function developmentKeysFile(): z.infer<typeof KeysFileSchema> {
  try {
    return readKeysFile(DEVELOPMENT_KEYS_FILE, 'development keys');
  } catch {
    mkdirSync(dirname(DEVELOPMENT_KEYS_FILE), { recursive: true });
    const keyId = `dev-${randomBytes(4).toString('hex')}`;
    const content = {
      activeKeyId: keyId,
      keys: { [keyId]: randomBytes(KEY_BYTES).toString('base64') },
      searchTagKey: randomBytes(KEY_BYTES).toString('base64'),
    };
    const temporary = `${DEVELOPMENT_KEYS_FILE}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    try {
      linkSync(temporary, DEVELOPMENT_KEYS_FILE);
    } catch {
      // Another process created it first: use theirs.
    } finally {
      rmSync(temporary, { force: true });
    }
    return readKeysFile(DEVELOPMENT_KEYS_FILE, 'development keys');
  }
}

/** The payload-key variables of the environment, as validated by `loadConfig`. */
export interface PayloadKeysEnv {
  PAYLOAD_KEYS?: string | undefined;
  PAYLOAD_KEYS_FILE?: string | undefined;
  PAYLOAD_ACTIVE_KEY_ID?: string | undefined;
  SEARCH_TAG_KEY?: string | undefined;
  PAYLOAD_ENCRYPTION: 'on' | 'off';
}

/**
 * The keyring and search-tag key from `PAYLOAD_KEYS`, `PAYLOAD_KEYS_FILE` or this checkout's development keys.
 * Throws a {@link KeyringError} naming the variable at fault, never a key.
 */
export function loadDataProtection(e: PayloadKeysEnv): DataProtectionConfig {
  let keys: Map<string, Buffer>;
  let activeKeyId: string | undefined;
  let searchTagKey: string | undefined = e.SEARCH_TAG_KEY;
  let keySource: DataProtectionConfig['keySource'];
  if (e.PAYLOAD_KEYS) {
    keys = parseKeyList(e.PAYLOAD_KEYS, 'PAYLOAD_KEYS');
    activeKeyId = keys.size === 1 ? [...keys.keys()][0] : undefined;
    keySource = 'environment';
  } else {
    const file = e.PAYLOAD_KEYS_FILE
      ? readKeysFile(e.PAYLOAD_KEYS_FILE, 'PAYLOAD_KEYS_FILE')
      : developmentKeysFile();
    const origin = e.PAYLOAD_KEYS_FILE ? 'PAYLOAD_KEYS_FILE' : 'development keys';
    keys = new Map(Object.entries(file.keys).map(([id, key]) => [id, decodeKey(id, key, origin)]));
    activeKeyId = file.activeKeyId;
    searchTagKey ??= file.searchTagKey;
    keySource = e.PAYLOAD_KEYS_FILE ? 'file' : 'development';
  }
  activeKeyId = e.PAYLOAD_ACTIVE_KEY_ID ?? activeKeyId;
  if (!activeKeyId) throw new KeyringError('PAYLOAD_ACTIVE_KEY_ID is required when PAYLOAD_KEYS lists several keys');
  if (!searchTagKey) {
    throw new KeyringError('SEARCH_TAG_KEY (or "searchTagKey" in PAYLOAD_KEYS_FILE) is required with configured payload keys');
  }
  const tagKey = decodeKey('search tag key', searchTagKey, 'SEARCH_TAG_KEY');
  if (tagKey.length < 16) throw new KeyringError('SEARCH_TAG_KEY must be at least 16 bytes of base64');
  return {
    payloadEncryption: e.PAYLOAD_ENCRYPTION === 'on', keyring: new PayloadKeyring(keys, activeKeyId), keySource, searchTagKey: tagKey,
  };
}
