// `/capacity plan <target> <count> at <time> for <duration> [name]` (no arguments: the form), `/capacity list`,
// `/capacity cancel <id>`, `/capacity help`: planned capacity for known events. Parses, acknowledges, calls the
// capacity-plan flow and answers the person alone; the announcement is the flow's (through the outbox).
import { userActor } from '../../../domain/actor';
import { cancelPlan, listPlans, proposePlan } from '../../../flows/capacity-plans';
import type { SlackDeps } from '../../deps';
import { COMMANDS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import {
  capacityHelpReply,
  capacityListReply,
  capacityPlanModal,
  planProposedText,
} from '../../views/capacity-plan-views';
import { doneReply, errorReply } from '../../views/command-replies';
import { parseCapacityCommand } from './parse-capacity-command';
import { CAPACITY_USAGE, CAPACITY_USAGE_TEXT } from './usage';

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.command(COMMANDS.capacity, async ({ command, ack, respond, client }) => {
    const parsed = parseCapacityCommand(command.text, deps.timeZone);
    if (!parsed.ok) return ack(errorReply(parsed.error, parsed.usage));
    const request = parsed.command;
    if (request.sub === 'help') return ack(capacityHelpReply());
    const plans = deps.capacityPlans;
    if (!plans)
      return ack(
        errorReply(
          'no scale targets are configured, so there is no capacity to plan; add `scaleTargets` to the policy file',
          CAPACITY_USAGE_TEXT,
        ),
      );
    const actor = userActor(command.user_id, command.user_name || undefined);
    switch (request.sub) {
      case 'form':
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: capacityPlanModal(plans.targets, command.channel_id, deps.timeZone, plans.leadMinutes),
        });
        return;
      case 'list':
        await ack();
        await respond(capacityListReply(await listPlans(plans), deps.timeZone));
        return;
      case 'plan': {
        await ack();
        const result = await proposePlan(plans, { ...request, actor });
        await respond(
          result.ok
            ? doneReply(planProposedText(result.plan, deps.timeZone, result.notes))
            : errorReply(result.problem, CAPACITY_USAGE.plan.form),
        );
        return;
      }
      case 'cancel': {
        await ack();
        const result = await cancelPlan(plans, { planId: request.planId, actor });
        await respond(
          result.ok
            ? doneReply(
                `:x: Cancelled CAP-${result.plan.id}${result.scaleBackOffered ? `; it was pre-scaled, so scaling ${result.plan.target} back to ${result.plan.scaleBackTo} is offered in the incidents channel` : ': nothing will be scaled'}.`,
              )
            : errorReply(result.problem, CAPACITY_USAGE.cancel.form),
        );
        return;
      }
    }
  });
}
