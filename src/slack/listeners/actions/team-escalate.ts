// The card's "Escalate…" button: opens the form to pick a team and say why.
import { z } from 'zod';
import { teamNames } from '../../../flows/team-escalation';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { escalateModal } from '../../views/team-views';

const incidentIdValue = z.coerce.number().int().positive();

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.action(ACTIONS.teamEscalate, async ({ ack, body, action, client, respond }) => {
    await ack();
    const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    const teams = deps.escalation ? teamNames(deps.escalation) : [];
    if (!id.success || teams.length === 0)
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: id.success
          ? ':information_source: No teams are configured: the platform team adds `teams` to the policy file.'
          : ':warning: This button does not name an incident.',
      }));
    await client.views.open({
      trigger_id: body.trigger_id,
      view: escalateModal({
        teams,
        incidentId: id.data,
        channelId: body.channel?.id ?? body.container?.channel_id ?? '',
      }),
    });
  });
}
