// The Metrics port over CloudWatch: GetMetricData (through the SDK's paginator) for one metric and statistic, its
// answer checked with zod, every failure turned into the port's `{ ok: false }` with a reason.
//
// Credentials, region and endpoint come from the SDK's own chain (AWS_REGION, AWS_PROFILE, instance role,
// AWS_ENDPOINT_URL_CLOUDWATCH…), as for EC2; this module reads no environment itself.
import { CloudWatchClient, paginateGetMetricData, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { z } from 'zod';
import type {
  MetricFailureKind,
  MetricPoint,
  MetricQuery,
  MetricRange,
  MetricReadResult,
  Metrics,
} from '../../ports/metrics';

export interface CloudWatchMetricsOptions {
  /** Built with the SDK's defaults when absent (then destroyed by `close`); a given client is the caller's. */
  client?: CloudWatchClient;
  /** Attempts per call for a client built here (the SDK's own retry, with backoff); 3 by default. */
  maxAttempts?: number;
  /** Datapoints per page (CloudWatch's MaxDatapoints); CloudWatch's own limit by default. */
  maxDatapoints?: number;
}

export interface CloudWatchMetrics extends Metrics {
  /** Destroys the client this adapter built (not one it was given). */
  close(): void;
}

const QUERY_ID = 'load';

const result = z.object({
  Id: z.string().optional(),
  Timestamps: z.array(z.date()).default([]),
  Values: z.array(z.number()).default([]),
  StatusCode: z.string().optional(),
});
const page = z.object({
  MetricDataResults: z.array(result).default([]),
  Messages: z.array(z.object({ Code: z.string().optional(), Value: z.string().optional() })).default([]),
});

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'LimitExceeded']);
const UNAVAILABLE = new Set(['InternalServiceFault', 'InternalFailure', 'ServiceUnavailable', 'InternalError']);
// The SDK wraps a socket error ("AWS SDK error wrapper for Error: connect ECONNREFUSED …"): its code is in the text.
const NETWORK = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|EPIPE)\b/;

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: { code?: unknown };
  $metadata?: { httpStatusCode?: number };
}

/** Which kind of failure an SDK error is, and its words: AWS's code and message (never credentials). */
function classify(error: unknown): { kind: MetricFailureKind; why: string } {
  const e = (error ?? {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : undefined;
  const network = NETWORK.exec([e.code, e.cause?.code, message].filter((x) => typeof x === 'string').join(' '));
  if (network) return { kind: 'unreachable', why: network[1] as string };
  if (name === 'TimeoutError') return { kind: 'unreachable', why: 'no answer in time' };
  if (name === 'CredentialsProviderError')
    return { kind: 'rejected', why: 'no AWS credentials found (the SDK credential chain came up empty)' };
  const why = message !== undefined && message !== name ? `${name}: ${message}` : name;
  if (THROTTLING.has(name) || UNAVAILABLE.has(name) || (e.$metadata?.httpStatusCode ?? 0) >= 500)
    return { kind: 'unavailable', why };
  if (e.$metadata?.httpStatusCode === undefined) return { kind: 'unreachable', why };
  return { kind: 'rejected', why };
}

export function createCloudWatchMetrics(options: CloudWatchMetricsOptions = {}): CloudWatchMetrics {
  const owned = options.client === undefined;
  const client = options.client ?? new CloudWatchClient({ maxAttempts: options.maxAttempts ?? 3 });

  const fail = (kind: MetricFailureKind, why: string): MetricReadResult => ({
    ok: false,
    kind,
    reason: `CloudWatch: ${why}`,
  });

  async function read(query: MetricQuery, range: MetricRange): Promise<MetricReadResult> {
    if (query.source !== 'cloudwatch') return fail('rejected', `cannot read a ${query.source} query`);
    const points: MetricPoint[] = [];
    try {
      const pages = paginateGetMetricData(
        { client },
        {
          MetricDataQueries: [
            {
              Id: QUERY_ID,
              MetricStat: {
                Metric: {
                  Namespace: query.namespace,
                  MetricName: query.metric,
                  Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
                },
                Period: range.stepSeconds,
                Stat: query.statistic,
              },
              ReturnData: true,
            },
          ],
          StartTime: range.start,
          EndTime: range.end,
          ScanBy: 'TimestampAscending',
          ...(options.maxDatapoints !== undefined ? { MaxDatapoints: options.maxDatapoints } : {}),
        },
      );
      for await (const answer of pages as AsyncIterable<GetMetricDataCommandOutput>) {
        const parsed = page.safeParse(answer);
        if (!parsed.success) return fail('unavailable', 'the GetMetricData answer is not one CloudWatch sends');
        const mine = parsed.data.MetricDataResults.find((r) => r.Id === QUERY_ID);
        if (mine?.StatusCode === 'Forbidden') return fail('rejected', 'GetMetricData: Forbidden');
        if (mine?.StatusCode === 'InternalError') return fail('unavailable', 'GetMetricData: InternalError');
        const timestamps = mine?.Timestamps ?? [];
        const values = mine?.Values ?? [];
        if (timestamps.length !== values.length)
          return fail('unavailable', 'GetMetricData answered timestamps and values of different lengths');
        timestamps.forEach((at, i) => {
          const value = values[i] as number;
          if (Number.isFinite(value)) points.push({ at, value });
        });
      }
    } catch (error) {
      const { kind, why } = classify(error);
      return fail(kind, why);
    }
    // Pages arrive in order, but the port promises oldest first whatever CloudWatch does.
    points.sort((a, b) => a.at.getTime() - b.at.getTime());
    return { ok: true, points };
  }

  return {
    read,
    close() {
      if (owned) client.destroy();
    },
  };
}
