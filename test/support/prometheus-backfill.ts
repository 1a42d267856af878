// A real Prometheus (Debian's prometheus) serving history written beforehand: the series are written as an
// OpenMetrics file, backfilled with `promtool tsdb create-blocks-from openmetrics`, and Prometheus starts on that
// TSDB with a retention long enough to keep blocks from years ago. It scrapes nothing; tests query it at
// simulated "now" points.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDaemon } from './daemon';
import { PROMETHEUS_BIN, type RunningPrometheus } from './prometheus';

export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

export interface BackfilledSeries {
  /** A gauge's name, e.g. web_requests_per_second. */
  name: string;
  labels: Record<string, string>;
  /** Oldest first. */
  points: Array<{ at: Date; value: number }>;
}

/** The OpenMetrics text promtool backfills from: one gauge family per name, samples in time order, `# EOF`. */
export function openMetrics(series: readonly BackfilledSeries[]): string {
  const lines: string[] = [];
  for (const name of new Set(series.map((s) => s.name))) {
    lines.push(`# HELP ${name} Backfilled by the test.`, `# TYPE ${name} gauge`);
    for (const s of series.filter((x) => x.name === name)) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      for (const p of s.points) lines.push(`${name}{${labels}} ${p.value} ${p.at.getTime() / 1000}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

export async function startBackfilledPrometheus(series: readonly BackfilledSeries[]): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-prom-backfill-'));
  const data = join(dir, 'data');
  writeFileSync(join(dir, 'history.om'), openMetrics(series));
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  await promisify(execFile)(
    PROMTOOL_BIN,
    ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), data],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((error: Error) => {
    throw new Error(`promtool could not backfill (install Debian's prometheus): ${error.message}`);
  });
  return startDaemon({
    bin: PROMETHEUS_BIN,
    packageName: 'prometheus',
    dir,
    args: (port) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      // Backfilled blocks are years old; the default 15 days would delete them at start.
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    ready: async (url) => (await fetch(`${url}/-/ready`)).ok,
    readyTimeoutMs: 20_000,
  });
}
