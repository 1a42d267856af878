// Grafana alerting's webhook contact point (unified alerting, payload version 1): validated with zod, then
// normalized like Alertmanager's alerts, which it imitates (Grafana's alerting is built on Alertmanager), with
// its dashboard and panel as links. Authenticated by the contact point's bearer credentials and, where a
// secret is configured, by the HMAC signature Grafana computes over the body (Grafana 12+).
import { z } from 'zod';
import type { AlertLink, NormalizedAlert } from '../domain/alert';
import { severityFromWord } from '../domain/severity';
import { formatIssues } from '../validation/zod-issues';
import { labelsFingerprint, namedAlerts, type SeverityOptions } from './alertmanager';
import { ALERT_LIMITS, annotationsSchema, groupKeySchema, labelsSchema } from './limits';
import type { AlertSource, ParseResult, Refusal, SourceRequest } from './source';
import { bearerCheck, hmacSha256HexMatches, singleHeader } from './source-auth';
import { goTimestamp } from './timestamps';

export interface GrafanaSignatureOptions {
  /** The contact point's HMAC secret. */
  secret: string;
  /** Where Grafana puts the signature: its default, unless the contact point names another header. */
  header: string;
  /** Set when the contact point sends a timestamp header: Grafana then signs `<timestamp>:<body>`. */
  timestampHeader?: string;
  /** How old a signed timestamp may be (a replay older than this is refused); 5 minutes. */
  maxAgeMs?: number;
}

export const GRAFANA_SIGNATURE_HEADER = 'X-Grafana-Alerting-Signature';
const DEFAULT_MAX_AGE_MS = 5 * 60_000;

const status = z.enum(['firing', 'resolved']);
/** Grafana leaves a URL it has none of as "" (a rule not tied to a panel). */
const optionalUrl = z.string().max(4096).optional();

// Grafana may add fields in later releases: unknown keys pass; the ones we read must be right.
const grafanaAlertSchema = z.looseObject({
  status,
  labels: labelsSchema,
  annotations: annotationsSchema.default({}),
  startsAt: goTimestamp,
  endsAt: goTimestamp.optional(),
  generatorURL: optionalUrl,
  fingerprint: z.string().max(ALERT_LIMITS.fingerprintChars).optional(),
  silenceURL: optionalUrl,
  dashboardURL: optionalUrl,
  panelURL: optionalUrl,
  /** The query results that made the rule fire (`{"B": 44.2, "C": 1}`); null for a "no data" alert. */
  values: z.record(z.string(), z.number().nullable()).nullable().optional(),
});

export const grafanaWebhookSchema = z.looseObject({
  receiver: z.string().optional(),
  status,
  orgId: z.int().optional(),
  alerts: z
    .array(grafanaAlertSchema)
    .min(1, 'must contain at least one alert')
    .max(ALERT_LIMITS.alertsPerRequest, {
      error: (issue) =>
        `must contain at most ${ALERT_LIMITS.alertsPerRequest} alerts per request (got ${String((issue.input as unknown[]).length)})`,
    }),
  groupLabels: labelsSchema.default({}),
  commonLabels: labelsSchema.default({}),
  commonAnnotations: annotationsSchema.default({}),
  externalURL: z.string().optional(),
  version: z.string().optional(),
  groupKey: groupKeySchema,
  truncatedAlerts: z.int().min(0).default(0),
});

/** The query values that made it fire, as a line for the alert's summary: `B=44.2, C=1`. */
function valuesLine(values: Record<string, number | null> | null | undefined): string | undefined {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return undefined;
  return entries.map(([name, value]) => `${name}=${value === null ? 'no data' : String(value)}`).join(', ');
}

/** Only web links: a URL Grafana left empty, or anything that is not http(s), is left out. */
function webLink(label: string, url: string | undefined): AlertLink[] {
  return url && /^https?:\/\//.test(url) ? [{ label, url }] : [];
}

export function parseGrafanaWebhook(body: unknown, options: SeverityOptions): ParseResult {
  const parsed = grafanaWebhookSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  const webhook = parsed.data;
  return namedAlerts(
    webhook.alerts,
    (alert) => alert.annotations.summary || alert.labels.alertname || alert.labels.__alert_rule_title__,
    (alert, title): NormalizedAlert => {
      const values = valuesLine(alert.values);
      const summary = [alert.annotations.description, values ? `Values: ${values}` : undefined]
        .filter(Boolean)
        .join('\n');
      const links = [...webLink('dashboard', alert.dashboardURL), ...webLink('panel', alert.panelURL)];
      const url = alert.generatorURL || alert.panelURL || alert.dashboardURL;
      return {
        source: 'grafana',
        groupKey: webhook.groupKey,
        fingerprint: alert.fingerprint || labelsFingerprint(alert.labels),
        title,
        service:
          alert.labels.service ||
          alert.labels.job ||
          webhook.commonLabels.service ||
          alert.labels.grafana_folder ||
          'unknown',
        severity: severityFromWord(alert.labels.severity, options.defaultSeverity, options.severityWords),
        status: alert.status,
        ...(summary ? { summary } : {}),
        labels: alert.labels,
        ...(alert.startsAt ? { startsAt: alert.startsAt } : {}),
        ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
        ...(url ? { url } : {}),
        ...(links.length > 0 ? { links } : {}),
      };
    },
  );
}

/** A Grafana timestamp header: Unix seconds (milliseconds accepted too). */
function timestampMs(value: string): number | null {
  if (!/^\d{1,16}$/.test(value)) return null;
  const n = Number(value);
  return n < 1e12 ? n * 1000 : n;
}

/** The contact point's HMAC signature over the body (or `<timestamp>:<body>`), checked in constant time. */
export function grafanaSignatureRefusal(request: SourceRequest, options: GrafanaSignatureOptions): Refusal | null {
  const bad = (error: string): Refusal => ({ status: 401, reason: 'bad_signature', error });
  const signature = singleHeader(request.headers, options.header);
  if (!signature) return bad(`the ${options.header} header is required: this contact point must sign its requests`);
  let signed = request.raw;
  if (options.timestampHeader) {
    const stamp = singleHeader(request.headers, options.timestampHeader);
    const at = stamp === undefined ? null : timestampMs(stamp);
    if (stamp === undefined || at === null)
      return bad(`the ${options.timestampHeader} header is required and must be a Unix time in seconds`);
    if (Math.abs(request.now.getTime() - at) > (options.maxAgeMs ?? DEFAULT_MAX_AGE_MS))
      return bad(`the ${options.timestampHeader} is more than 5 minutes from now: refused as a replay`);
    signed = Buffer.concat([Buffer.from(`${stamp}:`), request.raw]);
  }
  return hmacSha256HexMatches(options.secret, signed, signature)
    ? null
    : bad(`the ${options.header} does not match the body: check the contact point's HMAC secret`);
}

export function grafanaSource(options: {
  token: string;
  severity: SeverityOptions;
  signature?: GrafanaSignatureOptions;
}): AlertSource {
  const signature = options.signature;
  return {
    name: 'grafana',
    authorize: bearerCheck(options.token),
    ...(signature ? { verify: (request: SourceRequest) => grafanaSignatureRefusal(request, signature) } : {}),
    parse: (body) => parseGrafanaWebhook(body, options.severity),
  };
}
