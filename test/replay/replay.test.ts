/**
 * The deploy gate: today's workflow code must replay every committed history (recorded by
 * `npm run histories:record`) without a determinism error, and a deliberately incompatible variant
 * must fail on every one of them, which proves this test can fail.
 */
import { fileURLToPath } from 'node:url';
import type { ReplayResult, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyStrings, HISTORIES_DIR, loadRecordedHistories, readManifest, type LoadedHistory } from './history-files';
import { historyToJson } from './history-json';
import { createLogger } from '../../src/logging';
import { installTemporalRuntime } from '../../src/temporal-runtime';

// Replaying the incompatible fixtures makes core warn once per history; the tests assert those errors.
installTemporalRuntime(createLogger({ level: 'silent' }));

const workflowsPath = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const noop = (): void => undefined;
const quietBundler = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

function bundle(relative: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: workflowsPath(relative), logger: quietBundler });
}

/** Replays every history with `workflowBundle`; one result per history, in order. */
async function replayAll(workflowBundle: WorkflowBundleWithSourceMap, histories: readonly LoadedHistory[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) results.push(result);
  return results;
}

/** `scenario: ok` or `scenario: ErrorName: first line of the message`, for readable failures. */
function verdicts(histories: readonly LoadedHistory[], results: readonly ReplayResult[]): string[] {
  return histories.map((history, index) => {
    const error = results[index]?.error;
    if (!results[index]) return `${history.scenario}: no result`;
    return error ? `${history.scenario}: ${error.name}: ${error.message.split('\n', 1)[0] ?? ''}` : `${history.scenario}: ok`;
  });
}

let histories: LoadedHistory[];
beforeAll(() => {
  histories = loadRecordedHistories();
});

describe('the committed history corpus', () => {
  it('holds at least 10 histories of the manifest workflow type, each listed in the manifest', () => {
    const manifest = readManifest();
    expect(histories.length).toBeGreaterThanOrEqual(10);
    expect(histories.map((h) => h.scenario).sort()).toEqual(manifest.histories.map((h) => h.scenario).sort());
    for (const { scenario, history } of histories) {
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.workflowType?.name, scenario).toBe(manifest.workflowType);
    }
  });

  it('carries no API key, bearer token or webhook secret in any input, result or failure', () => {
    for (const { scenario, history } of histories) {
      const strings = historyStrings(JSON.parse(historyToJson(history)));
      const leaks = strings.filter((s) => /bearer\s|api[_-]?key|recorder-(webhook|backoffice)-token|authorization/i.test(s));
      expect(leaks, `${scenario} (${HISTORIES_DIR})`).toEqual([]);
    }
  });

  it('the secret scan sees inside base64 payloads, where a leaked key would actually sit', () => {
    const data = Buffer.from(JSON.stringify({ apiKey: 'sk-leaked' })).toString('base64');
    const strings = historyStrings({ events: [{ workflowExecutionStartedEventAttributes: { input: { payloads: [{ data }] } } }] });
    expect(strings.some((s) => s.includes('sk-leaked'))).toBe(true);
  });
});

describe('replay with today\'s workflow code', () => {
  it('replays every committed history without a determinism or replay error', async () => {
    const results = await replayAll(await bundle('../../src/workflows/index.ts'), histories);
    expect(verdicts(histories, results)).toEqual(histories.map((h) => `${h.scenario}: ok`));
  });
});

describe('replay with a deliberately incompatible lifecycle (proof the gate can fail)', () => {
  it('an extra timer before the first command fails every history with a DeterminismViolationError', async () => {
    const results = await replayAll(await bundle('./fixtures/incompatible-workflows.ts'), histories);
    expect(results).toHaveLength(histories.length);
    for (const [index, result] of results.entries()) {
      expect(result.error, verdicts(histories, results)[index]).toBeInstanceOf(DeterminismViolationError);
    }
  });

  it('an extra activity call before the first command fails every history with a DeterminismViolationError', async () => {
    const results = await replayAll(await bundle('./fixtures/extra-activity-workflows.ts'), histories);
    expect(results).toHaveLength(histories.length);
    for (const [index, result] of results.entries()) {
      expect(result.error, verdicts(histories, results)[index]).toBeInstanceOf(DeterminismViolationError);
    }
  });
});
