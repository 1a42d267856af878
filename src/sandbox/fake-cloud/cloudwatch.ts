// CloudWatch's GetMetricData as the SDK v3 client (3.1164) speaks it: AWS JSON 1.0 (`X-Amz-Target:
// GraniteServiceVersion20100801.GetMetricData`, `application/x-amz-json-1.0`), timestamps as epoch seconds,
// errors as `{"__type", "message"}` with the Query-compatible `x-amzn-query-error` header. Serves the series a
// test or the sandbox put, aggregated per period by the statistic asked for.
import type { CloudError } from './errors';

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';

export interface MetricSeriesInput {
  namespace: string;
  metric: string;
  dimensions?: Record<string, string>;
  /** Raw datapoints (any order); GetMetricData aggregates them per period. */
  points: Array<{ at: Date; value: number }>;
}

interface JsonAnswer {
  status: number;
  body: unknown;
  /** The AWS error code, for the call log and the Query-compatible header. */
  error?: { code: string; message: string };
}

const STATISTICS: Record<string, (values: number[]) => number> = {
  Sum: (v) => v.reduce((a, b) => a + b, 0),
  Average: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  Maximum: (v) => Math.max(...v),
  Minimum: (v) => Math.min(...v),
  SampleCount: (v) => v.length,
};

function seriesKey(namespace: string, metric: string, dimensions: Record<string, string>): string {
  const dims = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${namespace}|${metric}|${dims}`;
}

function invalid(message: string): JsonAnswer {
  return { status: 400, body: {}, error: { code: 'InvalidParameterValue', message } };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The metric store and the GetMetricData action. */
export class FakeCloudWatch {
  private readonly series = new Map<string, Array<{ at: number; value: number }>>();

  put(input: MetricSeriesInput): void {
    const key = seriesKey(input.namespace, input.metric, input.dimensions ?? {});
    const points = [
      ...(this.series.get(key) ?? []),
      ...input.points.map((p) => ({ at: p.at.getTime(), value: p.value })),
    ];
    this.series.set(
      key,
      points.sort((a, b) => a.at - b.at),
    );
  }

  clear(): void {
    this.series.clear();
  }

  /** Answers one JSON request for `action`; unknown actions get AWS's UnknownOperationException. */
  handle(action: string, raw: string): JsonAnswer {
    if (action !== 'GetMetricData')
      return { status: 400, body: {}, error: { code: 'UnknownOperationException', message: '' } };
    let input: Record<string, unknown> | undefined;
    try {
      input = asRecord(JSON.parse(raw));
    } catch {
      input = undefined;
    }
    if (!input) return { status: 400, body: {}, error: { code: 'SerializationException', message: 'bad JSON' } };
    const start = input.StartTime;
    const end = input.EndTime;
    if (typeof start !== 'number' || typeof end !== 'number' || !(end > start))
      return invalid('The parameter StartTime must be less than the parameter EndTime.');
    const queries = Array.isArray(input.MetricDataQueries) ? input.MetricDataQueries : [];
    if (queries.length === 0) return invalid('The parameter MetricDataQueries is required.');
    const ascending = input.ScanBy === 'TimestampAscending';
    const maxDatapoints = typeof input.MaxDatapoints === 'number' ? input.MaxDatapoints : 100_800;
    const offset = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;

    const results: Array<{ Id: string; Label: string; Timestamps: number[]; Values: number[]; StatusCode: string }> =
      [];
    let total = 0;
    for (const q of queries) {
      const query = asRecord(q);
      const stat = asRecord(query?.MetricStat);
      const metric = asRecord(stat?.Metric);
      const id = query?.Id;
      if (typeof id !== 'string' || !stat || !metric) return invalid('Each query needs an Id and a MetricStat.');
      const period = stat.Period;
      const statistic = typeof stat.Stat === 'string' ? STATISTICS[stat.Stat] : undefined;
      if (typeof period !== 'number' || period < 1 || (period >= 60 && period % 60 !== 0))
        return invalid('The parameter MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60.');
      if (!statistic) return invalid(`The statistic ${String(stat.Stat)} is not supported here.`);
      const dimensions = Object.fromEntries(
        (Array.isArray(metric.Dimensions) ? metric.Dimensions : []).map((d) => {
          const dim = asRecord(d);
          return [String(dim?.Name), String(dim?.Value)];
        }),
      );
      const points = this.series.get(seriesKey(String(metric.Namespace), String(metric.MetricName), dimensions)) ?? [];
      // CloudWatch's periods start at StartTime; the datapoint of a period is stamped with its start.
      const buckets = new Map<number, number[]>();
      const periodMs = period * 1000;
      for (const p of points) {
        if (p.at < start * 1000 || p.at >= end * 1000) continue;
        const bucket = start * 1000 + Math.floor((p.at - start * 1000) / periodMs) * periodMs;
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), p.value]);
      }
      const stamps = [...buckets.keys()].sort((a, b) => (ascending ? a - b : b - a));
      total += stamps.length;
      results.push({
        Id: id,
        Label: String(metric.MetricName),
        Timestamps: stamps.map((t) => t / 1000),
        Values: stamps.map((t) => statistic(buckets.get(t) as number[])),
        StatusCode: 'Complete',
      });
    }
    // Paging over the first query only: enough for one series read in slices, as the SDK's paginator does.
    const first = results[0];
    if (first && total > maxDatapoints) {
      const next = offset + maxDatapoints;
      first.Timestamps = first.Timestamps.slice(offset, next);
      first.Values = first.Values.slice(offset, next);
      const more = next < total;
      first.StatusCode = more ? 'PartialData' : 'Complete';
      return {
        status: 200,
        body: { MetricDataResults: results, Messages: [], ...(more ? { NextToken: String(next) } : {}) },
      };
    }
    return { status: 200, body: { MetricDataResults: results, Messages: [] } };
  }

  /** An injected fault, in CloudWatch's JSON error shape. */
  static errorAnswer(error: CloudError): JsonAnswer {
    return { status: error.status, body: {}, error: { code: error.code, message: error.message } };
  }
}

/** The JSON error body and its Query-compatible header, as CloudWatch sends them. */
export function jsonErrorBody(code: string, message: string): { body: string; queryError: string } {
  return {
    body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${code}`, message }),
    queryError: `${code};Sender`,
  };
}
