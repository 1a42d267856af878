// The card's Resolve button (behind Slack's confirm dialog): resolves the incident the card belongs to.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { changeStatus } from '../../../domain/incident-changes';
import { updateIncident } from '../../../flows/update-incident';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';

const incidentIdValue = z.coerce.number().int().positive();

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.action(ACTIONS.incidentResolve, async ({ ack, body, action, respond }) => {
    await ack();
    const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    if (!id.success) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: ':warning: This button does not name an incident.' });
      return;
    }
    const actor = userActor(body.user.id, body.user.name);
    const result = await updateIncident(deps.flows, id.data, (incident, now) => changeStatus(incident, 'resolved', actor, now));
    if (!result.ok) await respond({ response_type: 'ephemeral', replace_original: false, text: `:information_source: ${result.reason}` });
  });
}
