// One line of Slack text per timeline event, used on the card and by `/incident timeline`.
import { actorText } from '../../domain/actor';
import type { AlertRecord } from '../../domain/alert';
import { type AlertEvent, alertsToTellApart, distinguishingLabels, isAlertEvent } from '../../domain/alert-labels';
import { localTime } from '../../domain/local-time';
import { plural } from '../../domain/plural';
import type { TimelineEvent } from '../../domain/timeline';
import { escapeMrkdwn, mrkdwn, truncate } from './format';

/** For the alerts named under a shared title: the labels that tell each apart (`instance=web-3`), by fingerprint. */
export function alertLabelsApart(
  events: readonly TimelineEvent[],
  records: readonly AlertRecord[],
): Map<string, string> {
  const fingerprints = alertsToTellApart(events);
  if (fingerprints.length === 0) return new Map();
  const titles = new Map<string, string>();
  for (const event of events) if (isAlertEvent(event)) titles.set(event.data.fingerprint, event.data.title);
  const labels = new Map(records.map((r) => [r.fingerprint, r.labels]));
  const apart = distinguishingLabels(
    fingerprints.map((f) => ({ name: titles.get(f) ?? '', labels: labels.get(f) ?? {} })),
  );
  return new Map(fingerprints.map((f, i) => [f, apart[i] ?? '']));
}

function alertTitle(event: AlertEvent, apart: ReadonlyMap<string, string>): string {
  const labels = apart.get(event.data.fingerprint);
  return `*${escapeMrkdwn(event.data.title)}*${labels ? ` (${escapeMrkdwn(labels)})` : ''}`;
}

function what(event: TimelineEvent, apart: ReadonlyMap<string, string>): string {
  switch (event.type) {
    case 'alert.fired':
      return `${event.data.refired ? 'Alert fired again' : 'Alert fired'}: ${alertTitle(event, apart)}`;
    case 'alert.resolved':
      return `Alert resolved: ${alertTitle(event, apart)}${event.data.allResolved ? ' — all alerts resolved' : ''}`;
    case 'incident.declared':
      return `Incident declared (${event.data.severity}, ${escapeMrkdwn(event.data.service)})`;
    case 'incident.status_changed':
      return `Status ${event.data.from} → *${event.data.to}*${event.data.message ? `: ${escapeMrkdwn(event.data.message)}` : ''}`;
    case 'incident.severity_changed':
      return `Severity ${event.data.from} → *${event.data.to}*`;
    case 'incident.lead_assigned':
      return `<@${event.data.userId}> is the incident lead`;
    case 'page.sent':
      return `${(event.data.count ?? 1) > 1 ? 'On-call paged again' : 'On-call paged'} through ${escapeMrkdwn(event.data.via)}${event.data.message ? `: ${escapeMrkdwn(event.data.message)}` : ''}`;
    case 'page.acknowledged':
      return `Page acknowledged${event.data.by ? ` by ${escapeMrkdwn(event.data.by)}` : ''}`;
    case 'page.escalated':
      return `Page escalated${event.data.to ? ` to ${escapeMrkdwn(event.data.to)}` : ''}`;
    case 'page.reassigned':
      return `Page reassigned${event.data.to ? ` to ${escapeMrkdwn(event.data.to)}` : ''}`;
    case 'page.resolved':
      return `Page resolved in ${escapeMrkdwn(event.actor.kind === 'pager' ? event.actor.via : 'the pager')}${event.data.by ? ` by ${escapeMrkdwn(event.data.by)}` : ''}`;
    case 'page.unacknowledged':
      return `:warning: Page not acknowledged after ${event.data.minutes} min`;
    case 'page.failed':
      return `Paging failed: ${escapeMrkdwn(event.data.message)}`;
    case 'responder.joined':
      return `<@${event.data.userId}> joined`;
    case 'note.added':
      return `Note: ${escapeMrkdwn(truncate(event.data.text, 300))}`;
    case 'message.pinned':
      return `Pinned: ${event.data.text ? `“${escapeMrkdwn(truncate(event.data.text, 200))}”` : 'a message'}`;
    case 'scale.requested':
      return `Scale ${escapeMrkdwn(event.data.target)}${event.data.from !== undefined ? ` from ${event.data.from}` : ''} to ${event.data.to} requested${event.data.reason ? `: ${escapeMrkdwn(truncate(event.data.reason, 200))}` : ''}`;
    case 'scale.started':
      return `Scaling ${escapeMrkdwn(event.data.target)} started${event.data.instanceIds?.length ? ` (${plural(event.data.instanceIds.length, 'instance')} launching)` : ''}`;
    case 'scale.completed':
      return event.data.dryRun
        ? `Dry run on ${escapeMrkdwn(event.data.target)}: ${escapeMrkdwn(event.data.message ?? 'the cloud says it would succeed')}`
        : `${escapeMrkdwn(event.data.target)} is at ${event.data.capacity} instances`;
    case 'scale.failed':
      return `:x: Scaling ${escapeMrkdwn(event.data.target)} failed (${escapeMrkdwn(event.data.code)}): ${escapeMrkdwn(truncate(event.data.message, 300))}`;
    case 'scale.refused':
      return `Scaling ${escapeMrkdwn(event.data.target)} refused: ${escapeMrkdwn(event.data.message)}`;
    case 'incident.mitigated':
      return 'Incident mitigated';
    case 'incident.resolved':
      return `Incident resolved${event.data.summary ? `: ${escapeMrkdwn(event.data.summary)}` : ''}`;
    case 'postmortem.drafted':
      return 'Postmortem drafted';
    case 'incident.update_posted':
      return `:mega: Update: ${escapeMrkdwn(truncate(event.data.text, 300))}`;
  }
}

/**
 * `now` decides whether the time needs its date: an event of another day has it. `apart` tells alerts with
 * the same title apart (`alertLabelsApart`).
 */
export function timelineLine(
  event: TimelineEvent,
  now: Date,
  timeZone: string,
  apart: ReadonlyMap<string, string> = new Map(),
): string {
  return `\`${localTime(event.at, now, timeZone)}\` ${what(event, apart)} — ${mrkdwn(actorText(event.actor))}`;
}
