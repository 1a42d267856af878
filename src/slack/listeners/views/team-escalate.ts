// Submission of the "Escalate…" form: check the team, escalate as `/incident escalate` would, and tell the
// person in the channel (only them).
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { escalateToTeam } from '../../../flows/team-escalation';
import type { SlackDeps } from '../../deps';
import { ESCALATE_FIELDS, VIEWS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { escalationResultText } from '../../views/team-views';
import { privateMetadata } from './private-metadata';

const metadata = z.object({ incidentId: z.number().int().positive(), channelId: z.string() });

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.view(VIEWS.teamEscalate, async ({ ack, view, body, client }) => {
    const values = view.state.values;
    const team = values[ESCALATE_FIELDS.team.block]?.[ESCALATE_FIELDS.team.action]?.selected_option?.value ?? '';
    const message = (values[ESCALATE_FIELDS.message.block]?.[ESCALATE_FIELDS.message.action]?.value ?? '').trim();
    const meta = privateMetadata(view, metadata);
    const escalation = deps.escalation;
    if (!escalation?.teams.some((t) => t.name === team))
      return ack({ response_action: 'errors', errors: { [ESCALATE_FIELDS.team.block]: 'Choose a team' } });
    if (!meta.success)
      return ack({
        response_action: 'errors',
        errors: { [ESCALATE_FIELDS.team.block]: 'This form names no incident' },
      });
    await ack();
    const result = await escalateToTeam(escalation, {
      incidentId: meta.data.incidentId,
      team,
      actor: userActor(body.user.id, body.user.name),
      ...(message ? { message } : {}),
    });
    if (meta.data.channelId)
      await client.chat
        .postEphemeral({
          channel: meta.data.channelId,
          user: body.user.id,
          text: escalationResultText(result, deps.paging.pagerName),
        })
        .catch(() => undefined);
  });
}
