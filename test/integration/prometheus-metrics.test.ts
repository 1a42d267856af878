// The Prometheus metrics adapter and the capacity forecast against a real Prometheus: the seed's flash sale and
// an ordinary week are backfilled with promtool and read through query_range at simulated "now" points, as the
// capacity watch will read them every interval. Also: a closed port, a hanging server, a bad query, two series.
import { createServer, type Server } from 'node:http';
import { createPrometheusMetrics } from '../../src/adapters/prometheus/prometheus-metrics';
import { planCapacity } from '../../src/domain/capacity/capacity-plan';
import type { CapacityWatch } from '../../src/domain/capacity/watch';
import { checkCapacity } from '../../src/flows/capacity-check';
import { forecastLoad } from '../../src/domain/capacity/forecast';
import type { MetricQuery, Metrics } from '../../src/ports/metrics';
import {
  FLASH_SALE_EXTRA_RPS,
  FLASH_SALE_START,
  USUAL_PEAK_RPS,
  flashSaleDay,
  flashSaleExtra,
  usualLoad,
  usualWeek,
} from '../../src/sandbox/load-curves';
import { freePort } from '../support/free-port';
import { startBackfilledPrometheus } from '../support/prometheus-backfill';
import type { RunningPrometheus } from '../support/prometheus';

jest.setTimeout(120_000);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEB = { instances: 4, perInstance: 250, targetUtilization: 0.7 };
const LOOKAHEAD = 20;
const HISTORY_DAYS = 3;
const WEB_LOAD: MetricQuery = { source: 'prometheus', query: 'sum(web_requests_per_second{job="web"})' };

let prometheus: RunningPrometheus;
let metrics: Metrics;

beforeAll(async () => {
  prometheus = await startBackfilledPrometheus([
    {
      name: 'web_requests_per_second',
      labels: { job: 'web', instance: 'web-1' },
      points: flashSaleDay({ start: new Date('2023-02-12T00:00:00Z'), end: new Date('2023-02-15T14:00:00Z'), seed: 7 }),
    },
    {
      name: 'web_requests_per_second',
      labels: { job: 'shop', instance: 'shop-1' },
      points: usualWeek({ start: new Date('2023-03-01T00:00:00Z'), end: new Date('2023-03-11T00:00:00Z'), seed: 3 }),
    },
    {
      name: 'web_requests_per_second',
      labels: { job: 'shop', instance: 'shop-2' },
      points: usualWeek({ start: new Date('2023-03-01T00:00:00Z'), end: new Date('2023-03-11T00:00:00Z'), seed: 4 }),
    },
  ]);
  metrics = createPrometheusMetrics({ url: prometheus.url });
});

afterAll(async () => {
  await prometheus?.stop();
});

/** What the watch does each interval: read the history up to now, forecast, plan. */
async function planAt(query: MetricQuery, now: Date, instances: number) {
  const read = await metrics.read(query, {
    start: new Date(now.getTime() - HISTORY_DAYS * DAY - 60 * MINUTE),
    end: now,
    stepSeconds: 60,
  });
  if (!read.ok) throw new Error(read.reason);
  const forecast = forecastLoad(read.points, { now, lookaheadMinutes: LOOKAHEAD });
  if (!forecast) throw new Error(`no points before ${now.toISOString()}`);
  return { points: read.points, forecast, plan: planCapacity({ forecast, ...WEB, instances }) };
}

describe('query_range through the adapter', () => {
  it('reads the backfilled series at one-minute steps, oldest first', async () => {
    const read = await metrics.read(WEB_LOAD, {
      start: new Date('2023-02-15T11:00:00Z'),
      end: new Date('2023-02-15T11:30:00Z'),
      stepSeconds: 60,
    });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.points).toHaveLength(31);
    expect(read.points[0]?.at).toEqual(new Date('2023-02-15T11:00:00Z'));
    expect(read.points[30]?.at).toEqual(new Date('2023-02-15T11:30:00Z'));
    expect(read.points[30]?.value).toBeGreaterThan(0);
  });

  it('answers an empty series where there is no data', async () => {
    const read = await metrics.read(WEB_LOAD, {
      start: new Date('2020-01-01T00:00:00Z'),
      end: new Date('2020-01-01T01:00:00Z'),
      stepSeconds: 60,
    });
    expect(read).toEqual({ ok: true, points: [] });
  });

  it('drops NaN samples instead of reading them as numbers', async () => {
    const read = await metrics.read(
      { source: 'prometheus', query: 'sum(web_requests_per_second{job="web"}) * (0/0)' },
      { start: new Date('2023-02-15T11:00:00Z'), end: new Date('2023-02-15T11:05:00Z'), stepSeconds: 60 },
    );
    expect(read).toEqual({ ok: true, points: [] });
  });

  it('refuses a bad query with Prometheus own words (400, bad_data)', async () => {
    const read = await metrics.read(
      { source: 'prometheus', query: 'sum(web_requests_per_second' },
      { start: new Date('2023-02-15T11:00:00Z'), end: new Date('2023-02-15T11:30:00Z'), stepSeconds: 60 },
    );
    expect(read).toEqual({
      ok: false,
      kind: 'rejected',
      reason: expect.stringMatching(/^Prometheus at http:\/\/127\.0\.0\.1:\d+: bad_data: .*parse error/),
    });
  });

  it('refuses a query that yields several series, naming them', async () => {
    const read = await metrics.read(
      { source: 'prometheus', query: 'web_requests_per_second{job="shop"}' },
      { start: new Date('2023-03-05T11:00:00Z'), end: new Date('2023-03-05T11:30:00Z'), stepSeconds: 60 },
    );
    expect(read).toMatchObject({ ok: false, kind: 'rejected' });
    expect(!read.ok && read.reason).toMatch(/yields 2 series .*instance="shop-1".*sum\(…\)/);
  });

  it('refuses a CloudWatch query', async () => {
    const read = await metrics.read(
      { source: 'cloudwatch', namespace: 'AWS/EC2', metric: 'CPUUtilization', dimensions: {}, statistic: 'Average' },
      { start: new Date('2023-03-05T11:00:00Z'), end: new Date('2023-03-05T11:30:00Z'), stepSeconds: 60 },
    );
    expect(read).toMatchObject({ ok: false, kind: 'rejected' });
  });
});

describe('an unreachable or broken Prometheus is an outcome, not a crash', () => {
  const range = { start: new Date('2023-02-15T11:00:00Z'), end: new Date('2023-02-15T11:30:00Z'), stepSeconds: 60 };
  let hanging: Server;
  let notPrometheus: Server;
  let overloaded: Server;
  let guarded: Server;
  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('no address');
    return `http://127.0.0.1:${address.port}`;
  };
  beforeAll(() => {
    hanging = createServer(() => {
      // never answers
    });
    // What Prometheus answers when a query runs past --query.timeout.
    overloaded = createServer((_, res) =>
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' }),
        ),
    );
    // A reverse proxy in front of Prometheus that wants reader:s3cret (Basic auth).
    guarded = createServer((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('reader:s3cret').toString('base64')}`) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: {},
                values: [
                  [1676458800, '42'],
                  [1676458860, '+Inf'],
                ],
              },
            ],
          },
        }),
      );
    });
    notPrometheus = createServer((_, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'),
    );
  });
  afterAll(async () => {
    for (const server of [hanging, notPrometheus, overloaded, guarded]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a closed port: unreachable, with the origin and without the credentials of the URL', async () => {
    const port = await freePort();
    const read = await createPrometheusMetrics({ url: `http://reader:s3cret@127.0.0.1:${port}/prom` }).read(
      WEB_LOAD,
      range,
    );
    expect(read).toEqual({
      ok: false,
      kind: 'unreachable',
      reason: `Prometheus at http://127.0.0.1:${port}: ECONNREFUSED`,
    });
  });

  it('no answer within the timeout: unreachable', async () => {
    const url = await listen(hanging);
    const read = await createPrometheusMetrics({ url, timeoutMs: 300 }).read(WEB_LOAD, range);
    expect(read).toEqual({ ok: false, kind: 'unreachable', reason: `Prometheus at ${url}: no answer within 300 ms` });
  });

  it("Prometheus's own query timeout (503, errorType timeout): unavailable, in its words", async () => {
    const url = await listen(overloaded);
    const read = await createPrometheusMetrics({ url }).read(WEB_LOAD, range);
    expect(read).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: `Prometheus at ${url}: timeout: query timed out in expression evaluation`,
    });
  });

  it('credentials in the URL go as Basic auth; without them a 401 is rejected; +Inf is dropped', async () => {
    const url = await listen(guarded);
    const withCredentials = url.replace('http://', 'http://reader:s3cret@');
    expect(await createPrometheusMetrics({ url: withCredentials }).read(WEB_LOAD, range)).toEqual({
      ok: true,
      points: [{ at: new Date(1676458800_000), value: 42 }],
    });
    const refused = await createPrometheusMetrics({ url }).read(WEB_LOAD, range);
    expect(refused).toEqual({ ok: false, kind: 'rejected', reason: `Prometheus at ${url}: HTTP 401` });
  });

  it('something that is not Prometheus: unavailable, saying so', async () => {
    const url = await listen(notPrometheus);
    const read = await createPrometheusMetrics({ url }).read(WEB_LOAD, range);
    expect(read).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: `Prometheus at ${url}: the answer is not a query_range matrix (is this URL Prometheus?)`,
    });
  });
});

describe('the capacity forecast on a real Prometheus', () => {
  it('the seed flash sale: warns at least 10 minutes before the load exceeds capacity, its +N under the target for the whole lookahead', async () => {
    const capacity = WEB.instances * WEB.perInstance;
    // The sale at its height (~3,100 req/s) needs 18 instances at 70 %; no offer may ask for half as many again.
    const peakNeeds = Math.ceil((USUAL_PEAK_RPS + FLASH_SALE_EXTRA_RPS) / (WEB.perInstance * WEB.targetUtilization));
    let largestOffer = 0;
    let firstWarning: { at: Date; needed: number } | undefined;
    let saturation: Date | undefined;
    for (let t = FLASH_SALE_START.getTime() - 60 * MINUTE; t <= FLASH_SALE_START.getTime() + 40 * MINUTE; t += MINUTE) {
      const now = new Date(t);
      const { forecast, plan } = await planAt(WEB_LOAD, now, WEB.instances);
      expect(forecast.method).toBe('trend+daily');
      if (plan.warn) {
        expect(plan.sizedOn).toBe('surge');
        largestOffer = Math.max(largestOffer, plan.needed);
      }
      if (!firstWarning && plan.warn) {
        firstWarning = { at: now, needed: plan.needed };
        expect(plan.scaleOut).toBe(plan.needed - WEB.instances);
        // Issue 17: the offered +N, accepted, keeps utilization under the target for the whole lookahead.
        for (let k = 1; k <= LOOKAHEAD; k++) {
          const later = new Date(t + k * MINUTE);
          const utilization =
            (usualLoad(later) + flashSaleExtra(later)) / ((WEB.instances + plan.scaleOut) * WEB.perInstance);
          expect({ at: later.toISOString(), under: utilization <= WEB.targetUtilization }).toEqual({
            at: later.toISOString(),
            under: true,
          });
        }
      }
      if (!saturation && usualLoad(now) + flashSaleExtra(now) > capacity) saturation = now;
    }
    expect(firstWarning).toBeDefined();
    expect(saturation).toBeDefined();
    const leadMinutes = ((saturation as Date).getTime() - (firstWarning as { at: Date }).at.getTime()) / MINUTE;
    expect(leadMinutes).toBeGreaterThanOrEqual(10);
    expect(largestOffer).toBeLessThanOrEqual(1.5 * peakNeeds);
  });

  it('an ordinary week (daily rhythm, weekends, noise): no warning at all', async () => {
    const shop: MetricQuery = { source: 'prometheus', query: 'sum(web_requests_per_second{job="shop"})' };
    const warnings: string[] = [];
    // Two servers' worth of the usual load on 8 instances: the same 50 % peak utilization as the web tier.
    for (let t = Date.parse('2023-03-04T00:00:00Z'); t < Date.parse('2023-03-11T00:00:00Z'); t += 60 * MINUTE) {
      const { plan } = await planAt(shop, new Date(t), 2 * WEB.instances);
      if (plan.warn) warnings.push(new Date(t).toISOString());
    }
    expect(warnings).toEqual([]);
  });
});

describe('checkCapacity: one look at a watched target', () => {
  const watch: CapacityWatch = {
    query: WEB_LOAD,
    perInstance: 250,
    targetUtilization: 0.7,
    lookaheadMinutes: 20,
    intervalSeconds: 60,
  };
  const clockAt = (iso: string) => ({ now: () => new Date(iso) });

  it('plans from a week of history read at once: the flash sale under way asks for more than 4 instances', async () => {
    const check = await checkCapacity(
      { metrics, clock: clockAt('2023-02-15T11:35:00Z') },
      { watch, instances: 4, max: 40 },
    );
    expect(check).toMatchObject({ outcome: 'planned', at: new Date('2023-02-15T11:35:00Z') });
    if (check.outcome !== 'planned') return;
    expect(check.forecast.method).toBe('trend+daily');
    expect(check.plan.warn).toBe(true);
    expect(check.plan.scaleOut).toBe(check.plan.needed - 4);
    expect(check.plan.saturatesAt?.getTime()).toBeGreaterThan(Date.parse('2023-02-15T11:35:00Z'));
  });

  it('an ordinary morning: planned, no warning', async () => {
    const check = await checkCapacity({ metrics, clock: clockAt('2023-02-14T10:00:00Z') }, { watch, instances: 4 });
    expect(check).toMatchObject({ outcome: 'planned', plan: { warn: false, scaleOut: 0 } });
  });

  it('no points: no-data; a source down: source-failed with its reason', async () => {
    expect(await checkCapacity({ metrics, clock: clockAt('2020-01-01T00:00:00Z') }, { watch, instances: 4 })).toEqual({
      outcome: 'no-data',
      at: new Date('2020-01-01T00:00:00Z'),
    });
    const port = await freePort();
    const down = createPrometheusMetrics({ url: `http://127.0.0.1:${port}` });
    expect(
      await checkCapacity({ metrics: down, clock: clockAt('2023-02-15T11:35:00Z') }, { watch, instances: 4 }),
    ).toEqual({
      outcome: 'source-failed',
      at: new Date('2023-02-15T11:35:00Z'),
      kind: 'unreachable',
      reason: `Prometheus at http://127.0.0.1:${port}: ECONNREFUSED`,
    });
  });
});
