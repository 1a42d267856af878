// The card's "Scale out +N" buttons (behind Slack's confirm dialog) and "Scale…", which opens the modal.
import { z } from 'zod';
import { jsonText } from '../../../validation/json-text';
import { requestScale } from '../../../flows/scaling';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { scaleModal, scaleResultText } from '../../views/scale-views';
import { userActor } from '../../../domain/actor';
import { incidentInChannel } from '../../../flows/incident-queries';

const scaleOutValue = jsonText(z.object({ target: z.string().min(1), count: z.int().min(1) }));

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.action(
    ACTIONS.scaleOut,
    async ({ ack, body, action, respond }) => {
      await ack();
      const value = scaleOutValue.safeParse(action.type === 'button' ? action.value : undefined);
      if (!value.success || !deps.scaling) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: ':warning: This button does not name a scale target.',
        });
        return;
      }
      const channelId = body.channel?.id ?? body.container?.channel_id;
      const incident = channelId ? await incidentInChannel(deps.flows, channelId) : null;
      const result = await requestScale(deps.scaling, {
        targetName: value.data.target,
        amount: `+${value.data.count}`,
        actor: userActor(body.user.id, body.user.name),
        incidentId: incident?.id ?? null,
        // The click's own timestamp: a Slack retry of this click carries the same one.
        clickId: action.action_ts,
        ...(channelId ? { channelId } : {}),
      });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: scaleResultText(result, deps.flows.clock.now(), deps.timeZone),
      });
    },
    { prefix: true },
  );

  on.action(ACTIONS.scaleCustom, async ({ ack, body, client, respond }) => {
    await ack();
    if (!deps.scaling || deps.scaling.targets.length === 0) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':information_source: No scale targets are configured.',
      });
      return;
    }
    const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
    const incident = channelId ? await incidentInChannel(deps.flows, channelId) : null;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: scaleModal({ targets: [...deps.scaling.targets], incidentId: incident?.id ?? null, channelId }),
    });
  });
}
