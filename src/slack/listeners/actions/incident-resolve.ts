// The card's Resolve button: opens the resolve form (summary, impact, root cause, resolution, tasks).
// Draft postmortem: drafts it again from the timeline.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { incidentToResolve } from '../../../flows/incident-queries';
import { requestPostmortem } from '../../../flows/postmortem-delivery';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { resolveModal } from '../../views/resolve-modal';

const incidentIdValue = z.coerce.number().int().positive();

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.action(ACTIONS.incidentResolve, async ({ ack, body, action, respond, client }) => {
    await ack();
    const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    const found = id.success ? await incidentToResolve(deps.flows, id.data) : ({ ok: false, why: 'missing' } as const);
    if (!found.ok) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text:
          found.why === 'already_resolved'
            ? ':information_source: The incident is already resolved.'
            : ':warning: This button does not name an incident.',
      });
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: resolveModal(found.incident) });
  });

  on.action(ACTIONS.postmortemDraft, async ({ ack, body, action, respond }) => {
    await ack();
    const id = incidentIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    if (!id.success) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':warning: This button does not name an incident.',
      });
      return;
    }
    await requestPostmortem(deps.flows, id.data, userActor(body.user.id, body.user.name));
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: ':memo: Drafting the postmortem from the timeline; it will be posted here.',
    });
  });
}
