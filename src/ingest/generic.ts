// The generic alert webhook, for any monitor that can POST JSON: {title, severity, service, status, fingerprint?, summary?, labels?}.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { severityFromWord } from '../domain/severity';
import { formatIssues, strictObject } from '../validation/zod-issues';
import type { SeverityOptions } from './alertmanager';
import { labelsSchema } from './limits';
import type { AlertSource, ParseResult } from './source';
import { bearerCheck } from './source-auth';

export const MAX_TITLE_LENGTH = 300;

// Strict: this is our own format, so a misspelt optional field ("sumary") is an error the sender sees at once.
export const genericAlertSchema = strictObject({
  title: z.string().trim().min(1).max(MAX_TITLE_LENGTH),
  /** A monitoring word (critical, warning, p2, sev1…), mapped like Alertmanager's severity label. */
  severity: z.string().trim().min(1),
  service: z.string().trim().min(1).max(100),
  status: z.enum(['firing', 'resolved']).default('firing'),
  /** Identity of the alert: a repeat or a resolve must carry the same one. Defaults to one derived from service and title. */
  fingerprint: z.string().trim().min(1).max(200).optional(),
  summary: z.string().max(3000).optional(),
  labels: labelsSchema.default({}),
});

export type GenericAlert = z.output<typeof genericAlertSchema>;

/** Stable across deliveries and restarts, so the same service and title always name the same alert. */
export function genericFingerprint(service: string, title: string): string {
  return createHash('sha256').update(`${service}\n${title}`).digest('hex').slice(0, 16);
}

export function parseGenericAlert(body: unknown, options: SeverityOptions): ParseResult {
  const parsed = genericAlertSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error.issues) };
  const alert = parsed.data;
  return {
    ok: true,
    alerts: [
      {
        source: 'generic',
        fingerprint: alert.fingerprint ?? genericFingerprint(alert.service, alert.title),
        title: alert.title,
        service: alert.service,
        severity: severityFromWord(alert.severity, options.defaultSeverity, options.severityWords),
        status: alert.status,
        ...(alert.summary ? { summary: alert.summary } : {}),
        labels: alert.labels,
      },
    ],
  };
}

/** Any monitor that can POST our JSON with a bearer token (docs/alert-sources.md has templates for several). */
export function genericSource(options: { token: string; severity: SeverityOptions }): AlertSource {
  return {
    name: 'generic',
    authorize: bearerCheck(options.token),
    parse: (body) => parseGenericAlert(body, options.severity),
  };
}
