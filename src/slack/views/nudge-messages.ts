// The nudges' prompts in an incident channel: "who leads?" and "time for an update", each with its button
// while it stands, and what settled it once it no longer asks (so an old prompt never invites a stale click).
import type { KnownBlock } from '@slack/types';
import { incidentRef, type Incident } from '../../domain/incident';
import type { NudgeKind, NudgeSettlement } from '../../domain/nudges';
import { localTime } from '../../domain/local-time';
import { ACTIONS } from '../ids';

function settledText(settled: NudgeSettlement, timeZone: string): string {
  switch (settled.why) {
    case 'lead_assigned':
      return `:white_check_mark: <@${settled.userId}> leads the incident.`;
    case 'update_posted':
      return `:white_check_mark: An update went out at ${localTime(settled.at, settled.at, timeZone)}.`;
    case 'resolved':
      return ':white_check_mark: The incident is resolved; nothing to do here.';
    case 'superseded':
      return ':arrow_down: A newer reminder follows below.';
  }
}

function askText(incident: Incident, nudge: NudgeKind): string {
  if (nudge === 'lead')
    return `:raising_hand: ${incidentRef(incident)} has no lead yet. Someone needs to coordinate: take it with the button, or \`/incident lead @someone\`.`;
  const who = incident.leadUserId ? `<@${incident.leadUserId}>, no` : 'No';
  return `:mega: ${who} update for ${incidentRef(incident)} has gone out for a while. People outside the channel are waiting: post one.`;
}

export function nudgeMessage(
  incident: Incident,
  nudge: NudgeKind,
  settled: NudgeSettlement | null,
  timeZone: string,
): { text: string; blocks: KnownBlock[] } {
  const text = askText(incident, nudge);
  if (settled) {
    const outcome = settledText(settled, timeZone);
    return {
      text: outcome,
      blocks: [
        { type: 'section', block_id: 'nudge', text: { type: 'mrkdwn', text: `~${text}~` } },
        { type: 'context', block_id: 'nudge_settled', elements: [{ type: 'mrkdwn', text: outcome }] },
      ],
    };
  }
  const button =
    nudge === 'lead'
      ? { action_id: ACTIONS.nudgeLead, text: "I'll lead" }
      : { action_id: ACTIONS.updateOpen, text: 'Post update' };
  return {
    text,
    blocks: [
      { type: 'section', block_id: 'nudge', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: 'nudge_actions',
        elements: [
          {
            type: 'button',
            action_id: button.action_id,
            text: { type: 'plain_text', text: button.text },
            style: 'primary',
            value: String(incident.id),
          },
        ],
      },
    ],
  };
}
