// The CloudWatch metrics adapter through the real SDK client (JSON 1.0 GetMetricData) against the local cloud:
// per-period statistics, pages, the SDK's own endpoint and credential chain, faults and a closed port as outcomes,
// and the flash-sale forecast read from CloudWatch.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { createCloudWatchMetrics, type CloudWatchMetrics } from '../../src/adapters/aws/cloudwatch-metrics';
import { planCapacity } from '../../src/domain/capacity/capacity-plan';
import { forecastLoad } from '../../src/domain/capacity/forecast';
import type { MetricQuery } from '../../src/ports/metrics';
import { FakeCloud } from '../../src/sandbox/fake-cloud';
import { FLASH_SALE_START, flashSaleDay } from '../../src/sandbox/load-curves';
import { freePort } from '../support/free-port';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const CREDENTIALS = { accessKeyId: 'AKIDFIREBREAKTEST', secretAccessKey: 'not-a-real-secret' };
const MINUTE = 60_000;
const REQUESTS: MetricQuery = {
  source: 'cloudwatch',
  namespace: 'AWS/ApplicationELB',
  metric: 'RequestCount',
  dimensions: { LoadBalancer: 'app/web-prod/50dc6c495c0c9188' },
  statistic: 'Sum',
};

let cloud: FakeCloud;
let client: CloudWatchClient;
let metrics: CloudWatchMetrics;

beforeAll(async () => {
  cloud = await FakeCloud.start();
  client = new CloudWatchClient({
    region: 'us-east-1',
    credentials: CREDENTIALS,
    endpoint: cloud.cloudWatchUrl,
    maxAttempts: 1,
  });
  metrics = createCloudWatchMetrics({ client });
});

afterEach(() => cloud.reset());

afterAll(async () => {
  metrics.close();
  client.destroy();
  await cloud.stop();
});

/** Ten-second datapoints of `value` requests each, from `from` for `minutes`. */
function putRequests(from: Date, minutes: number, value: (minute: number) => number): void {
  const points = [];
  for (let s = 0; s < minutes * 60; s += 10)
    points.push({ at: new Date(from.getTime() + s * 1000), value: value(Math.floor(s / 60)) });
  cloud.putMetricSeries({
    namespace: REQUESTS.source === 'cloudwatch' ? REQUESTS.namespace : '',
    metric: 'RequestCount',
    dimensions: { LoadBalancer: 'app/web-prod/50dc6c495c0c9188' },
    points,
  });
}

describe('GetMetricData through the SDK', () => {
  const from = new Date('2023-02-15T11:00:00Z');

  it('reads the statistic per period, oldest first, as the SDK sent it (JSON 1.0)', async () => {
    putRequests(from, 10, (m) => 100 + m);
    const read = await metrics.read(REQUESTS, {
      start: from,
      end: new Date(from.getTime() + 10 * MINUTE),
      stepSeconds: 60,
    });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.points).toHaveLength(10);
    expect(read.points[0]).toEqual({ at: from, value: 6 * 100 });
    expect(read.points[9]).toEqual({ at: new Date(from.getTime() + 9 * MINUTE), value: 6 * 109 });
    const [call] = cloud.calls('GetMetricData');
    expect(call).toMatchObject({ service: 'monitoring', status: 200 });
    expect(JSON.parse(call?.params.body ?? '{}')).toMatchObject({
      MetricDataQueries: [
        {
          Id: 'load',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'RequestCount',
              Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web-prod/50dc6c495c0c9188' }],
            },
            Period: 60,
            Stat: 'Sum',
          },
        },
      ],
      StartTime: from.getTime() / 1000,
      ScanBy: 'TimestampAscending',
    });
  });

  it('averages with Average, and answers no points for a metric with no data', async () => {
    putRequests(from, 5, () => 42);
    const average = await metrics.read({ ...REQUESTS, statistic: 'Average' } as MetricQuery, {
      start: from,
      end: new Date(from.getTime() + 5 * MINUTE),
      stepSeconds: 300,
    });
    expect(average).toEqual({ ok: true, points: [{ at: from, value: 42 }] });
    const none = await metrics.read({ ...REQUESTS, metric: 'HTTPCode_Target_5XX_Count' } as MetricQuery, {
      start: from,
      end: new Date(from.getTime() + 5 * MINUTE),
      stepSeconds: 60,
    });
    expect(none).toEqual({ ok: true, points: [] });
  });

  it('follows NextToken across pages', async () => {
    putRequests(from, 30, (m) => m);
    const paged = createCloudWatchMetrics({ client, maxDatapoints: 7 });
    const read = await paged.read(REQUESTS, {
      start: from,
      end: new Date(from.getTime() + 30 * MINUTE),
      stepSeconds: 60,
    });
    expect(read.ok && read.points.map((p) => p.value)).toEqual(Array.from({ length: 30 }, (_, m) => 6 * m));
    expect(cloud.calls('GetMetricData')).toHaveLength(5);
  });

  it('refuses what CloudWatch refuses, in its words (InvalidParameterValue)', async () => {
    const read = await metrics.read({ ...REQUESTS, statistic: 'Median' } as MetricQuery, {
      start: from,
      end: new Date(from.getTime() + 5 * MINUTE),
      stepSeconds: 60,
    });
    expect(read).toEqual({
      ok: false,
      kind: 'rejected',
      // The SDK names it by its modelled exception, found from the Query-compatible error code.
      reason: 'CloudWatch: InvalidParameterValueException: The statistic Median is not supported here.',
    });
  });

  it('throttling and server errors are "unavailable", retried later, not a crash', async () => {
    cloud.fail('GetMetricData', { code: 'Throttling' });
    const throttled = await metrics.read(REQUESTS, {
      start: from,
      end: new Date(from.getTime() + MINUTE),
      stepSeconds: 60,
    });
    expect(throttled).toEqual({ ok: false, kind: 'unavailable', reason: 'CloudWatch: Throttling: Rate exceeded' });
    cloud.fail('GetMetricData', { code: 'InternalFailure' });
    const failed = await metrics.read(REQUESTS, {
      start: from,
      end: new Date(from.getTime() + MINUTE),
      stepSeconds: 60,
    });
    expect(failed).toMatchObject({ ok: false, kind: 'unavailable' });
  });

  it('a closed port is "unreachable"', async () => {
    const port = await freePort();
    const closed = new CloudWatchClient({
      region: 'us-east-1',
      credentials: CREDENTIALS,
      endpoint: `http://127.0.0.1:${port}/`,
      maxAttempts: 1,
    });
    try {
      const read = await createCloudWatchMetrics({ client: closed }).read(REQUESTS, {
        start: from,
        end: new Date(from.getTime() + MINUTE),
        stepSeconds: 60,
      });
      expect(read).toEqual({ ok: false, kind: 'unreachable', reason: 'CloudWatch: ECONNREFUSED' });
    } finally {
      closed.destroy();
    }
  });

  it('refuses a Prometheus query without calling CloudWatch', async () => {
    const read = await metrics.read(
      { source: 'prometheus', query: 'up' },
      { start: from, end: new Date(from.getTime() + MINUTE), stepSeconds: 60 },
    );
    expect(read).toMatchObject({ ok: false, kind: 'rejected' });
    expect(cloud.calls('GetMetricData')).toEqual([]);
  });

  it("builds its own client from the SDK's chain: region, credentials and AWS_ENDPOINT_URL_CLOUDWATCH", async () => {
    const names = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_CLOUDWATCH'] as const;
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloud.cloudWatchUrl,
    });
    const own = createCloudWatchMetrics({ maxAttempts: 1 });
    try {
      putRequests(from, 2, () => 1);
      const read = await own.read(REQUESTS, {
        start: from,
        end: new Date(from.getTime() + 2 * MINUTE),
        stepSeconds: 60,
      });
      expect(read).toEqual({
        ok: true,
        points: [
          { at: from, value: 6 },
          { at: new Date(from.getTime() + MINUTE), value: 6 },
        ],
      });
      // The secret never shows in what the fake cloud recorded either.
      expect(JSON.stringify(cloud.calls())).not.toContain(CREDENTIALS.secretAccessKey);
    } finally {
      own.close();
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});

describe('the capacity forecast on CloudWatch', () => {
  it('warns on the seed flash sale read through GetMetricData (requests per second as Average)', async () => {
    const points = flashSaleDay({
      start: new Date('2023-02-12T00:00:00Z'),
      end: new Date('2023-02-15T12:00:00Z'),
      seed: 7,
    });
    const rps: MetricQuery = { ...REQUESTS, metric: 'RequestsPerSecond', statistic: 'Average' } as MetricQuery;
    cloud.putMetricSeries({
      namespace: 'AWS/ApplicationELB',
      metric: 'RequestsPerSecond',
      dimensions: { LoadBalancer: 'app/web-prod/50dc6c495c0c9188' },
      points,
    });
    const now = new Date(FLASH_SALE_START.getTime() + 10 * MINUTE);
    const read = await metrics.read(rps, {
      start: new Date(now.getTime() - 3 * 24 * 60 * MINUTE - 60 * MINUTE),
      end: new Date(now.getTime() + 1),
      stepSeconds: 60,
    });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const forecast = forecastLoad(read.points, { now, lookaheadMinutes: 20 });
    expect(forecast?.method).toBe('trend+daily');
    const plan = planCapacity({
      forecast: forecast as NonNullable<typeof forecast>,
      instances: 4,
      perInstance: 250,
      targetUtilization: 0.7,
    });
    expect(plan.warn).toBe(true);
    expect(plan.scaleOut).toBeGreaterThan(0);
  });
});
