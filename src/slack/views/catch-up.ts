// The catch-up a person sees (and nobody else) on joining an incident channel or typing `/incident catchup`.
import type { KnownBlock } from '@slack/types';
import type { AwaitedItem, CatchUp } from '../../domain/catch-up';
import { humanDuration } from '../../domain/duration';
import { incidentRef } from '../../domain/incident';
import { localTime, zoneLabel } from '../../domain/local-time';
import type { CommandReply } from './command-replies';
import { escapeMrkdwn, truncate } from './format';
import { timelineLine } from './timeline-text';

function awaitedLine(item: AwaitedItem, now: Date, timeZone: string, openedAt: Date): string {
  const at = (date: Date): string => localTime(date, now, timeZone, openedAt);
  switch (item.kind) {
    case 'lead':
      return 'a lead — nobody leads yet: `/incident lead @you`';
    case 'page_delivery':
      return `the page to on-call, on its way to ${escapeMrkdwn(item.via)}`;
    case 'page_acknowledgement':
      return `on-call to acknowledge the page sent ${at(item.since)} through ${escapeMrkdwn(item.via)}`;
    case 'scaling':
      return `*${escapeMrkdwn(item.target)}* to reach ${item.to} instances (asked ${at(item.since)})`;
    case 'alerts_firing':
      return `${item.count === 1 ? '1 alert' : `${item.count} alerts`} still firing`;
  }
}

function statusLine(c: CatchUp, now: Date, timeZone: string): string {
  const since = `${localTime(c.brokenSince, now, timeZone, c.openedAt)} ${zoneLabel(timeZone, c.brokenSince)}`;
  const lasted = c.resolvedAt
    ? `resolved after ${humanDuration(c.resolvedAt.getTime() - c.brokenSince.getTime(), 'terse')}`
    : `${humanDuration(now.getTime() - c.brokenSince.getTime(), 'terse')} so far`;
  return `*What is broken:* ${escapeMrkdwn(c.title)} (${escapeMrkdwn(c.service)}), since ${since} — ${lasted}`;
}

/** The catch-up as Slack text and blocks. */
export function catchUpMessage(c: CatchUp, now: Date, timeZone: string): { text: string; blocks: KnownBlock[] } {
  const heading = `:wave: *Catching up on ${incidentRef({ id: c.incidentId })}*${c.test ? ' (TEST INCIDENT)' : ''}`;
  const people = c.engaged.filter((id) => id !== c.leadUserId).map((id) => `<@${id}>`);
  const facts = [
    statusLine(c, now, timeZone),
    `*Severity* ${c.severity.toUpperCase()} · *Status* ${c.status} · *Lead* ${c.leadUserId ? `<@${c.leadUserId}>` : '_nobody yet_'}`,
    `*Engaged:* ${people.length > 0 ? people.join(', ') : '_nobody else yet_'}`,
    ...(c.capacity.length > 0
      ? [
          `*Capacity now:* ${c.capacity.map((t) => `${escapeMrkdwn(t.target)} ${t.capacity} instances (${localTime(t.at, now, timeZone, c.openedAt)})`).join(', ')}`,
        ]
      : []),
  ];
  const recent = c.recent.map((e) => timelineLine(e, now, timeZone, new Map(), c.openedAt));
  const awaiting = c.awaiting.map((item) => `• ${awaitedLine(item, now, timeZone, c.openedAt)}`);
  const waiting =
    awaiting.length > 0
      ? ['*Waiting for*', ...awaiting].join('\n')
      : c.status === 'resolved'
        ? '*Waiting for* nothing: the incident is resolved.'
        : '*Waiting for* nothing in particular.';
  const sections: Array<[string, string]> = [
    ['catchup_facts', [heading, ...facts].join('\n')],
    ...(recent.length > 0 ? [['catchup_latest', ['*Latest*', ...recent].join('\n')] as [string, string]] : []),
    ['catchup_waiting', waiting],
  ];
  const blocks: KnownBlock[] = sections.map(([blockId, text]) => ({
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: truncate(text, 2900) },
  }));
  blocks.push({
    type: 'context',
    block_id: 'catchup_more',
    elements: [{ type: 'mrkdwn', text: 'Only you can see this. `/incident timeline` has the whole timeline.' }],
  });
  return { text: truncate([heading, ...facts].join('\n'), 3000), blocks };
}

/** `/incident catchup`: the same catch-up, answered to the person who asked. */
export function catchUpReply(c: CatchUp, now: Date, timeZone: string): CommandReply {
  const { text, blocks } = catchUpMessage(c, now, timeZone);
  return { response_type: 'ephemeral', text, blocks };
}
