// "Scale out +N" on a capacity warning: ack, validate the button, run the offered scale-out through the ordinary
// scaling flow (guardrails, approval), and answer the clicker only; the warning is edited by the outbox for all.
import { z } from 'zod';
import { jsonText } from '../../../validation/json-text';
import { userActor } from '../../../domain/actor';
import { scaleOutFromWarning } from '../../../flows/capacity-watch';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { escapeMrkdwn } from '../../views/format';
import { scaleResultText } from '../../views/scale-views';

const positive = z.int().min(1);
const scaleOutValue = jsonText(z.object({ warning: positive, offer: positive, count: positive }), 200);

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.action(ACTIONS.capacityScaleOut, async ({ ack, body, action, respond }) => {
    await ack();
    const value = scaleOutValue.safeParse(action.type === 'button' ? action.value : undefined);
    if (!value.success || !deps.scaling)
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':warning: This button does not name a capacity warning.',
      }));
    const outcome = await scaleOutFromWarning(deps.scaling, {
      warningId: value.data.warning,
      offer: value.data.offer,
      count: value.data.count,
      actor: userActor(body.user.id, body.user.name),
    });
    const text = outcome.ok
      ? scaleResultText(outcome.result, deps.flows.clock.now(), deps.timeZone, 'on the capacity warning')
      : `:information_source: ${escapeMrkdwn(outcome.problem)}.`;
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  });
}
