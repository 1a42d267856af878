// A stakeholder update as Slack shows it: in the incident channel, in the thread under the announcement, and
// as a direct message to a subscriber (which says which incident and where to follow it).
import type { KnownBlock } from '@slack/types';
import { actorText } from '../../domain/actor';
import { incidentRef, type Incident } from '../../domain/incident';
import type { StakeholderUpdate } from '../../ports/chat';
import { ACTIONS } from '../ids';
import { escapeMrkdwn, mrkdwn, truncate } from './format';

export function updateMessage(incident: Incident, update: StakeholderUpdate): { text: string; blocks: KnownBlock[] } {
  const body = escapeMrkdwn(truncate(update.text, 2800));
  const by = mrkdwn(actorText(update.actor));
  const heading =
    update.where === 'direct'
      ? `:mega: *Update on ${incidentRef(incident)} · ${escapeMrkdwn(truncate(incident.title, 150))}* (${incident.status})`
      : `:mega: *Update* (${incident.status})`;
  const where = update.where === 'direct' && incident.channelId ? ` · follow it in <#${incident.channelId}>` : '';
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'update', text: { type: 'mrkdwn', text: `${heading}\n${body}` } },
    { type: 'context', block_id: 'update_by', elements: [{ type: 'mrkdwn', text: `Posted by ${by}${where}` }] },
  ];
  if (update.where === 'direct')
    blocks.push({
      type: 'actions',
      block_id: 'update_actions',
      elements: [
        {
          type: 'button',
          action_id: ACTIONS.incidentUnsubscribe,
          text: { type: 'plain_text', text: 'Unsubscribe' },
          value: String(incident.id),
        },
      ],
    });
  return { text: `Update on ${incidentRef(incident)}: ${body}`, blocks };
}

/** What the person who posted an update is told. */
export function updatePostedText(subscribers: number): string {
  const dms = subscribers === 0 ? '' : `, and to ${subscribers === 1 ? '1 subscriber' : `${subscribers} subscribers`}`;
  return `:mega: Update posted: here, under the announcement${dms}.`;
}
