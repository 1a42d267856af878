// Prometheus Alertmanager's webhook (version 4): validated with zod, then normalized into the domain's alerts.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { NormalizedAlert } from '../domain/alert';
import { severityFromWord, type Severity } from '../domain/severity';
import { formatIssues } from '../validation/zod-issues';
import { ALERT_LIMITS, annotationsSchema, groupKeySchema, labelsSchema } from './limits';
import type { AlertSource, ParseResult } from './source';
import { goTimestamp } from './timestamps';
import { bearerCheck } from './source-auth';

export interface SeverityOptions {
  defaultSeverity: Severity;
  /** The policy's extra words (lowercase keys), on top of the built-in ones. */
  severityWords: Readonly<Record<string, Severity>>;
}

export type { ParseResult };

// Bounded (see limits.ts); group and common labels are the alerts' own labels again, so the same bounds.
const labels = labelsSchema;
const annotations = annotationsSchema;
const status = z.enum(['firing', 'resolved']);
const timestamp = goTimestamp;

// Alertmanager may add fields in later releases: unknown keys pass; the ones we know must be right.
const alertSchema = z.looseObject({
  status,
  labels,
  annotations: annotations.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().max(ALERT_LIMITS.fingerprintChars).optional(),
});

export const alertmanagerWebhookSchema = z.looseObject({
  version: z.literal('4', {
    error: (issue) =>
      `expected "4": Firebreak reads Alertmanager's webhook version 4 (got ${JSON.stringify(issue.input)})`,
  }),
  groupKey: groupKeySchema,
  truncatedAlerts: z.int().min(0).default(0),
  status,
  receiver: z.string().optional(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: annotations.default({}),
  externalURL: z.string().optional(),
  alerts: z
    .array(alertSchema)
    .min(1, 'must contain at least one alert')
    .max(ALERT_LIMITS.alertsPerRequest, {
      error: (issue) =>
        `must contain at most ${ALERT_LIMITS.alertsPerRequest} alerts per request (got ${String((issue.input as unknown[]).length)}); set max_alerts: ${ALERT_LIMITS.alertsPerRequest} on Alertmanager's webhook_config`,
    }),
});

export type AlertmanagerWebhook = z.output<typeof alertmanagerWebhookSchema>;

/** Alertmanager always sends a fingerprint; a sender that imitates it may not, and its labels identify the alert. */
export function labelsFingerprint(alertLabels: Record<string, string>): string {
  const canonical = Object.keys(alertLabels)
    .sort()
    .map((key) => `${key}=${alertLabels[key]}`)
    .join('\n');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function parseAlertmanagerWebhook(body: unknown, options: SeverityOptions): ParseResult {
  const parsed = alertmanagerWebhookSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  const webhook = parsed.data;

  return namedAlerts(
    webhook.alerts,
    (alert) => alert.annotations.summary || alert.annotations.title || alert.labels.alertname,
    (alert, title) => ({
      source: 'alertmanager',
      groupKey: webhook.groupKey,
      fingerprint: alert.fingerprint || labelsFingerprint(alert.labels),
      title,
      service: alert.labels.service || alert.labels.job || webhook.commonLabels.service || 'unknown',
      severity: severityFromWord(alert.labels.severity, options.defaultSeverity, options.severityWords),
      status: alert.status,
      ...(alert.annotations.description ? { summary: alert.annotations.description } : {}),
      labels: alert.labels,
      ...(alert.startsAt ? { startsAt: alert.startsAt } : {}),
      ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
      ...(alert.generatorURL ? { url: alert.generatorURL } : {}),
    }),
  );
}

/**
 * The alerts of a group as Alertmanager (and Grafana, built on it) sends them, each normalized once it has a
 * name; one without any is refused, naming its index, since an incident could not say what fired.
 */
export function namedAlerts<A>(
  alerts: readonly A[],
  nameOf: (alert: A) => string | undefined,
  normalize: (alert: A, title: string) => NormalizedAlert,
): ParseResult {
  const issues: string[] = [];
  const normalized: NormalizedAlert[] = [];
  alerts.forEach((alert, i) => {
    const title = nameOf(alert);
    if (title) normalized.push(normalize(alert, title));
    else issues.push(`alerts.${i}.labels.alertname: required (or annotations.summary), to name the alert`);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, alerts: normalized };
}

/** Alertmanager's webhook_config, with the token as its bearer credentials (`http_config.authorization`). */
export function alertmanagerSource(options: { token: string; severity: SeverityOptions }): AlertSource {
  return {
    name: 'alertmanager',
    authorize: bearerCheck(options.token),
    parse: (body) => parseAlertmanagerWebhook(body, options.severity),
  };
}
