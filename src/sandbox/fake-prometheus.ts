// A local Prometheus for the sandbox and the tests: its HTTP query API (`/api/v1/query_range`, GET or a POSTed
// form, and `/-/ready`, `/-/healthy`) with Prometheus's own answer and error shapes, serving series that are
// functions of time on the sandbox's clock instead of scraped samples. A query it does not know is a metric
// nobody scrapes: an empty matrix, as Prometheus answers. Samples exist only up to "now" (no future data).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeNow, listenLocally, readBody, serveRequests } from './local-server';

/** The load at a moment, or undefined where the series has no sample. */
export type SeriesFunction = (at: Date) => number | undefined;

export interface FakePrometheusOptions {
  host?: string;
  port?: number;
  /** Milliseconds since the epoch: no sample is newer. Date.now by default. */
  clock?: () => number;
}

/** Prometheus's own limit on one query_range answer (its "exceeded maximum resolution" error). */
export const MAX_POINTS_PER_SERIES = 11_000;
const MAX_BODY_BYTES = 64 * 1024;

class BadData extends Error {}

/** Prometheus reads a timestamp as Unix seconds (fractions allowed) or RFC 3339. */
function parseTime(raw: string | undefined, name: string): number {
  const text = raw ?? '';
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const rfc = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(rfc)) return rfc;
  throw new BadData(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A step as Prometheus takes it: seconds (`60`, `0.5`) or a duration (`60s`, `1m30s`), in milliseconds. */
function parseStep(raw: string | undefined): number {
  const text = raw ?? '';
  let ms: number;
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else if (/^(\d+(ms|s|m|h|d))+$/.test(text))
    ms = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)].reduce(
      (sum, [, n, unit]) => sum + Number(n) * (DURATION_UNITS[unit ?? 's'] ?? 0),
      0,
    );
  else throw new BadData(`invalid parameter "step": cannot parse "${text}" to a valid duration`);
  if (!(ms > 0))
    throw new BadData(
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  return ms;
}

/** Enough of PromQL's grammar to refuse what Prometheus would not parse: nothing, or unbalanced brackets/quotes. */
function checkQuery(query: string): void {
  if (query.trim() === '')
    throw new BadData('invalid parameter "query": 1:1: parse error: no expression found in input');
  const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const open: string[] = [];
  let quote: string | null = null;
  for (const ch of query) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') open.push(ch);
    else if (ch in closing && open.pop() !== closing[ch])
      throw new BadData(`invalid parameter "query": 1:${query.indexOf(ch) + 1}: parse error: unexpected "${ch}"`);
  }
  if (quote || open.length > 0) throw new BadData('invalid parameter "query": parse error: unclosed expression');
}

/** Whitespace is not significant in PromQL outside strings; the fake compares queries without it. */
function normalize(query: string): string {
  return query.replace(/\s+/g, '');
}

/** Prometheus prints sample values as Go's strconv.FormatFloat(v, 'f', -1, 64): shortest exact decimal. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

export class FakePrometheus {
  private readonly series = new Map<string, { labels: Record<string, string>; at: SeriesFunction }>();
  /** Every query_range asked, oldest first: what a test checks was read. */
  readonly queries: Array<{ query: string; start: number; end: number; stepMs: number }> = [];

  private constructor(
    private readonly server: Server,
    /** http://127.0.0.1:PORT (PROMETHEUS_URL). */
    readonly url: string,
    private readonly clock: () => number,
  ) {}

  static async start(options: FakePrometheusOptions = {}): Promise<FakePrometheus> {
    const { server, url } = await listenLocally(options);
    const fake = new FakePrometheus(server, url, options.clock ?? Date.now);
    serveRequests(
      server,
      'the local Prometheus',
      (req, res) => fake.handle(req, res),
      (res) =>
        FakePrometheus.answer(res, 500, {
          status: 'error',
          errorType: 'internal',
          error: 'the local Prometheus failed',
        }),
    );
    return fake;
  }

  /** Serves `query` (compared without whitespace) from `at`; `labels` are the one series' labels (none for sum). */
  setSeries(query: string, at: SeriesFunction, labels: Record<string, string> = {}): void {
    this.series.set(normalize(query), { labels, at });
  }

  stop(): Promise<void> {
    return closeNow(this.server);
  }

  private static answer(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://prometheus');
    if (url.pathname === '/-/ready') return void res.writeHead(200).end('Prometheus Server is Ready.\n');
    if (url.pathname === '/-/healthy') return void res.writeHead(200).end('Prometheus Server is Healthy.\n');
    if (url.pathname !== '/api/v1/query_range') return void res.writeHead(404).end('404 page not found\n');
    if (req.method !== 'GET' && req.method !== 'POST')
      return void res.writeHead(405, { allow: 'GET, POST' }).end('405 method not allowed\n');

    const params = new URLSearchParams(url.search);
    if (req.method === 'POST') {
      const body = await readBody(req, MAX_BODY_BYTES);
      if (body === null)
        return FakePrometheus.answer(res, 400, {
          status: 'error',
          errorType: 'bad_data',
          error: 'request body too large',
        });
      for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value);
    }
    try {
      FakePrometheus.answer(res, 200, { status: 'success', data: this.queryRange(params) });
    } catch (error) {
      if (!(error instanceof BadData)) throw error;
      FakePrometheus.answer(res, 400, { status: 'error', errorType: 'bad_data', error: error.message });
    }
  }

  private queryRange(params: URLSearchParams): { resultType: 'matrix'; result: unknown[] } {
    const start = parseTime(params.get('start') ?? undefined, 'start');
    const end = parseTime(params.get('end') ?? undefined, 'end');
    if (end < start) throw new BadData('invalid parameter "end": end timestamp must not be before start time');
    const stepMs = parseStep(params.get('step') ?? undefined);
    if ((end - start) / stepMs > MAX_POINTS_PER_SERIES)
      throw new BadData(
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    const query = params.get('query') ?? '';
    checkQuery(query);
    this.queries.push({ query, start, end, stepMs });

    const series = this.series.get(normalize(query));
    if (!series) return { resultType: 'matrix', result: [] };
    // Evaluated at start, start + step, … ≤ end, as Prometheus does (no alignment of its own); none after now.
    const now = this.clock();
    const values: Array<[number, string]> = [];
    for (let t = start; t <= end && t <= now; t += stepMs) {
      const value = series.at(new Date(t));
      if (value !== undefined) values.push([t / 1000, formatValue(value)]);
    }
    return { resultType: 'matrix', result: values.length > 0 ? [{ metric: series.labels, values }] : [] };
  }
}
