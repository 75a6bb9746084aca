/**
 * The payload key of the committed history corpus. Histories are recorded encrypted, as production
 * writes them, so the replay gate exercises the codec; the key is published here on purpose: the
 * corpus holds emulator data only, and any checkout must be able to replay it. Histories recorded
 * before encryption (v1) are plain and pass through the codec untouched.
 */
import type { DataConverter } from '@temporalio/common';
import { dataConverter } from '../../src/codec/data-converter';
import { PayloadKeyring } from '../../src/codec/keyring';

/** Key ID of the corpus key (distinct from any real or development key ID). */
export const RECORDING_KEY_ID = 'replay-corpus-1';

const RECORDING_KEY = 'MgQ1NKqpbapaduWCPirpzM9bAIfmfnqJS/yU4M/bKZU=';

/** The keys that record and replay the corpus. */
export function recordingKeyring(): PayloadKeyring {
  return new PayloadKeyring(new Map([[RECORDING_KEY_ID, Buffer.from(RECORDING_KEY, 'base64')]]), RECORDING_KEY_ID);
}

/** The data converter that records and replays the corpus. */
export function recordingDataConverter(): DataConverter {
  return dataConverter({ dataProtection: { keyring: recordingKeyring() } });
}
