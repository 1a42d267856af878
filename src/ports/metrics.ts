// What capacity forecasting needs from a metrics source, in no provider's words: one time series over a range.
// Each provider is one adapter (adapters/prometheus, adapters/aws/cloudwatch-metrics). A source that cannot
// answer is an outcome the caller shows ("Prometheus unreachable: …"), never a throw: a watcher that reads every
// minute must keep running, and say why it has nothing to say, when its source is down.

import type { MetricPoint, MetricQuery } from '../domain/capacity/series';

// The shapes live in the domain (a watch names its query; the forecast reads points). A point's value is always
// finite: adapters drop NaN and ±Inf samples.
export type { MetricPoint, MetricQuery };

export interface MetricRange {
  start: Date;
  end: Date;
  /** Seconds between points (Prometheus's step, CloudWatch's period). */
  stepSeconds: number;
}

/** Why a read failed: the source could not be reached or answered an error (retry later), or refused the query. */
export type MetricFailureKind = 'unreachable' | 'unavailable' | 'rejected';

export type MetricReadResult =
  | { ok: true; points: MetricPoint[] }
  | {
      ok: false;
      kind: MetricFailureKind;
      /** For people, with the source's own words where it gave some, and never a credential. */
      reason: string;
    };

export interface Metrics {
  /**
   * The series for `query` over `range`, oldest first, one value per instant; empty when there is no data. A query
   * that yields several series is refused (aggregate it: `sum(…)`), since which one to forecast would be a guess.
   * Never throws: every failure is `{ ok: false }`.
   */
  read(query: MetricQuery, range: MetricRange): Promise<MetricReadResult>;
}
