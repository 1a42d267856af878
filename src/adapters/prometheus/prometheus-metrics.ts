// The Metrics port over Prometheus's HTTP API: GET /api/v1/query_range, its answer checked with zod, every
// failure (no answer, timeout, HTTP error, `status: "error"`) turned into the port's `{ ok: false }` with a reason.
//
// Credentials in the base URL (https://user:pass@prometheus…) are sent as Basic auth and never appear in a
// reason: reasons name the origin only.
import { z } from 'zod';
import type {
  MetricFailureKind,
  MetricPoint,
  MetricQuery,
  MetricRange,
  MetricReadResult,
  Metrics,
} from '../../ports/metrics';

export interface PrometheusMetricsOptions {
  /** Prometheus's base URL, e.g. http://prometheus:9090 (a path prefix is kept: http://host/prometheus). */
  url: string;
  /** Per request; 10 s by default. */
  timeoutMs?: number;
  /** node's fetch by default; the tests give none. */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 10_000;

// A sample is [unix seconds, "value"]; the value is a string so that NaN and ±Inf survive JSON.
const sample = z.tuple([z.number(), z.string()]);
const success = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sample) })),
  }),
});
const failure = z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() });

/** The value of a sample, or undefined for NaN, ±Inf and anything that is not a number (dropped, not zero). */
function finite(raw: string): number | undefined {
  const value = Number(raw);
  return raw.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

/** Prometheus's own short words for a series: `{job="web"}`; `{}` for an aggregate. */
function seriesName(metric: Record<string, string>): string {
  return `{${Object.entries(metric)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  // Shapes, not instanceof: fetch's errors may come from another realm (undici's, or a test VM's).
  const e = error as { name?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return typeof e?.message === 'string' ? e.message : String(error);
}

export function createPrometheusMetrics(options: PrometheusMetricsOptions): Metrics {
  const base = new URL(options.url);
  const authorization =
    base.username !== ''
      ? `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`
      : undefined;
  base.username = '';
  base.password = '';
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;

  const fail = (kind: MetricFailureKind, why: string): MetricReadResult => ({
    ok: false,
    kind,
    reason: `Prometheus at ${origin}: ${why}`,
  });

  async function read(query: MetricQuery, range: MetricRange): Promise<MetricReadResult> {
    if (query.source !== 'prometheus') return fail('rejected', `cannot read a ${query.source} metric`);
    const url = new URL(`${basePath}/api/v1/query_range`, origin);
    url.search = new URLSearchParams({
      query: query.query,
      start: String(range.start.getTime() / 1000),
      end: String(range.end.getTime() / 1000),
      step: `${range.stepSeconds}s`,
    }).toString();

    let response: Response;
    let body: unknown;
    try {
      response = await doFetch(url, {
        headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    } catch (error) {
      return fail('unreachable', describeFetchError(error, timeoutMs));
    }

    const error = failure.safeParse(body);
    if (error.success) {
      // bad_data: the query or range is wrong and will stay wrong; anything else (timeout, execution…) may pass.
      const kind = error.data.errorType === 'bad_data' ? 'rejected' : 'unavailable';
      return fail(kind, `${error.data.errorType}: ${error.data.error}`);
    }
    if (!response.ok) {
      const kind = response.status === 401 || response.status === 403 ? 'rejected' : 'unavailable';
      return fail(kind, `HTTP ${response.status}`);
    }
    const parsed = success.safeParse(body);
    if (!parsed.success) return fail('unavailable', 'the answer is not a query_range matrix (is this URL Prometheus?)');

    const series = parsed.data.data.result;
    if (series.length > 1)
      return fail(
        'rejected',
        `the query yields ${series.length} series (${series
          .slice(0, 3)
          .map((s) => seriesName(s.metric))
          .join(', ')}…); aggregate it to one, e.g. sum(…)`,
      );
    const points: MetricPoint[] = [];
    for (const [seconds, raw] of series[0]?.values ?? []) {
      const value = finite(raw);
      if (value !== undefined) points.push({ at: new Date(Math.round(seconds * 1000)), value });
    }
    return { ok: true, points };
  }

  return { read };
}
