// One line of Slack text per timeline event, used on the card and by `/incident timeline`.
import { actorText } from '../../domain/actor';
import type { AlertRecord } from '../../domain/alert';
import { type AlertEvent, alertsToTellApart, distinguishingLabels, isAlertEvent } from '../../domain/alert-labels';
import { localTime } from '../../domain/local-time';
import { plural } from '../../domain/plural';
import { approversText } from '../../domain/scale-approval';
import type { TimelineEvent } from '../../domain/timeline';
import { escapeMrkdwn, mrkdwn, SAFE_LINK, truncate } from './format';

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
      return `${event.data.test ? 'Test incident' : 'Incident'} declared (${event.data.severity}, ${escapeMrkdwn(event.data.service)})`;
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
    case 'message.pinned': {
      const from = event.data.author ? ` from <@${event.data.author}>` : '';
      const open =
        event.data.permalink && SAFE_LINK.test(event.data.permalink) ? ` (<${event.data.permalink}|open>)` : '';
      return `Pinned${from}: ${event.data.text ? `“${escapeMrkdwn(truncate(event.data.text, 200))}”` : 'a message'}${open}`;
    }
    case 'message.edited':
      return `Pinned message edited: “${escapeMrkdwn(truncate(event.data.text, 200))}”`;
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
    case 'capacity.load_observed':
      return event.data.peak
        ? `Load on ${escapeMrkdwn(event.data.target)} noted for the postmortem: peak ${Math.round(event.data.peak.load).toLocaleString('en-US')} on ${event.data.peak.instances} instances`
        : `Capacity of ${escapeMrkdwn(event.data.target)} noted for the postmortem`;
    case 'team.escalated':
      return `:sos: Escalated to *${escapeMrkdwn(event.data.team)}*${event.data.message ? `: ${escapeMrkdwn(truncate(event.data.message, 200))}` : ''}${event.data.notPaged ? ` (not paged: ${escapeMrkdwn(event.data.notPaged)})` : ''}`;
    case 'team.acknowledged':
      return `*${escapeMrkdwn(event.data.team)}* acknowledged${event.data.by ? ` (${escapeMrkdwn(event.data.by)})` : ''}`;
    case 'team.declined':
      return `:x: *${escapeMrkdwn(event.data.team)}* declined${event.data.by ? ` (${escapeMrkdwn(event.data.by)})` : ''}`;
    case 'scale.approval_requested':
      return `Approval asked to scale ${escapeMrkdwn(event.data.target)} from ${event.data.from} to ${event.data.to} (${approversText(event.data.approvers)})`;
    case 'scale.approved':
      return `:white_check_mark: Scaling ${escapeMrkdwn(event.data.target)} to ${event.data.to} approved`;
    case 'scale.denied':
      return `:no_entry: Scaling ${escapeMrkdwn(event.data.target)} to ${event.data.to} denied`;
    case 'scale.approval_expired':
      return `Approval to scale ${escapeMrkdwn(event.data.target)} to ${event.data.to} expired unanswered`;
    case 'incident.update_posted':
      return `:mega: Update: ${escapeMrkdwn(truncate(event.data.text, 300))}`;
  }
}

/**
 * `now` decides whether the time needs its date: an event of another day has it, and so has every event once
 * the incident (opened at `openedAt`) spans midnight. `apart` tells alerts with the same title apart
 * (`alertLabelsApart`).
 */
export function timelineLine(
  event: TimelineEvent,
  now: Date,
  timeZone: string,
  apart: ReadonlyMap<string, string> = new Map(),
  openedAt?: Date,
): string {
  return `\`${localTime(event.at, now, timeZone, openedAt)}\` ${what(event, apart)} — ${mrkdwn(actorText(event.actor))}`;
}
