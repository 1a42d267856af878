// Submission of the custom scale modal: check the fields, then ask as `/scale` would; refusals show
// under the field they concern, so the person can correct and resubmit.
import { z } from 'zod';
import { parseScaleAmount } from '../../../domain/scaling';
import { requestScale } from '../../../flows/scaling';
import type { SlackDeps } from '../../deps';
import { SCALE_FIELDS, VIEWS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { privateMetadata } from './private-metadata';
import { scaleResultText } from '../../views/scale-views';
import { userActor } from '../../../domain/actor';

const metadata = z.object({ incidentId: z.number().int().nullable(), channelId: z.string() });

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.view(VIEWS.scaleCustom, async ({ ack, view, body, client }) => {
    const values = view.state.values;
    const target = values[SCALE_FIELDS.target.block]?.[SCALE_FIELDS.target.action]?.selected_option?.value ?? '';
    const amount = (values[SCALE_FIELDS.amount.block]?.[SCALE_FIELDS.amount.action]?.value ?? '').trim();
    const reason = (values[SCALE_FIELDS.reason.block]?.[SCALE_FIELDS.reason.action]?.value ?? '').trim();
    const parsedAmount = parseScaleAmount(amount);
    if (!parsedAmount.ok)
      return ack({ response_action: 'errors', errors: { [SCALE_FIELDS.amount.block]: parsedAmount.error } });
    if (!deps.scaling?.targets.some((t) => t.name === target))
      return ack({ response_action: 'errors', errors: { [SCALE_FIELDS.target.block]: 'Choose a scale target' } });
    const meta = privateMetadata(view, metadata);
    // Asking AWS may take longer than Slack's three seconds: close the form now, answer in the channel.
    await ack();
    const result = await requestScale(deps.scaling, {
      targetName: target,
      amount,
      actor: userActor(body.user.id, body.user.name),
      incidentId: meta.success ? meta.data.incidentId : null,
      // One submission of one modal: a Slack retry carries the same view id and hash.
      clickId: `${view.id}:${view.hash}`,
      ...(reason ? { reason } : {}),
      ...(meta.success && meta.data.channelId ? { channelId: meta.data.channelId } : {}),
    });
    if (meta.success && meta.data.channelId) {
      await client.chat
        .postEphemeral({
          channel: meta.data.channelId,
          user: body.user.id,
          text: scaleResultText(result, deps.flows.clock.now(), deps.timeZone),
        })
        .catch(() => undefined);
    }
  });
}
