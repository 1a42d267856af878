// The local Prometheus speaks Prometheus's query API: driven here by the real Prometheus adapter (the shapes it
// validates, the errors it maps) and by plain HTTP for what the adapter never sends (POST, bad parameters, /-/ready).
// The sandbox's web traffic it serves follows the seed's flash sale.
import { createPrometheusMetrics } from '../../src/adapters/prometheus/prometheus-metrics';
import type { MetricQuery } from '../../src/ports/metrics';
import { FakePrometheus } from '../../src/sandbox/fake-prometheus';
import { FLASH_SALE_START, flashSaleExtra, usualLoad } from '../../src/sandbox/load-curves';
import { SALE_LEAD_MINUTES, WEB_REQUEST_RATE_QUERY, WebTraffic } from '../../src/sandbox/web-traffic';

const MINUTE = 60_000;
const WEB: MetricQuery = { source: 'prometheus', query: WEB_REQUEST_RATE_QUERY };
const now = new Date('2023-02-15T12:00:00Z').getTime();
let prometheus: FakePrometheus;
const traffic = new WebTraffic();

beforeAll(async () => {
  prometheus = await FakePrometheus.start({ clock: () => now });
  prometheus.setSeries(WEB_REQUEST_RATE_QUERY, (at) => traffic.rateAt(at));
});
afterAll(() => prometheus.stop());

const metrics = () => createPrometheusMetrics({ url: prometheus.url });
const range = (start: string, end: string, stepSeconds = 60) => ({
  start: new Date(start),
  end: new Date(end),
  stepSeconds,
});

async function raw(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${prometheus.url}${path}`, init);
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

describe('query_range through the Prometheus adapter', () => {
  it('answers the web query at each step from start, oldest first, the values following the seed flash sale', async () => {
    const read = await metrics().read(WEB, range('2023-02-15T11:00:00Z', '2023-02-15T11:58:00Z', 120));
    if (!read.ok) throw new Error(read.reason);
    expect(read.points).toHaveLength(30);
    expect(read.points[0]?.at).toEqual(new Date('2023-02-15T11:00:00Z'));
    expect(read.points[29]?.at).toEqual(new Date('2023-02-15T11:58:00Z'));
    for (const point of read.points) expect(point.value).toBe(traffic.rateAt(point.at));
    // Before the sale: the usual load (within its noise); at 11:58, the surge on top of it.
    const first = read.points[0]?.value ?? 0;
    expect(first).toBeGreaterThan(usualLoad(new Date('2023-02-15T11:00:00Z')) * 0.8);
    expect(first).toBeLessThan(usualLoad(new Date('2023-02-15T11:00:00Z')) * 1.2);
    const last = read.points[29]?.value ?? 0;
    expect(last - usualLoad(new Date('2023-02-15T11:58:00Z')) * 1.2).toBeGreaterThan(
      flashSaleExtra(new Date('2023-02-15T11:58:00Z')) * 0.9,
    );
  });

  it('evaluates at start + k·step without aligning, and has no samples after now', async () => {
    const read = await metrics().read(WEB, range('2023-02-15T11:40:30Z', '2023-02-15T12:30:00Z', 420));
    if (!read.ok) throw new Error(read.reason);
    // now is 12:00: 12:01:30 would be the next step.
    expect(read.points.map((p) => p.at.toISOString())).toEqual([
      '2023-02-15T11:40:30.000Z',
      '2023-02-15T11:47:30.000Z',
      '2023-02-15T11:54:30.000Z',
    ]);
  });

  it('answers a query nobody scrapes with no data, as Prometheus does', async () => {
    const read = await metrics().read(
      { source: 'prometheus', query: 'sum(rate(http_requests_total{job="shop"}[1m]))' },
      range('2023-02-15T11:00:00Z', '2023-02-15T11:10:00Z'),
    );
    expect(read).toEqual({ ok: true, points: [] });
  });

  it('refuses a query it cannot parse with bad_data, which the adapter reports as rejected', async () => {
    const read = await metrics().read(
      { source: 'prometheus', query: 'sum(rate(x[1m])' },
      range('2023-02-15T11:00:00Z', '2023-02-15T11:10:00Z'),
    );
    expect(read).toEqual({
      ok: false,
      kind: 'rejected',
      reason: expect.stringMatching(/^Prometheus at http:\/\/127\.0\.0\.1:\d+: bad_data: invalid parameter "query"/),
    });
  });

  it('refuses more than 11,000 points, as Prometheus does', async () => {
    const read = await metrics().read(WEB, range('2023-02-01T00:00:00Z', '2023-02-15T00:00:00Z', 60));
    expect(read).toMatchObject({
      ok: false,
      kind: 'rejected',
      reason: expect.stringContaining('exceeded maximum resolution of 11,000 points'),
    });
  });
});

describe('the HTTP API itself', () => {
  it('answers POSTed forms as GET queries, with the matrix shape', async () => {
    const start = Date.parse('2023-02-15T11:30:00Z') / 1000;
    const { status, body } = await raw('/api/v1/query_range', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        query: WEB_REQUEST_RATE_QUERY,
        start: String(start),
        end: '2023-02-15T11:31:00Z',
        step: '1m',
      }),
    });
    expect(status).toBe(200);
    const at = new Date('2023-02-15T11:30:00Z');
    expect(body).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [start, String(traffic.rateAt(at))],
              [start + 60, String(traffic.rateAt(new Date(at.getTime() + MINUTE)))],
            ],
          },
        ],
      },
    });
  });

  it.each([
    [
      { start: 'soon', end: '1676460000', step: '60' },
      'invalid parameter "start": cannot parse "soon" to a valid timestamp',
    ],
    [
      { start: '1676460000', end: '1676450000', step: '60' },
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [
      { start: '1676450000', end: '1676460000', step: '0' },
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      { start: '1676450000', end: '1676460000', step: 'often' },
      'invalid parameter "step": cannot parse "often" to a valid duration',
    ],
    [
      { start: '1676450000', end: '1676460000', step: '60', query: '' },
      'invalid parameter "query": 1:1: parse error: no expression found in input',
    ],
  ])('answers bad parameters %j with 400 bad_data', async (params, error) => {
    const search = new URLSearchParams({ query: WEB_REQUEST_RATE_QUERY, ...params });
    expect(await raw(`/api/v1/query_range?${search}`)).toEqual({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error },
    });
  });

  it('says it is ready, and 404s what it does not serve', async () => {
    expect(await raw('/-/ready')).toEqual({ status: 200, body: 'Prometheus Server is Ready.\n' });
    expect((await raw('/api/v1/query')).status).toBe(404);
  });
});

describe('the sandbox web traffic', () => {
  it('defaults to the seed sale and moves it to a few minutes after "Start a flash sale", kept across a restart', () => {
    const fresh = new WebTraffic();
    expect(fresh.saleStart).toEqual(FLASH_SALE_START);
    const clicked = new Date('2026-12-02T09:00:00Z');
    const live = fresh.startSale(clicked);
    expect(live).toEqual(new Date(clicked.getTime() + SALE_LEAD_MINUTES * MINUTE));
    // The same surge as the seed's, shifted: 25 minutes after going live it is as high as the seed's at 11:50.
    const seedExtra = flashSaleExtra(new Date(FLASH_SALE_START.getTime() + 25 * MINUTE));
    const at = new Date(live.getTime() + 25 * MINUTE);
    expect(fresh.rateAt(at)).toBeGreaterThan(seedExtra + usualLoad(at) * 0.8);
    const restarted = new WebTraffic();
    restarted.loadState(JSON.parse(JSON.stringify(fresh.saveState())));
    expect(restarted.saleStart).toEqual(live);
    expect(restarted.rateAt(at)).toBe(fresh.rateAt(at));
  });
});
