// A lead nudge's "I'll lead": the clicker becomes the lead through the lead-assignment flow (on the timeline);
// the prompt is then edited to say who leads.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { takeLead } from '../../../flows/nudges';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { mrkdwn } from '../../views/format';

const incidentIdValue = z.coerce.number().int().positive();

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.action(ACTIONS.nudgeLead, async ({ ack, body, action, respond }) => {
    await ack();
    const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    const reply = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (!id.success) return void (await reply(':warning: This button does not name an incident.'));
    const result = await takeLead(deps.flows, id.data, userActor(body.user.id, body.user.name));
    await reply(
      result.ok
        ? `:white_check_mark: You now lead *INC-${result.incident.id}*. Post an update when there is news: \`/incident update <text>\`.`
        : `:information_source: ${mrkdwn(result.reason)}`,
    );
  });
}
