// A load series as the capacity forecast reads it, and what to read it with; the metrics port speaks these too.

export interface MetricPoint {
  at: Date;
  value: number;
}

/** What to read, per provider: a PromQL expression, or a CloudWatch metric with its statistic. */
export type MetricQuery =
  | { source: 'prometheus'; query: string }
  | {
      source: 'cloudwatch';
      namespace: string;
      metric: string;
      dimensions: Record<string, string>;
      /** CloudWatch's statistic: Sum, Average, Maximum, Minimum, SampleCount or a percentile such as p99. */
      statistic: string;
    };
