// One Metrics over each source's adapter: a query goes to the adapter of its `source` (prometheus, cloudwatch).
// Used by the composition root only. Each adapter is built on first use (the CloudWatch SDK loads only when a
// watch reads CloudWatch); a source with no adapter (no PROMETHEUS_URL) answers `rejected`, saying what to set.
import type { MetricQuery, MetricRange, MetricReadResult, Metrics } from '../ports/metrics';

export interface ClosableMetrics extends Metrics {
  close?(): void;
}

export interface MetricsRouter extends Metrics {
  /** Closes the adapters it built. */
  close(): void;
}

/** `unavailable[source]`: why there is no adapter for it, for the reason a read gives. */
export function routeBySource(
  adapters: Partial<Record<MetricQuery['source'], () => ClosableMetrics>>,
  unavailable: Partial<Record<MetricQuery['source'], string>> = {},
): MetricsRouter {
  const built = new Map<MetricQuery['source'], ClosableMetrics>();
  return {
    async read(query: MetricQuery, range: MetricRange): Promise<MetricReadResult> {
      let adapter = built.get(query.source);
      if (!adapter) {
        const build = adapters[query.source];
        if (!build)
          return {
            ok: false,
            kind: 'rejected',
            reason: unavailable[query.source] ?? `no ${query.source} metrics source is configured`,
          };
        adapter = build();
        built.set(query.source, adapter);
      }
      return adapter.read(query, range);
    },
    close() {
      for (const adapter of built.values()) adapter.close?.();
      built.clear();
    },
  };
}
