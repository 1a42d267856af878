// "Post update" (card, reminder): opens the update form. "Subscribe to updates" (announcement) and
// "Unsubscribe" (each direct update): the clicker's subscription. Every answer is ephemeral.
import { z } from 'zod';
import { incidentForUpdate, setSubscription, subscriberText } from '../../../flows/stakeholder-updates';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { mrkdwn } from '../../views/format';
import { updateModal } from '../../views/update-modal';

const incidentIdValue = z.coerce.number().int().positive();
const NO_INCIDENT = ':warning: This button does not name an incident.';

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });

  on.action(ACTIONS.updateOpen, async ({ ack, body, action, respond, client }) => {
    await ack();
    const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    const incident = id.success ? await incidentForUpdate(deps.flows, id.data) : null;
    if (!incident) return void (await respond(ephemeral(NO_INCIDENT)));
    await client.views.open({ trigger_id: body.trigger_id, view: updateModal(incident) });
  });

  for (const [actionId, subscribe] of [
    [ACTIONS.incidentSubscribe, true],
    [ACTIONS.incidentUnsubscribe, false],
  ] as const) {
    on.action(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
      if (!id.success) return void (await respond(ephemeral(NO_INCIDENT)));
      const result = await setSubscription(deps.flows, id.data, body.user.id, subscribe);
      await respond(
        ephemeral(
          result.ok
            ? mrkdwn(subscriberText(body.user.id, result.incident, subscribe, result.changed))
            : `:warning: ${mrkdwn(result.reason)}`,
        ),
      );
    });
  }
}
