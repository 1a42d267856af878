// Escalation to other teams in Slack: the card's "Teams" line and its "Escalate…" button, the modal (team and
// message), and the answers to `/incident escalate`.
import type { KnownBlock, View } from '@slack/types';
import { localTime } from '../../domain/local-time';
import type { TeamEscalation } from '../../domain/team-escalation';
import type { EscalationResult } from '../../flows/team-escalation';
import { ACTIONS, ESCALATE_FIELDS, VIEWS } from '../ids';
import { escapeMrkdwn, truncate } from './format';

function teamState(e: TeamEscalation, now: Date, timeZone: string): string {
  const at = (d: Date | null) => (d ? localTime(d, now, timeZone) : '');
  switch (e.status) {
    case 'pending':
      return 'paging…';
    case 'paged':
      return `paged ${at(e.pagedAt)}, waiting for acknowledgement`;
    case 'acknowledged':
      return `:white_check_mark: acknowledged${e.acknowledgedBy ? ` by ${escapeMrkdwn(e.acknowledgedBy)}` : ''} at ${at(e.acknowledgedAt)}`;
    case 'declined':
      return `:x: declined${e.declinedBy ? ` by ${escapeMrkdwn(e.declinedBy)}` : ''} at ${at(e.declinedAt)}`;
    case 'failed':
      return `:x: paging failed: ${escapeMrkdwn(e.error ?? 'refused')}`;
    case 'not_paged':
      return `escalated ${at(e.escalatedAt)} (people invited, not paged${e.error ? `: ${escapeMrkdwn(e.error)}` : ''})`;
  }
}

/** The card's "Teams" section: each team brought in, and whether it acknowledged. */
export function teamsBlocks(
  escalations: readonly TeamEscalation[] | undefined,
  now: Date,
  timeZone: string,
): KnownBlock[] {
  if (!escalations || escalations.length === 0) return [];
  const lines = escalations.map((e) => `• *${escapeMrkdwn(e.team)}* — ${teamState(e, now, timeZone)}`);
  return [
    {
      type: 'section',
      block_id: 'teams',
      text: { type: 'mrkdwn', text: truncate(['*Teams engaged*', ...lines].join('\n'), 2900) },
    },
  ];
}

/** The card's "Escalate…" button, when teams are configured and the incident is open. */
export function escalateButton(incidentId: number): Record<string, unknown> {
  return {
    type: 'button',
    action_id: ACTIONS.teamEscalate,
    text: { type: 'plain_text', text: 'Escalate…' },
    value: String(incidentId),
  };
}

export function escalateModal(options: { teams: readonly string[]; incidentId: number; channelId: string }): View {
  const option = (name: string) => ({ text: { type: 'plain_text' as const, text: name }, value: name });
  return {
    type: 'modal',
    callback_id: VIEWS.teamEscalate,
    private_metadata: JSON.stringify({ incidentId: options.incidentId, channelId: options.channelId }),
    title: { type: 'plain_text', text: 'Escalate to a team' },
    submit: { type: 'plain_text', text: 'Escalate' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: ESCALATE_FIELDS.team.block,
        label: { type: 'plain_text', text: 'Team' },
        element: {
          type: 'static_select',
          action_id: ESCALATE_FIELDS.team.action,
          options: options.teams.slice(0, 100).map(option),
        },
      },
      {
        type: 'input',
        block_id: ESCALATE_FIELDS.message.block,
        optional: true,
        label: { type: 'plain_text', text: 'Message for the team' },
        element: { type: 'plain_text_input', action_id: ESCALATE_FIELDS.message.action, max_length: 500 },
      },
    ],
  };
}

/** What the person who escalated is told. */
export function escalationResultText(result: EscalationResult, pagerName: string | null): string {
  if (!result.ok) return `:warning: ${result.problem}`;
  const e = result.escalation;
  if (result.repeated)
    return `:information_source: *${escapeMrkdwn(e.team)}* was already escalated to for INC-${e.incidentId}; not paged again.`;
  const how = result.paged
    ? `paging them through ${pagerName ?? 'the pager'}`
    : `not paging them (${escapeMrkdwn(e.error ?? 'no pager for this team')})`;
  return `:sos: Escalated INC-${e.incidentId} to *${escapeMrkdwn(e.team)}*: ${how} and inviting their people here. The card shows when they acknowledge.`;
}
