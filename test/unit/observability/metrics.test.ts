// Metric names: Firebreak's own under firebreak_, prom-client's process and Node.js metrics under their standard names.
import { createMetrics } from '../../../src/observability/metrics';

it('exposes the standard process_* and nodejs_* metrics, never with a doubled prefix', async () => {
  const { registry } = createMetrics({ outboxDepth: async () => 0 });
  const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_seconds',
      'firebreak_outbox_depth',
    ]),
  );
  expect(names.filter((n) => /process_process|^firebreak_process_|^firebreak_nodejs_/.test(n))).toEqual([]);
  for (const name of names) expect(name).toMatch(/^(firebreak|process|nodejs)_/);
  registry.clear();
});
