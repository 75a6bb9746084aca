/**
 * The committed replay corpora: `test/replay/histories/<corpus>/<scenario>.json` (Temporal's proto-JSON
 * history format, the one `temporal workflow show --output json` and the Web UI download produce) and
 * `manifest.json`, which says what recorded them and gives each history its workflow ID (a history does
 * not carry it, and the lifecycle derives idempotency keys from it).
 *
 * `v1` is frozen: recorded by the code that ran the first loans in flight, it replays forever and is
 * never re-recorded. `npm run histories:record` writes `current/` beside it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { historyFromJson } from './history-json';

/** Folder holding one sub-folder per corpus. */
export const CORPORA_DIR = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * The frozen corpora, oldest first: each replays forever, none is ever re-recorded. `v1`: the first loans
 * in flight; `v2`: loans started by the code of a14e674 (before local-activity reads were tuned, the
 * wake-on-newer-status and eligibility patches), frozen when `current/` was re-recorded after them;
 * `v3`: loans started by the code of 6157e48 (eight patch markers per run, one per patch); `v4`: loans
 * started by the code of 84d85aa (nine, with `generated-borrower-terms-at-creation`); both frozen when
 * `current/` was re-recorded with the umbrella patch `every-patch-until-2026-12` (one marker per run).
 */
export const FROZEN_CORPORA = ['v1', 'v2', 'v3', 'v4'] as const;

/** Where `npm run histories:record` writes (never into a frozen corpus). */
export const RECORDING_DIR = join(CORPORA_DIR, 'current');

/** Name of the manifest inside a corpus folder. */
export const MANIFEST_FILE = 'manifest.json';

/** A corpus folder by name (`v1`, `current`, …). */
export function corpusDir(name: string): string {
  return join(CORPORA_DIR, name);
}

/**
 * Every corpus to replay: the frozen ones (which must exist) and `current/` once something was recorded
 * there; any other folder holding a manifest too.
 */
export function replayedCorpora(): string[] {
  const folders = readdirSync(CORPORA_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(CORPORA_DIR, entry.name, MANIFEST_FILE)))
    .map((entry) => entry.name);
  const others = folders.filter((name) => !(FROZEN_CORPORA as readonly string[]).includes(name)).sort();
  return [...FROZEN_CORPORA, ...others];
}

/**
 * sha256 (hex) of a corpus: every file name and content, in name order. Pinned for frozen corpora, so a
 * re-recording or an edit over them fails the replay test.
 */
export function corpusFingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.json')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
  }
  return hash.digest('hex');
}

/** One recorded run. */
export const RecordedHistorySchema = z.strictObject({
  /** Scenario name; the history is `<file>`. */
  scenario: z.string().regex(/^[a-z0-9-]+$/),
  file: z.string().regex(/^[a-z0-9-]+\.json$/),
  description: z.string().min(1),
  workflowId: z.string().min(1),
  runId: z.string().min(1),
  /** How the run ended: the outcome status, or `CONTINUED_AS_NEW`. */
  result: z.string().min(1),
  events: z.number().int().positive(),
});

/** What `npm run histories:record` writes next to the histories. */
export const ManifestSchema = z.strictObject({
  workflowType: z.string().min(1),
  sdkVersion: z.string().min(1),
  recordedAt: z.iso.datetime(),
  /** sha256 (hex) of the workflow bundle's code that produced the histories. */
  bundleSha256: z.string().regex(/^[0-9a-f]{64}$/),
  histories: z.array(RecordedHistorySchema).min(1),
});

export type RecordedHistory = z.infer<typeof RecordedHistorySchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** Reads and validates the manifest. */
export function readManifest(dir: string): Manifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
}

/** Every history file in `dir` (the manifest excluded), sorted. */
export function historyFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.json') && name !== MANIFEST_FILE).sort();
}

/** A committed history, ready for `Worker.runReplayHistories`. */
export interface LoadedHistory {
  readonly scenario: string;
  readonly workflowId: string;
  readonly history: temporal.api.history.v1.IHistory;
}

/**
 * Loads every history file of `dir` with its workflow ID from the manifest. A history file the
 * manifest does not list (or the reverse) is an error: the corpus and its manifest must agree.
 */
export function loadRecordedHistories(dir: string): LoadedHistory[] {
  const manifest = readManifest(dir);
  const files = historyFiles(dir);
  const listed = new Map(manifest.histories.map((entry) => [entry.file, entry]));
  const unlisted = files.filter((file) => !listed.has(file));
  const missing = [...listed.keys()].filter((file) => !files.includes(file));
  if (unlisted.length > 0 || missing.length > 0) {
    throw new Error(`histories and manifest disagree: not in the manifest [${unlisted.join(', ')}], missing files [${missing.join(', ')}]`);
  }
  return files.map((file) => {
    const entry = listed.get(file) as RecordedHistory;
    const history = historyFromJson(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    return { scenario: entry.scenario, workflowId: entry.workflowId, history };
  });
}

/** Where a proto-JSON history may hide text: payload `data` is base64 of the encoded value. */
function decodedForms(value: string): string[] {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return [value];
  return [value, Buffer.from(value, 'base64').toString('utf8')];
}

/**
 * Every string of a history in JSON form, base64 payloads also decoded, so a search for a secret sees
 * what a workflow input, activity result or failure actually carried.
 */
export function historyStrings(json: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') out.push(...decodedForms(node));
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(json);
  return out;
}
