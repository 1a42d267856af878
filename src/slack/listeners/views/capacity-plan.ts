// Submission of the planning form: check the fields, then propose as `/capacity plan` would; what is wrong shows
// under the field it concerns, so the person can correct and submit again.
import { z } from 'zod';
import { userActor } from '../../../domain/actor';
import { parseDuration } from '../../../domain/duration';
import { parseTimeInput } from '../../../domain/time-input';
import { proposePlan } from '../../../flows/capacity-plans';
import type { SlackDeps } from '../../deps';
import { CAPACITY_FIELDS, VIEWS } from '../../ids';
import type { ListenerRegistrar } from '../../registrar';
import { planProposedText } from '../../views/capacity-plan-views';
import { MAX_PLAN_NAME, parsePlanCount } from '../commands/parse-capacity-command';
import { privateMetadata } from './private-metadata';

const metadata = z.object({ channelId: z.string().nullable() });

export function register(on: ListenerRegistrar, deps: SlackDeps): void {
  on.view(VIEWS.capacityPlan, async ({ ack, view, body, client }) => {
    const values = view.state.values;
    const text = (field: { block: string; action: string }) =>
      (values[field.block]?.[field.action]?.value ?? '').trim();
    const target = values[CAPACITY_FIELDS.target.block]?.[CAPACITY_FIELDS.target.action]?.selected_option?.value ?? '';
    const errors: Record<string, string> = {};
    const count = parsePlanCount(text(CAPACITY_FIELDS.count));
    if (!count.ok) errors[CAPACITY_FIELDS.count.block] = count.error;
    const startsAt = parseTimeInput(text(CAPACITY_FIELDS.start), deps.timeZone);
    if (!startsAt.ok) errors[CAPACITY_FIELDS.start.block] = startsAt.error;
    const duration = parseDuration(text(CAPACITY_FIELDS.duration));
    if (!duration.ok) errors[CAPACITY_FIELDS.duration.block] = duration.error;
    // Optional: blank is the policy's lead; otherwise a duration, as after `lead` in the command.
    const leadText = text(CAPACITY_FIELDS.lead);
    const lead = leadText ? parseDuration(leadText) : null;
    if (lead && !lead.ok)
      errors[CAPACITY_FIELDS.lead.block] = `Say how long before it starts to pre-scale: 45m, 2h (${lead.error})`;
    const name = text(CAPACITY_FIELDS.name);
    if (name.length > MAX_PLAN_NAME)
      errors[CAPACITY_FIELDS.name.block] = `Keep the name under ${MAX_PLAN_NAME} characters`;
    const plans = deps.capacityPlans;
    if (!plans) errors[CAPACITY_FIELDS.target.block] = 'No scale targets are configured';
    if (!plans || !count.ok || !startsAt.ok || !duration.ok || (lead && !lead.ok) || Object.keys(errors).length > 0)
      return ack({ response_action: 'errors', errors });
    // Stored before the form closes (the store is quick): a time in the past or a clash shows under its field.
    const result = await proposePlan(plans, {
      target,
      count: count.count,
      startsAt: startsAt.at,
      durationMs: duration.ms,
      name,
      actor: userActor(body.user.id, body.user.name),
      ...(lead?.ok ? { leadMinutes: Math.round(lead.ms / 60_000) } : {}),
    });
    if (!result.ok)
      return ack({ response_action: 'errors', errors: { [CAPACITY_FIELDS[result.field].block]: result.problem } });
    await ack();
    const meta = privateMetadata(view, metadata);
    if (meta.success && meta.data.channelId)
      await client.chat
        .postEphemeral({
          channel: meta.data.channelId,
          user: body.user.id,
          text: planProposedText(result.plan, deps.timeZone, result.notes),
        })
        .catch(() => undefined);
  });
}
