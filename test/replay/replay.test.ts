/**
 * The deploy gate: today's workflow code must replay every committed history without a determinism
 * error, and deliberately incompatible variants must fail on every one of them, which proves this test
 * can fail. The frozen corpus `v1` (the histories of the code that ran the first loans in flight)
 * replays forever; a later corpus recorded by `npm run histories:record` (`current/`) replays beside it.
 */
import { fileURLToPath } from 'node:url';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MetricMeter } from '@temporalio/common';
import type { ReplayResult, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  corpusDir, corpusFingerprint, FROZEN_CORPORA, historyStrings, loadRecordedHistories, readManifest, replayedCorpora,
  type LoadedHistory,
} from './history-files';
import { historyToJson } from './history-json';
import { FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter';
import { recordingDataConverter } from './recording-keys';
import { createLogger } from '../../src/logging';
import { runSpanSinks, WORKFLOW_TRACING_MODULE, type Tracing } from '../../src/observability/tracing';
import { workflowMetricSinks } from '../../src/observability/workflow-metrics';
import { recordingMeter } from '../helpers/recording-meter';
import { installTemporalRuntime } from '../../src/temporal-runtime';

// Replaying the incompatible fixtures makes core warn once per history; the tests assert those errors.
installTemporalRuntime(createLogger({ level: 'silent' }));

const workflowsPath = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const noop = (): void => undefined;
const quietBundler = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/** The bundle of a workflows module, built once per file (`traced`: with the tracing workflow interceptors). */
function bundle(relative: string, traced = false): Promise<WorkflowBundleWithSourceMap> {
  const key = `${relative}|${traced}`;
  let built = bundles.get(key);
  if (!built) {
    built = bundleWorkflowCode({
      workflowsPath: workflowsPath(relative), failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietBundler,
      ...(traced ? { workflowInterceptorModules: [WORKFLOW_TRACING_MODULE] } : {}),
    });
    bundles.set(key, built);
  }
  return built;
}

/**
 * sha256 of each frozen corpus as committed. A frozen corpus is never re-recorded nor edited: if this
 * fails, restore the folder from git (`git checkout -- test/replay/histories/<corpus>`).
 */
const FROZEN_FINGERPRINTS: Readonly<Record<(typeof FROZEN_CORPORA)[number], string>> = {
  v1: 'd9bf09e1d6c208a5af25938c32667bc251d1e98bcbe054fa8717edfe4991e3c2',
  v2: 'eb30f75ae8cc6d9540f36bd0e99d18a39fe70239f1c3fd1eff8b7a4182c62951',
  v3: 'fd4785cff5c3e90d3ffe2461f3bacbb0cae16c4f3976ca9e8f9a6f90ee6d9e0b',
  v4: '941db65bd4033deff87370755a51c24a299ef16a14503e2930a3e1b21b2e6e3f',
};

/** Replays every history with `workflowBundle`; one result per history, in order. */
async function replayAll(
  workflowBundle: WorkflowBundleWithSourceMap, histories: readonly LoadedHistory[], meter: MetricMeter = recordingMeter(), tracing?: Tracing,
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const sinks = { ...(tracing ? runSpanSinks(tracing) : {}), ...workflowMetricSinks(meter) };
  for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter: recordingDataConverter(), sinks }, histories)) results.push(result);
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

describe('the frozen corpora', () => {
  it('v1 exists and is replayed first', () => {
    expect(replayedCorpora()[0]).toBe('v1');
  });

  it.each(FROZEN_CORPORA.map((name) => [name]))('%s is byte for byte the corpus that was frozen', (name) => {
    expect(corpusFingerprint(corpusDir(name))).toBe(FROZEN_FINGERPRINTS[name]);
  });
});

describe.each(replayedCorpora().map((name) => [name]))('corpus %s', (corpus) => {
  const dir = corpusDir(corpus);
  let histories: LoadedHistory[];
  beforeAll(() => {
    histories = loadRecordedHistories(dir);
  });

  it('holds at least 10 histories of the manifest workflow type, each listed in the manifest', () => {
    const manifest = readManifest(dir);
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
      expect(leaks, `${scenario} (${dir})`).toEqual([]);
    }
  });

  it('replays with today\'s workflow code without a determinism or replay error, metrics on and none recorded', async () => {
    const meter = recordingMeter();
    const results = await replayAll(await bundle('../../src/workflows/index.ts'), histories, meter);
    expect(verdicts(histories, results)).toEqual(histories.map((h) => `${h.scenario}: ok`));
    expect(meter.records).toEqual([]);
  });

  it('replays with the tracing workflow interceptors bundled, and exports no span', async () => {
    const spans = new InMemorySpanExporter();
    const tracing = { resource: new Resource({ 'service.name': 'replay' }), processor: new SimpleSpanProcessor(spans) } as unknown as Tracing;
    const results = await replayAll(await bundle('../../src/workflows/index.ts', true), histories, recordingMeter(), tracing);
    expect(verdicts(histories, results)).toEqual(histories.map((h) => `${h.scenario}: ok`));
    expect(spans.getFinishedSpans()).toEqual([]);
  });

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

describe('the secret scan', () => {
  it('sees inside base64 payloads, where a leaked key would actually sit', () => {
    const data = Buffer.from(JSON.stringify({ apiKey: 'sk-leaked' })).toString('base64');
    const strings = historyStrings({ events: [{ workflowExecutionStartedEventAttributes: { input: { payloads: [{ data }] } } }] });
    expect(strings.some((s) => s.includes('sk-leaked'))).toBe(true);
  });
});
