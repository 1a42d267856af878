// Alertmanager v4 webhook bodies as the bench sends them, and the storm that sends them (to a floor or to
// Firebreak alike: POST /alerts/alertmanager with the bearer token).
import { secrets } from './config';
import { runLoad, send, type LoadResult, type Outcome } from './send';

export interface Delivery {
  body: string;
  alerts: number;
  groupKey: string;
}

interface AlertSpec {
  groupKey: string;
  title: string;
  fingerprints: string[];
  severity: 'critical' | 'warning';
}

function alertmanagerBody({ groupKey, title, fingerprints, severity }: AlertSpec): string {
  return JSON.stringify({
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'firebreak',
    groupLabels: { alertname: 'Storm' },
    commonLabels: { alertname: 'Storm', service: 'web' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: fingerprints.map((fingerprint, i) => ({
      status: 'firing',
      labels: { alertname: 'Storm', service: 'web', severity, instance: `web-${i}:9100` },
      annotations: { summary: title },
      startsAt: '2026-11-24T11:30:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
      fingerprint,
    })),
  });
}

export interface StormShape {
  /** Tags groups and fingerprints, so two storms against one store never share an alert. */
  run: string;
  /** Tags groups instead of `run`: a warm-up sends new alerts into the storm's own groups. */
  groupTag?: string;
  groups: number;
  alertsPerWebhook: number;
  /** Alerts in the whole storm; unbounded when the storm runs until told to stop. */
  totalAlerts?: number;
}

/** Webhook `k` of a storm: new alerts only (every fingerprint unique), for group k mod `groups`. */
export function stormDelivery(shape: StormShape, k: number): Delivery {
  const group = k % shape.groups;
  const left =
    shape.totalAlerts === undefined ? shape.alertsPerWebhook : shape.totalAlerts - k * shape.alertsPerWebhook;
  const alerts = Math.min(shape.alertsPerWebhook, left);
  const groupKey = `{}:{bench="${shape.groupTag ?? shape.run}",g="${group}"}`;
  const fingerprints = Array.from({ length: alerts }, (_, i) => `${shape.run}-${k}-${i}`);
  return {
    body: alertmanagerBody({
      groupKey,
      title: `Storm ${shape.groupTag ?? shape.run} ${group}`,
      fingerprints,
      severity: 'warning',
    }),
    alerts,
    groupKey,
  };
}

/**
 * One alert opening its own incident, titled so that its channel's name ends with `-${slug}`. Critical,
 * so the incident pages (warnings do not, by default).
 */
export function incidentDelivery(slug: string): Delivery {
  const groupKey = `{}:{sample="${slug}"}`;
  return {
    body: alertmanagerBody({
      groupKey,
      title: slug.replaceAll('-', ' '),
      fingerprints: [`fp-${slug}`],
      severity: 'critical',
    }),
    alerts: 1,
    groupKey,
  };
}

export function postAlerts(baseUrl: string, body: string) {
  return send('monitor', 'POST', new URL('/alerts/alertmanager', baseUrl), body, {
    'content-type': 'application/json',
    authorization: `Bearer ${secrets.alertToken}`,
  });
}

export interface StormResult extends LoadResult {
  /** Group keys at least one accepted webhook carried: Firebreak must open exactly one incident for each. */
  groups: Set<string>;
  /** Incident ids the 202s named (Firebreak's answers name them; a floor's do not). */
  incidents: Set<number>;
}

/** Sends a storm with a fixed number of webhooks in flight: all `totalAlerts`, or until `until()`. */
export async function alertStorm(
  baseUrl: string,
  shape: StormShape,
  concurrency: number,
  until?: () => boolean,
): Promise<StormResult> {
  const groups = new Set<string>();
  const incidents = new Set<number>();
  const one = async (k: number): Promise<Outcome> => {
    const delivery = stormDelivery(shape, k);
    const reply = await postAlerts(baseUrl, delivery.body);
    if (reply.status !== 202) return { ok: false, why: `HTTP ${reply.status}` };
    groups.add(delivery.groupKey);
    for (const id of (JSON.parse(reply.text) as { incidents?: number[] }).incidents ?? []) incidents.add(id);
    return { ok: true, units: delivery.alerts };
  };
  const requests = shape.totalAlerts === undefined ? undefined : Math.ceil(shape.totalAlerts / shape.alertsPerWebhook);
  const result = await runLoad({
    concurrency,
    one,
    ...(requests !== undefined ? { requests } : {}),
    ...(until ? { until } : {}),
  });
  return { ...result, groups, incidents };
}

/**
 * Runs `during` while a storm (`shape`, unbounded) keeps the server busy. The storm starts a second before
 * `during`, so that what is sampled meets the server already under load, and stops when `during` ends.
 */
export async function whileStorming<T>(
  baseUrl: string,
  shape: StormShape,
  concurrency: number,
  during: () => Promise<T>,
): Promise<{ result: T; storm: StormResult }> {
  let done = false;
  const storm = alertStorm(baseUrl, shape, concurrency, () => done);
  await new Promise((r) => setTimeout(r, 1000));
  let result: T;
  try {
    result = await during();
  } finally {
    done = true;
  }
  return { result, storm: await storm };
}
