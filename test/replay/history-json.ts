/**
 * History ⇄ proto-JSON (the format of `temporal workflow show --output json` and Web UI downloads).
 *
 * Why not `historyToJSON` / `historyFromJSON` of `@temporalio/common/lib/proto-utils`: in this install
 * `@temporalio/common` and `@temporalio/proto` each got their own nested copy of protobufjs 8 (the top
 * level holds protobufjs 7 for another package), so the SDK helpers fail with "type must be a Type"
 * (an `instanceof` across the two copies). This module does the same conversion with the protobufjs copy
 * that `@temporalio/proto` itself resolves, which stays right once npm deduplicates the copies.
 */
import { createRequire } from 'node:module';
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

interface ProtoRoot {
  lookupType(name: string): unknown;
}

const require = createRequire(import.meta.url);
const proto = require('@temporalio/proto') as { temporal: typeof temporal };
const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as {
  patchProtobufRoot<T>(root: T): T & ProtoRoot;
};
const protojson = createRequire(require.resolve('@temporalio/proto/package.json'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');

/** A history (as `fetchHistory()` returns it) as pretty-printed proto-JSON. */
export function historyToJson(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return JSON.stringify(protojson.toJson(historyType, message), null, 2);
}

/** A proto-JSON history back to a `History` for `Worker.runReplayHistories`; unknown fields are ignored. */
export function historyFromJson(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('not a history: expected an object with an array of events');
  }
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (history === null || typeof history !== 'object') throw new TypeError('not a history');
  return history as History;
}
