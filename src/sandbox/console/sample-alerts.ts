// The alerts the console fires: the flash-sale example as Alertmanager sends it (two web servers at 8x their
// usual request rate, then resolved), and a generic alert from a few fields.

const FLASH_SALE_ALERTS = [
  { instance: 'web-1.prod.internal:9100', server: 'web-1', fingerprint: '3f6a2c1b9e8d7f05' },
  { instance: 'web-2.prod.internal:9100', server: 'web-2', fingerprint: '8b1d4e7a0c2f9361' },
] as const;

const LABELS = { alertname: 'HighRequestRate', job: 'web', service: 'web', severity: 'critical' } as const;
const RUNBOOK = 'https://runbooks.example.com/web/high-request-rate';
const SUMMARY = 'Request rate on web is 8x normal';
const GENERATOR_URL =
  'http://prometheus.example.com:9090/graph?g0.expr=sum+by+%28instance%29+%28rate%28http_requests_total%7Bservice%3D%22web%22%7D%5B5m%5D%29%29+%3E+8+%2A+on%28instance%29+sum+by+%28instance%29+%28rate%28http_requests_total%7Bservice%3D%22web%22%7D%5B5m%5D+offset+1w%29%29&g0.tab=1';
/** Alertmanager's "no end yet". */
const NO_END = '0001-01-01T00:00:00Z';

/**
 * The flash-sale group as Alertmanager posts it to a webhook receiver (version 4). `startsAt` is when the alerts
 * began; a resolved notification must carry the same one (and the same fingerprints) to resolve them.
 */
export function flashSaleAlertmanagerPayload(
  status: 'firing' | 'resolved',
  times: { startsAt: Date; endsAt?: Date },
): Record<string, unknown> {
  const endsAt = status === 'resolved' ? (times.endsAt ?? new Date()).toISOString() : NO_END;
  return {
    receiver: 'firebreak',
    status,
    alerts: FLASH_SALE_ALERTS.map((a, i) => ({
      status,
      labels: { ...LABELS, instance: a.instance },
      annotations: {
        summary: SUMMARY,
        description: `${a.server} is serving 8x its usual request rate (flash-sale traffic); p99 latency is above 4s.`,
        runbook_url: RUNBOOK,
      },
      // The second server crossed the threshold half a minute after the first.
      startsAt: new Date(times.startsAt.getTime() + i * 30_000).toISOString(),
      endsAt,
      generatorURL: GENERATOR_URL,
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: LABELS.alertname, service: LABELS.service },
    commonLabels: LABELS,
    commonAnnotations: { runbook_url: RUNBOOK, summary: SUMMARY },
    externalURL: 'http://alertmanager.example.com:9093',
    version: '4',
    groupKey: '{}:{alertname="HighRequestRate", service="web"}',
    truncatedAlerts: 0,
  };
}

export interface GenericAlertInput {
  title: string;
  service: string;
  severity: string;
  status: 'firing' | 'resolved';
  summary?: string;
}

/** Firebreak's generic alert format (POST /alerts/generic). */
export function genericAlertPayload(input: GenericAlertInput): Record<string, unknown> {
  return {
    title: input.title,
    service: input.service,
    severity: input.severity,
    status: input.status,
    ...(input.summary ? { summary: input.summary } : {}),
    labels: { source: 'sandbox-console' },
  };
}

export const GENERIC_DEFAULTS: GenericAlertInput = {
  title: 'Checkout error rate above 5%',
  service: 'checkout',
  severity: 'warning',
  status: 'firing',
};
