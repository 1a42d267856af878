// What `/incident` answers: help, lists, the timeline, and errors that name the problem and the right form.
import type { KnownBlock } from '@slack/types';
import type { AlertRecord } from '../../domain/alert';
import { humanDuration } from '../../domain/duration';
import { incidentRef, TEST_CHANNEL_PREFIX, type Incident } from '../../domain/incident';
import { withPinEdits } from '../../domain/pinned-messages';
import type { TimelineEvent } from '../../domain/timeline';
import type { OnCallAnswer } from '../../flows/paging';
import { INCIDENT_SUBCOMMANDS } from '../ids';
import { INCIDENT_USAGE, pageUsage } from '../listeners/commands/parse-incident-command';
import { CAPACITY_FORMS, ONCALL_USAGE, SCALE_FORMS, type CommandForm } from '../listeners/commands/usage';
import { zoneLabel } from '../../domain/local-time';
import { dateTime, escapeMrkdwn } from './format';
import { alertLabelsApart, timelineLine } from './timeline-text';

/** An ephemeral reply: seen only by the person who typed the command. */
export interface CommandReply {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: KnownBlock[];
}

function ephemeral(text: string, blocks?: KnownBlock[]): CommandReply {
  return { response_type: 'ephemeral', text, ...(blocks ? { blocks } : {}) };
}

const formLine = (f: CommandForm): string => `\`${f.form}\` — ${f.what}`;

/**
 * `/incident help`: every form of every command Firebreak answers, so the other two are found here too; paging
 * names the configured pager.
 */
export function helpReply(pagerName: string | null = null): CommandReply {
  const lines = INCIDENT_SUBCOMMANDS.map((s) => formLine(s === 'page' ? pageUsage(pagerName) : INCIDENT_USAGE[s]));
  const text = [
    '*Firebreak — /incident*',
    ...lines,
    'React with :pushpin: to a message in an incident channel to add it to the timeline.',
    '*Also*',
    formLine(ONCALL_USAGE),
    ...SCALE_FORMS.map(formLine),
    ...CAPACITY_FORMS.map(formLine),
  ].join('\n');
  return ephemeral(text, [{ type: 'section', text: { type: 'mrkdwn', text } }]);
}

/** `/scale help`. */
export function scaleHelpReply(): CommandReply {
  const text = ['*Firebreak — /scale*', ...SCALE_FORMS.map(formLine)].join('\n');
  return ephemeral(text, [{ type: 'section', text: { type: 'mrkdwn', text } }]);
}

export function errorReply(problem: string, usage: string): CommandReply {
  const text = `:warning: ${problem}\nUsage:\n\`\`\`${usage}\`\`\``;
  return ephemeral(text);
}

export function doneReply(text: string): CommandReply {
  return ephemeral(text);
}

export function notInIncidentChannelReply(sub: string): CommandReply {
  return ephemeral(
    `:warning: \`/incident ${sub}\` works inside an incident channel. \`/incident list\` shows the open incidents and their channels.`,
  );
}

/** The answer to declaring a test incident: only to its declarer, since a rehearsal is nobody else's business. */
export function testDeclaredText(userId: string, incident: Incident): string {
  return `:test_tube: <@${userId}> declared *${incidentRef(incident)}*, a *test incident* (${incident.severity}): ${escapeMrkdwn(incident.title)}. Its channel (#${TEST_CHANNEL_PREFIX}-…) is being created; nobody is paged and it is not announced.`;
}

export function listReply(incidents: Incident[], now: Date): CommandReply {
  if (incidents.length === 0) return ephemeral(':white_check_mark: No open incidents.');
  const lines = incidents.map((i) => {
    const channel = i.channelId ? `<#${i.channelId}>` : '_channel being created_';
    return `• *${incidentRef(i)}*${i.test ? ' _(test)_' : ''} [${i.severity}] ${escapeMrkdwn(i.title)} — ${i.status}, open ${humanDuration(now.getTime() - i.openedAt.getTime(), 'terse')} — ${channel}`;
  });
  const text = [`*Open incidents (${incidents.length})*`, ...lines].join('\n');
  return ephemeral(text, [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }]);
}

/**
 * Slack limits a section to 3,000 characters; the whole timeline is split across sections. `alerts`: the
 * records of alerts named under a shared title (`alertsToTellApart`), so their lines say which is which.
 */
export function timelineReply(
  incident: Incident,
  events: TimelineEvent[],
  alerts: readonly AlertRecord[],
  now: Date,
  timeZone: string,
): CommandReply {
  const heading = `*Timeline of ${incidentRef(incident)}* (opened ${dateTime(incident.openedAt, timeZone)} ${zoneLabel(timeZone, incident.openedAt)})`;
  const apart = alertLabelsApart(events, alerts);
  // A pinned message's entry reads as the message does now; once the incident spans midnight, times carry dates.
  const lines = withPinEdits(events).map((e) => timelineLine(e, now, timeZone, apart, incident.openedAt));
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: heading } }];
  let chunk: string[] = [];
  const flush = (): void => {
    if (chunk.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk.join('\n') } });
    chunk = [];
  };
  for (const line of lines) {
    if ([...chunk, line].join('\n').length > 2900) flush();
    chunk.push(line);
  }
  flush();
  // A message holds at most 50 blocks; keep the newest when the timeline is longer.
  const shown =
    blocks.length > 50
      ? [
          blocks[0] as KnownBlock,
          { type: 'context', elements: [{ type: 'mrkdwn', text: '…earlier entries omitted' }] } as KnownBlock,
          ...blocks.slice(-48),
        ]
      : blocks;
  return ephemeral(`${heading}\n${lines.slice(-20).join('\n')}`, shown);
}

export function onCallReply(answers: OnCallAnswer[]): CommandReply {
  const sections = answers.map((answer) => {
    if (answer.error) return `*${escapeMrkdwn(answer.policyName)}*: :warning: ${escapeMrkdwn(answer.error)}`;
    if (answer.people.length === 0) return `*${escapeMrkdwn(answer.policyName)}*: nobody is on call`;
    const people = answer.people.map(
      (p) => `L${p.level} ${p.slackUserId ? `<@${p.slackUserId}>` : escapeMrkdwn(p.name)}`,
    );
    return `*${escapeMrkdwn(answer.policyName)}*: ${people.join(', ')}`;
  });
  const text = [':pager: *On call now*', ...sections].join('\n');
  return ephemeral(text, [{ type: 'section', text: { type: 'mrkdwn', text } }]);
}
