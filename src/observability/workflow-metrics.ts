/**
 * The worker side of the lifecycle's metrics sink (src/workflows/metrics.ts): records each emission with
 * the runtime's metric meter (the Prometheus endpoint that also serves the SDK's metrics), tagged like
 * the SDK's own workflow metrics, and at most once per run and key. Skipped on replay.
 */
import type { MetricCounter, MetricHistogram, MetricMeter } from '@temporalio/common';
import { Runtime, type InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { LoanMetricsSinks, MetricLabels } from '../workflows/metrics';

/** How many (run, key) pairs are remembered to drop repeated emissions (oldest forgotten first). */
const REMEMBERED = 100_000;

/** The `sinks` entry every loan worker registers (also replay workers, where it is never called). */
export function workflowMetricSinks(meter?: MetricMeter): InjectedSinks<LoanMetricsSinks> {
  const seen = new Set<string>();
  const counters = new Map<string, MetricCounter>();
  const histograms = new Map<string, MetricHistogram>();
  let runtimeMeter: MetricMeter | undefined = meter;
  const current = (): MetricMeter => (runtimeMeter ??= Runtime.instance().metricMeter);

  const firstTime = (info: WorkflowInfo, key: string): boolean => {
    const id = `${info.runId}|${key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > REMEMBERED) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  };
  const tags = (info: WorkflowInfo, labels: MetricLabels) => ({
    ...labels, namespace: info.namespace, task_queue: info.taskQueue, workflow_type: info.workflowType,
  });

  return {
    loanMetrics: {
      count: {
        fn(info, name, labels, key) {
          if (!firstTime(info, key)) return;
          let counter = counters.get(name);
          if (!counter) counters.set(name, (counter = current().createCounter(name)));
          counter.add(1, tags(info, labels));
        },
        callDuringReplay: false,
      },
      record: {
        fn(info, name, value, labels, key) {
          if (!firstTime(info, key)) return;
          let histogram = histograms.get(name);
          if (!histogram) histograms.set(name, (histogram = current().createHistogram(name, 'float', 's')));
          histogram.record(value, tags(info, labels));
        },
        callDuringReplay: false,
      },
    },
  };
}
