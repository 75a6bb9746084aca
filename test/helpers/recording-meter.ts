/**
 * A Temporal `MetricMeter` that records every counter increment and histogram value in memory, so a test
 * can say exactly what a worker's metrics sink emitted.
 */
import type {
  MetricCounter, MetricGauge, MetricHistogram, MetricMeter, MetricTags, NumericMetricValueType,
} from '@temporalio/common';

/** One emission: counter `add` or histogram `record`. */
export interface MetricRecord {
  readonly kind: 'counter' | 'histogram' | 'gauge';
  readonly name: string;
  readonly value: number;
  readonly tags: MetricTags;
}

/** The meter and what it saw. */
export interface RecordingMeter extends MetricMeter {
  readonly records: MetricRecord[];
}

export function recordingMeter(): RecordingMeter {
  const records: MetricRecord[] = [];
  const meter = (base: MetricTags): RecordingMeter => ({
    records,
    createCounter(name: string): MetricCounter {
      const counter = (tags: MetricTags): MetricCounter => ({
        name, kind: 'counter', valueType: 'int',
        add: (value, extra = {}) => void records.push({ kind: 'counter', name, value, tags: { ...base, ...tags, ...extra } }),
        withTags: (more) => counter({ ...tags, ...more }),
      });
      return counter({});
    },
    createHistogram(name: string, valueType: NumericMetricValueType = 'int'): MetricHistogram {
      const histogram = (tags: MetricTags): MetricHistogram => ({
        name, kind: 'histogram', valueType,
        record: (value, extra = {}) => void records.push({ kind: 'histogram', name, value, tags: { ...base, ...tags, ...extra } }),
        withTags: (more) => histogram({ ...tags, ...more }),
      });
      return histogram({});
    },
    createGauge(name: string, valueType: NumericMetricValueType = 'int'): MetricGauge {
      const gauge = (tags: MetricTags): MetricGauge => ({
        name, kind: 'gauge', valueType,
        set: (value, extra = {}) => void records.push({ kind: 'gauge', name, value, tags: { ...base, ...tags, ...extra } }),
        withTags: (more) => gauge({ ...tags, ...more }),
      });
      return gauge({});
    },
    withTags: (more) => meter({ ...base, ...more }),
  });
  return meter({});
}
