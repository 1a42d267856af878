// A planned event's buttons: Confirm / Decline (its target's approvers), "Scale back to N" after it, and
// "Plan capacity…" (opens the form). Ack, validate the button, call the capacity-plan flow, answer the clicker
// only; the messages themselves are edited by the outbox for everyone.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import type { PlanDecision } from '../../../domain/capacity/planned-event';
import { decidePlan, scaleBack } from '../../../flows/capacity-plans';
import type { SlackDeps } from '../../deps';
import { ACTIONS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { capacityPlanModal } from '../../views/capacity-plan-views';
import { scaleResultText } from '../../views/scale-views';

const planIdValue = z.coerce.number().int().positive();

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  const answer = (respond: (m: object) => Promise<unknown>, text: string) =>
    respond({ response_type: 'ephemeral', replace_original: false, text });
  const notAPlan = ':warning: This button does not name a capacity plan.';

  const decide =
    (decision: PlanDecision): Parameters<ListenerRegistrar['action']>[1] =>
    async ({ ack, body, action, respond }) => {
      await ack();
      const id = planIdValue.safeParse(action.type === 'button' ? action.value : undefined);
      if (!id.success || !deps.capacityPlans) return void (await answer(respond, notAPlan));
      const result = await decidePlan(deps.capacityPlans, {
        planId: id.data,
        decision,
        actor: userActor(body.user.id, body.user.name),
      });
      await answer(
        respond,
        result.ok
          ? decision === 'confirm'
            ? `:white_check_mark: Confirmed CAP-${result.plan.id}: Firebreak scales ${result.plan.target} to ${result.plan.count} before it starts.`
            : `:no_entry: Declined CAP-${result.plan.id}: nothing will be scaled.`
          : `:no_entry: You cannot ${decision} this: ${result.problem}.`,
      );
    };
  on.action(ACTIONS.capacityConfirm, decide('confirm'));
  on.action(ACTIONS.capacityDecline, decide('decline'));

  on.action(ACTIONS.capacityScaleBack, async ({ ack, body, action, respond }) => {
    await ack();
    const id = planIdValue.safeParse(action.type === 'button' ? action.value : undefined);
    if (!id.success || !deps.capacityPlans) return void (await answer(respond, notAPlan));
    const result = await scaleBack(deps.capacityPlans, {
      planId: id.data,
      actor: userActor(body.user.id, body.user.name),
    });
    await answer(
      respond,
      result.ok ? scaleResultText(result.scale, deps.flows.clock.now(), deps.timeZone) : `:warning: ${result.problem}.`,
    );
  });

  on.action(ACTIONS.capacityPlanOpen, async ({ ack, body, client, respond }) => {
    await ack();
    if (!deps.capacityPlans) return void (await answer(respond, ':warning: No scale targets are configured.'));
    await client.views.open({
      trigger_id: body.trigger_id,
      view: capacityPlanModal(
        deps.capacityPlans.targets,
        body.channel?.id ?? null,
        deps.timeZone,
        deps.capacityPlans.leadMinutes,
      ),
    });
  });
}
