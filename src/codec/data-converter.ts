/**
 * The one place the data converter is built. Every Temporal client, worker, workflow bundle and replay
 * in the project takes its converter from here, so what Temporal stores is encrypted the same way
 * everywhere.
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import type { PayloadKeyring } from './keyring';

/**
 * Path of the failure converter module (messages and stack traces encoded into payloads). Give it to
 * `bundleWorkflowCode({ failureConverterPath })` too: a prebuilt bundle carries its own converter.
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** What the data converter needs from the configuration (`AppConfig` satisfies it). */
export interface DataProtectionConfig {
  /** `payloadEncryption: false` (PAYLOAD_ENCRYPTION=off, emulator only): no payload codec. Absent: on. */
  readonly dataProtection: { readonly keyring: PayloadKeyring; readonly payloadEncryption?: boolean };
}

/**
 * The data converter for a Client (`new Client({ dataConverter })`) or a Worker
 * (`Worker.create({ dataConverter })`, `Worker.runReplayHistories({ dataConverter })`): payloads
 * encrypted with the active key, failures' messages and stack traces encoded. With payload encryption off
 * (emulator only) there is no codec: payloads are written as plain JSON and only plain payloads are read
 * (an encrypted one fails to decode, naming its `binary/encrypted` encoding).
 */
export function dataConverter(config: DataProtectionConfig): DataConverter {
  const { keyring, payloadEncryption = true } = config.dataProtection;
  return { payloadCodecs: payloadEncryption ? [new EncryptionCodec(keyring)] : [], failureConverterPath: FAILURE_CONVERTER_PATH };
}
