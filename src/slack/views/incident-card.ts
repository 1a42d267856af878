// The incident card: the pinned message at the top of an incident channel, edited in place as things change.
import type { KnownBlock } from '@slack/types';
import type { AlertRecord } from '../../domain/alert';
import { CARD_MAX_ALERTS } from '../../flows/incident-card';
import type { IncidentCardFacts } from '../../ports/chat';
import { distinguishingLabels } from '../../domain/alert-labels';
import { humanDuration } from '../../domain/duration';
import { incidentRef, isOpen, type Incident } from '../../domain/incident';
import { ACTIONS } from '../ids';
import { localTime, zoneLabel } from '../../domain/local-time';
import { acknowledgerText } from '../../domain/paging';
import { withPinEdits } from '../../domain/pinned-messages';
import { actorText } from '../../domain/actor';
import { link } from '../../domain/rich-text';
import { escapeMrkdwn, mrkdwn, SAFE_LINK, truncate } from './format';
import { capacityBlocks } from './scale-views';
import { alertLabelsApart, timelineLine } from './timeline-text';
import { escalateButton, teamsBlocks } from './team-views';

export interface IncidentCardInput extends IncidentCardFacts {
  timeZone: string;
  /** How many firing alerts to list before "and N more". */
  maxAlerts?: number;
}

const STATUS_EMOJI: Record<Incident['status'], string> = {
  investigating: ':red_circle:',
  identified: ':large_orange_circle:',
  monitoring: ':large_yellow_circle:',
  mitigated: ':large_blue_circle:',
  resolved: ':white_check_mark:',
};

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function durationText(incident: Incident, now: Date, timeZone: string): string {
  const since = `since ${localTime(incident.openedAt, now, timeZone)} ${zoneLabel(timeZone, incident.openedAt)}`;
  if (incident.resolvedAt)
    return `${humanDuration(incident.resolvedAt.getTime() - incident.openedAt.getTime(), 'terse')} (resolved)`;
  return `${humanDuration(now.getTime() - incident.openedAt.getTime(), 'terse')} ${since}`;
}

/** `apart`: the labels that tell it from a listed alert with the same title (`instance=web-3`), or ''. */
function alertLine(alert: AlertRecord, apart: string, now: Date, timeZone: string, openedAt?: Date): string {
  const count = alert.count > 1 ? ` ×${alert.count}` : '';
  const labels = apart ? ` (${escapeMrkdwn(apart)})` : '';
  const title =
    alert.url && SAFE_LINK.test(alert.url)
      ? `<${alert.url}|${escapeMrkdwn(truncate(alert.title, 120))}>`
      : `*${escapeMrkdwn(truncate(alert.title, 120))}*`;
  // Where else to look (Grafana's dashboard and panel), as links; an unsafe one is left out.
  const more = alert.links
    .filter((l) => SAFE_LINK.test(l.url))
    .map((l) => ` · ${mrkdwn([link(l.url, l.label)])}`)
    .join('');
  return `• ${title}${labels}${count} — ${alert.severity}, since ${localTime(alert.startsAt, now, timeZone, openedAt)}${more}`;
}

function alertsSection(input: IncidentCardInput): KnownBlock[] {
  const { incident, now, timeZone } = input;
  const { firing, resolved } = incident.alertCounts;
  const total = firing + resolved;
  if (total === 0) return [];
  const max = input.maxAlerts ?? CARD_MAX_ALERTS;
  if (firing === 0) {
    const offer = isOpen(incident.status) ? ' If the service is healthy again, resolve the incident.' : '';
    const block: KnownBlock = {
      type: 'section',
      block_id: 'alerts',
      text: {
        type: 'mrkdwn',
        text: `:white_check_mark: *All ${total} alert${total === 1 ? ' has' : 's have'} resolved.*${offer}`,
      },
    };
    if (isOpen(incident.status)) {
      block.accessory = {
        type: 'button',
        action_id: ACTIONS.incidentResolve,
        text: { type: 'plain_text', text: 'Resolve incident' },
        style: 'primary',
        value: String(incident.id),
      };
    }
    return [block];
  }
  const listed = input.firingAlerts.slice(0, max);
  const apart = distinguishingLabels(listed.map((a) => ({ name: a.title, labels: a.labels })));
  const lines = listed.map((a, i) => alertLine(a, apart[i] ?? '', now, timeZone, incident.openedAt));
  if (firing > listed.length) lines.push(`…and ${firing - listed.length} more`);
  const heading = `*Firing alerts (${firing}${resolved > 0 ? `, ${resolved} resolved` : ''})*`;
  return [
    {
      type: 'section',
      block_id: 'alerts',
      text: { type: 'mrkdwn', text: truncate([heading, ...lines].join('\n'), 2900) },
    },
  ];
}

function timelineSection(input: IncidentCardInput): KnownBlock[] {
  if (input.latest.length === 0) return [];
  const apart = alertLabelsApart(input.latest, [...input.firingAlerts, ...(input.latestAlerts ?? [])]);
  const lines = withPinEdits(input.latest).map((e) =>
    timelineLine(e, input.now, input.timeZone, apart, input.incident.openedAt),
  );
  return [
    {
      type: 'section',
      block_id: 'timeline',
      text: { type: 'mrkdwn', text: truncate(['*Latest*', ...lines].join('\n'), 2900) },
    },
  ];
}

function pageLine(incident: Incident, now: Date, timeZone: string): string | null {
  const page = incident.page;
  if (!page) return null;
  const at = (date: Date | null): string => (date ? localTime(date, now, timeZone, incident.openedAt) : '');
  const again = page.count > 1 ? ` (${page.count} pages)` : '';
  switch (page.status) {
    case 'pending':
      return `:hourglass_flowing_sand: Paging on-call through ${escapeMrkdwn(page.via)}…${again}`;
    case 'triggered': {
      const overdue = page.reminded
        ? ' — *not acknowledged*'
        : ` — waiting for acknowledgement (due ${at(page.ackDueAt)})`;
      return `:pager: Paged ${at(page.sentAt)}${again}${page.assignedTo ? `, now with ${escapeMrkdwn(page.assignedTo)}` : ''}${overdue}`;
    }
    case 'acknowledged':
      // A mention when acknowledged in Slack; the pager's name for its user otherwise.
      return `:white_check_mark: Page acknowledged by ${mrkdwn(page.acknowledgedBy ? acknowledgerText(page.acknowledgedBy) : 'on-call')} at ${at(page.acknowledgedAt)}`;
    case 'resolved':
      return ':white_check_mark: Page resolved';
    case 'failed':
      return `:x: Paging failed: ${escapeMrkdwn(page.error ?? `${page.via} refused the page`)}`;
  }
}

function onCallLine(incident: Incident): string | null {
  const onCall = incident.onCall;
  if (!onCall) return null;
  const people = onCall.people.map(
    (p) =>
      `${p.slackUserId ? `<@${p.slackUserId}>` : escapeMrkdwn(p.name)} (${escapeMrkdwn(p.policyName)}, L${p.level})`,
  );
  const list = people.length > 0 ? people.join(', ') : '_nobody on call_';
  return onCall.error
    ? `*On call:* :warning: ${onCall.error}${people.length > 0 ? ` — last known: ${list}` : ''}`
    : `*On call:* ${list}`;
}

function pagingSection(incident: Incident, now: Date, timeZone: string): KnownBlock[] {
  const lines = [pageLine(incident, now, timeZone), onCallLine(incident)].filter((l): l is string => l !== null);
  if (lines.length === 0) return [];
  return [{ type: 'section', block_id: 'paging', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 2900) } }];
}

function pageButtons(incident: Incident, pagingEnabled: boolean): Array<Record<string, unknown>> {
  if (!pagingEnabled) return [];
  const buttons: Array<Record<string, unknown>> = [];
  if (incident.page?.status === 'triggered') {
    buttons.push({
      type: 'button',
      action_id: ACTIONS.incidentAck,
      text: { type: 'plain_text', text: 'Acknowledge' },
      style: 'primary',
      value: String(incident.id),
    });
  }
  if (incident.page?.status !== 'pending') {
    buttons.push({
      type: 'button',
      action_id: ACTIONS.pageOncall,
      text: { type: 'plain_text', text: incident.page ? 'Page again' : 'Page on-call' },
      value: String(incident.id),
    });
  }
  return buttons;
}

/** When the last stakeholder update went out: people outside the channel read only those. */
function updatesBlocks(input: IncidentCardInput): KnownBlock[] {
  const { incident, now, timeZone } = input;
  const last = input.lastUpdate;
  if (!last && !isOpen(incident.status)) return [];
  const text = last
    ? `:mega: Last update ${localTime(last.at, now, timeZone)} ${zoneLabel(timeZone, last.at)} by ${mrkdwn(actorText(last.actor))} (${humanDuration(now.getTime() - last.at.getTime(), 'terse')} ago)`
    : ':mega: No stakeholder update yet — `/incident update <text>` or *Post update*';
  return [{ type: 'context', block_id: 'updates', elements: [{ type: 'mrkdwn', text }] }];
}

function postmortemBlocks(incident: Incident, url: string | null | undefined): KnownBlock[] {
  if (isOpen(incident.status) && !url) return [];
  const text = url
    ? `:memo: *Postmortem draft:* <${url}|open the page for managers>`
    : ':memo: *Postmortem:* being drafted from the timeline…';
  return [
    {
      type: 'section',
      block_id: 'postmortem',
      text: { type: 'mrkdwn', text },
      accessory: {
        type: 'button',
        action_id: ACTIONS.postmortemDraft,
        text: { type: 'plain_text', text: url ? 'Draft again' : 'Draft postmortem' },
        value: String(incident.id),
      },
    },
  ];
}

function actions(incident: Incident, pagingEnabled: boolean, canEscalate = false): KnownBlock[] {
  if (!isOpen(incident.status)) return [];
  return [
    {
      type: 'actions',
      block_id: 'incident_actions',
      elements: [
        ...(pageButtons(incident, pagingEnabled) as never[]),
        ...((canEscalate ? [escalateButton(incident.id)] : []) as never[]),
        {
          type: 'button',
          action_id: ACTIONS.updateOpen,
          text: { type: 'plain_text', text: 'Post update' },
          value: String(incident.id),
        },
        {
          type: 'button',
          action_id: ACTIONS.incidentResolve,
          text: { type: 'plain_text', text: 'Resolve…' },
          value: String(incident.id),
        },
      ],
    },
  ];
}

/** Said at the top of a test incident's card, so nobody takes it for a real outage. */
export const TEST_INCIDENT_LINE =
  ':test_tube: *TEST INCIDENT* — nobody is paged, it is not announced, and it is kept out of metrics.';

function testIncidentContext(): KnownBlock {
  return { type: 'context', block_id: 'test_incident', elements: [{ type: 'mrkdwn', text: TEST_INCIDENT_LINE }] };
}

export function cardText(incident: Incident): string {
  return `${incident.test ? '[TEST] ' : ''}${incidentRef(incident)} [${incident.severity}] ${escapeMrkdwn(incident.title)} — ${incident.status}`;
}

export function renderIncidentCard(input: IncidentCardInput): { text: string; blocks: KnownBlock[] } {
  const { incident, now, timeZone } = input;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: 'title',
      text: { type: 'plain_text', text: truncate(`${incidentRef(incident)} · ${incident.title}`, 150) },
    },
    {
      type: 'section',
      block_id: 'facts',
      fields: [
        { type: 'mrkdwn', text: `*Status*\n${STATUS_EMOJI[incident.status]} ${capitalized(incident.status)}` },
        { type: 'mrkdwn', text: `*Severity*\n${incident.severity.toUpperCase()}` },
        {
          type: 'mrkdwn',
          text: `*Lead*\n${incident.leadUserId ? `<@${incident.leadUserId}>` : '_unassigned — `/incident lead @you`_'}`,
        },
        { type: 'mrkdwn', text: `*Duration*\n${durationText(incident, now, timeZone)}` },
        { type: 'mrkdwn', text: `*Service*\n${escapeMrkdwn(incident.service)}` },
      ],
    },
    ...pagingSection(incident, now, timeZone),
    ...teamsBlocks(input.teamEscalations, now, timeZone),
    ...capacityBlocks(incident, input.scaleTargets ?? [], input.scaleOperations ?? []),
    ...alertsSection(input),
    ...timelineSection(input),
    ...updatesBlocks(input),
    ...postmortemBlocks(incident, input.postmortemUrl),
    ...actions(incident, input.pagingEnabled ?? false, input.canEscalate),
    {
      type: 'context',
      block_id: 'updated',
      elements: [
        {
          type: 'mrkdwn',
          text: `Updated ${localTime(now, now, timeZone, incident.openedAt)} ${zoneLabel(timeZone, now)} · \`/incident help\` for commands`,
        },
      ],
    },
  ];
  if (incident.test) blocks.splice(1, 0, testIncidentContext());
  return { text: cardText(incident), blocks };
}
