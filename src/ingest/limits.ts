// Bounds on what one alert delivery may carry, far above what monitors send, so a runaway or hostile
// sender cannot make every later query, card and postmortem carry megabytes (the body is ≤ 1 MiB anyway).
import { z } from 'zod';

export const ALERT_LIMITS = {
  /** Alertmanager's groupKey is the route's matchers and the group's labels: hundreds of characters at most. */
  groupKeyChars: 4096,
  /** Alerts in one request (Alertmanager: set `max_alerts` on the webhook to stay under it). */
  alertsPerRequest: 1000,
  labelsPerAlert: 100,
  labelNameChars: 1024,
  labelValueChars: 4096,
  /** Annotations carry prose (descriptions, runbooks): longer values, same count. */
  annotationValueChars: 16_384,
  fingerprintChars: 1024,
} as const;

/** The start of an over-long name, so the error identifies it without echoing it whole. */
function cut(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * A string → string map (labels, annotations) with at most `maxEntries` entries, names of at most
 * `labelNameChars` and values of at most `maxValueChars` characters. Each problem names the limit.
 */
export function boundedLabels(what: 'label' | 'annotation', maxValueChars: number) {
  return z
    .record(
      z.string(),
      z.string().max(maxValueChars, {
        error: (issue) =>
          `must be at most ${maxValueChars} characters per ${what} value (got ${String((issue.input as string).length)})`,
      }),
    )
    .superRefine((map, ctx) => {
      const names = Object.keys(map);
      if (names.length > ALERT_LIMITS.labelsPerAlert) {
        ctx.addIssue({
          code: 'custom',
          message: `must have at most ${ALERT_LIMITS.labelsPerAlert} ${what}s per alert (got ${names.length})`,
        });
        return;
      }
      for (const name of names) {
        if (name.length > ALERT_LIMITS.labelNameChars) {
          ctx.addIssue({
            code: 'custom',
            message: `${what} name ${cut(name)} is ${name.length} characters; at most ${ALERT_LIMITS.labelNameChars} per ${what} name`,
          });
        }
      }
    });
}

export const labelsSchema = boundedLabels('label', ALERT_LIMITS.labelValueChars);
export const annotationsSchema = boundedLabels('annotation', ALERT_LIMITS.annotationValueChars);

/** The group an alert belongs to, as Alertmanager (and Grafana, built on it) names it: bounded like the rest. */
export const groupKeySchema = z
  .string()
  .min(1)
  .max(ALERT_LIMITS.groupKeyChars, {
    error: (issue) =>
      `must be at most ${ALERT_LIMITS.groupKeyChars} characters (got ${String((issue.input as string).length)})`,
  });
