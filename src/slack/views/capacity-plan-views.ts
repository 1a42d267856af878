// What planned capacity looks like in Slack: the announcement (what, when, target, count, who proposed, where
// it stands, with Confirm / Decline while it waits for its approvers), the "Scale back to N" offer after it,
// `/capacity list` and its help, and the planning form.
import type { Button, KnownBlock, View } from '@slack/types';
import { humanDuration } from '../../domain/duration';
import {
  latestScaleStep,
  planRef,
  prescaleAt,
  type CapacityPlan,
  type ScalePhase,
} from '../../domain/capacity/planned-event';
import { zoneLabel } from '../../domain/local-time';
import type { ScaleTarget } from '../../domain/scale-target';
import { ACTIONS, CAPACITY_FIELDS, VIEWS } from '../ids';
import { CAPACITY_FORMS } from '../listeners/commands/usage';
import type { CommandReply } from './command-replies';
import { button } from './buttons';
import { dateTime, escapeMrkdwn } from './format';

const planOpenElement: Button = {
  type: 'button',
  action_id: ACTIONS.capacityPlanOpen,
  text: { type: 'plain_text', text: 'Plan capacity…' },
};

/** A plan's times are read days ahead: always with their date and zone. */
function when(at: Date, timeZone: string): string {
  return `${dateTime(at, timeZone)} ${zoneLabel(timeZone, at)}`;
}

/** Who cancelled it: the latest `cancelled` step (a late pre-scale may be recorded after it). */
function cancelledBy(plan: CapacityPlan): string {
  const by = plan.steps.findLast((s) => s.what === 'cancelled')?.by;
  return by?.kind === 'user' ? `<@${by.id}>` : 'Firebreak';
}

function headline(plan: CapacityPlan, timeZone: string): string {
  const span = humanDuration(plan.endsAt.getTime() - plan.startsAt.getTime(), 'short');
  return [
    `:calendar: *Planned capacity ${planRef(plan)}: ${escapeMrkdwn(plan.name)}*`,
    `*${escapeMrkdwn(plan.target)}* at *${plan.count}* instances from ${when(plan.startsAt, timeZone)} to ${when(plan.endsAt, timeZone)} (${span}), proposed by <@${plan.proposedBy.id}>.`,
  ].join('\n');
}

function standing(plan: CapacityPlan, timeZone: string): string {
  const at = (d: Date | null) => (d ? when(d, timeZone) : '');
  const pre = at(prescaleAt(plan));
  switch (plan.state) {
    case 'proposed':
      return `:hourglass_flowing_sand: Waiting for @${plan.approvers ?? ''} to confirm (not the proposer). Confirmed, Firebreak scales ${escapeMrkdwn(plan.target)} to ${plan.count} at ${pre}; unconfirmed by then, it does not scale.`;
    case 'confirmed':
      return plan.confirmedBy
        ? `:white_check_mark: Confirmed by <@${plan.confirmedBy.id}>. Firebreak scales ${escapeMrkdwn(plan.target)} to ${plan.count} at ${pre}, ${plan.leadMinutes} minutes before it starts.`
        : `:white_check_mark: Confirmed by the proposal (${escapeMrkdwn(plan.target)} has no approval rules). Firebreak scales it to ${plan.count} at ${pre}, ${plan.leadMinutes} minutes before it starts.`;
    case 'declined':
      return `:no_entry: Declined by <@${plan.confirmedBy?.id ?? ''}>; nothing will be scaled.`;
    case 'cancelled':
      return plan.prescaleOperationId !== null && plan.scaleBackTo !== null
        ? `:x: Cancelled by ${cancelledBy(plan)} after the pre-scale; scaling back to ${plan.scaleBackTo} is offered below.`
        : `:x: Cancelled by ${cancelledBy(plan)}; nothing will be scaled.`;
    case 'missed':
      return plan.confirmedAt
        ? `:warning: ${escapeMrkdwn(plan.target)} was *not* pre-scaled: ${escapeMrkdwn(plan.outcome ?? 'its time passed')}.`
        : `:warning: Not confirmed by ${pre}: ${escapeMrkdwn(plan.target)} was *not* pre-scaled.`;
    case 'pre-scaled': {
      if (plan.prescaleOperationId === null)
        return `:arrow_up: Nothing to add at ${pre}: ${escapeMrkdwn(plan.outcome ?? `${plan.target} already had enough`)}.`;
      const stepped = steppedProgress(plan, 'prescale');
      // One step whose operation failed: the warning below says why; the headline must not say "pre-scaled".
      if (!stepped && plan.outcome?.startsWith('stopped at step'))
        return `:warning: At ${pre} Firebreak asked to scale ${escapeMrkdwn(plan.target)} ${plan.scaleBackTo ?? '?'} → ${plan.count} (operation #${plan.prescaleOperationId}); it did not complete.`;
      return stepped
        ? `:arrow_up: ${stepped}`
        : `:arrow_up: Pre-scaled at ${pre}: ${escapeMrkdwn(plan.target)} ${plan.scaleBackTo ?? '?'} → ${plan.count} (operation #${plan.prescaleOperationId}).`;
    }
    case 'refused':
      // Final: nothing retries it (not the cloud coming back either); a person scales with /scale or plans again.
      return `:no_entry: The pre-scale did not happen: ${escapeMrkdwn(plan.outcome ?? 'no reason given')}. ${escapeMrkdwn(plan.target)} was not scaled, and Firebreak will not try again: \`/scale ${escapeMrkdwn(plan.target)} ${plan.count}\` scales it now.`;
    case 'ended':
      return plan.scaleBackTo !== null
        ? `:checkered_flag: Ended at ${at(plan.endsAt)}; scaling back to ${plan.scaleBackTo} is offered below.`
        : `:checkered_flag: Ended at ${at(plan.endsAt)}.`;
  }
}

/** The operations of a phase's steps, in order: "#3, #4". */
function stepOperations(plan: CapacityPlan, phase: ScalePhase): string {
  const ids = plan.steps.flatMap((s) =>
    s.scale?.phase === phase && s.scale.running === undefined ? [s.scale.operationId] : [],
  );
  return ids.map((id) => `#${id}`).join(', ');
}

/**
 * Where a change in more than one step stands ("Pre-scaling web 4 → 24: step 1 of 2, 14 running"), or null when
 * the phase took one step (or none yet).
 */
function steppedProgress(plan: CapacityPlan, phase: ScalePhase): string | null {
  const latest = latestScaleStep(plan, phase);
  if (!latest || latest.of === 1 || plan.scaleBackTo === null) return null;
  const first = plan.steps.find((s) => s.scale?.phase === phase)?.scale;
  const start = first?.from ?? latest.from;
  const goal = phase === 'prescale' ? plan.count : plan.scaleBackTo;
  const target = escapeMrkdwn(plan.target);
  if (latest.step === latest.of && latest.running !== undefined)
    return `${phase === 'prescale' ? 'Pre-scaled' : 'Scaled back'} ${target} ${start} → ${goal} in ${latest.of} steps (operations ${stepOperations(plan, phase)}); ${latest.running} running.`;
  const verb = phase === 'prescale' ? 'Pre-scaling' : 'Scaling back';
  const where =
    latest.running !== undefined
      ? `step ${latest.step} of ${latest.of}, ${latest.running} running; the next step follows its cooldown`
      : `step ${latest.step} of ${latest.of} under way (${latest.from} → ${latest.to}, operation #${latest.operationId})`;
  return `${verb} ${target} ${start} → ${goal}: ${where}.`;
}

/** What everyone should know about the plan (the lead too short for its steps, a stepping that stopped), newest last. */
function warnings(plan: CapacityPlan, from = 0): string[] {
  return plan.steps.slice(from).flatMap((s) => (s.warning ? [`:warning: ${escapeMrkdwn(s.warning)}`] : []));
}

export function capacityPlanMessage(plan: CapacityPlan, timeZone: string): { text: string; blocks: KnownBlock[] } {
  const firstScaleBack = plan.steps.findIndex((s) => s.scale?.phase === 'scale-back');
  const text = [
    headline(plan, timeZone),
    standing(plan, timeZone),
    ...warnings({ ...plan, steps: firstScaleBack < 0 ? plan.steps : plan.steps.slice(0, firstScaleBack) }),
  ].join('\n');
  // While it waits: Confirm / Decline for its approvers. Always: "Plan capacity…", for whoever knows the next event.
  const decide: Button[] =
    plan.state === 'proposed'
      ? [
          button({
            actionId: ACTIONS.capacityConfirm,
            text: 'Confirm',
            style: 'primary',
            value: String(plan.id),
            confirm: {
              title: 'Confirm this plan?',
              text: `Firebreak will scale *${escapeMrkdwn(plan.target)}* to ${plan.count} instances at ${when(prescaleAt(plan), timeZone)}.`,
              ok: 'Confirm',
              deny: 'Back',
            },
          }),
          button({ actionId: ACTIONS.capacityDecline, text: 'Decline', style: 'danger', value: String(plan.id) }),
        ]
      : [];
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'capacity_plan', text: { type: 'mrkdwn', text } },
    { type: 'actions', block_id: 'capacity_plan_actions', elements: [...decide, planOpenElement] },
  ];
  return { text, blocks };
}

export function scaleBackMessage(plan: CapacityPlan): { text: string; blocks: KnownBlock[] } {
  const why = plan.state === 'cancelled' ? 'was cancelled' : 'is over';
  const reached = latestScaleStep(plan, 'prescale')?.to ?? plan.count;
  const head = `:checkered_flag: ${planRef(plan)} *${escapeMrkdwn(plan.name)}* ${why}: *${escapeMrkdwn(plan.target)}* was pre-scaled from ${plan.scaleBackTo} to ${reached}.`;
  if (plan.scaleBackOperationId !== null) {
    const stepped = steppedProgress(plan, 'scale-back');
    const firstScaleBack = plan.steps.findIndex((s) => s.scale?.phase === 'scale-back');
    const text = [
      head,
      `:arrow_down: ${stepped ?? `Scaling back to ${plan.scaleBackTo} (operation #${plan.scaleBackOperationId}).`}`,
      ...warnings(plan, firstScaleBack),
    ].join('\n');
    return { text, blocks: [{ type: 'section', block_id: 'capacity_scale_back', text: { type: 'mrkdwn', text } }] };
  }
  const steps = plan.steps.find((s) => s.scale?.phase === 'prescale')?.scale?.of ?? 1;
  const text = `${head}\nScale it back to ${plan.scaleBackTo} when the traffic has gone (the target's guardrails apply${steps > 1 ? '; like the pre-scale, it goes in steps of at most the max step' : ''}).`;
  return {
    text,
    blocks: [
      { type: 'section', block_id: 'capacity_scale_back', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: 'capacity_scale_back_actions',
        elements: [
          {
            type: 'button',
            action_id: ACTIONS.capacityScaleBack,
            text: { type: 'plain_text', text: `Scale back to ${plan.scaleBackTo}` },
            value: String(plan.id),
          },
        ],
      },
    ],
  };
}

const planOpenButton: KnownBlock = { type: 'actions', block_id: 'capacity_plan_open', elements: [planOpenElement] };

/** `/capacity list`: upcoming and running plans, soonest first, with "Plan capacity…". */
export function capacityListReply(plans: readonly CapacityPlan[], timeZone: string): CommandReply {
  const lines = plans.map(
    (p) =>
      `• *${planRef(p)}* ${escapeMrkdwn(p.name)} — ${escapeMrkdwn(p.target)} at ${p.count}, ${when(p.startsAt, timeZone)} to ${when(p.endsAt, timeZone)}, ${p.state}${p.state === 'proposed' ? ` (waiting for @${p.approvers ?? ''})` : ''}`,
  );
  const text =
    plans.length === 0
      ? 'No capacity is planned. Plan it for a known event with `/capacity plan <target> <count> at <YYYY-MM-DD HH:MM> for <duration> [lead <duration>] [name]`.'
      : ['*Planned capacity (upcoming and running)*', ...lines].join('\n');
  return {
    response_type: 'ephemeral',
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, planOpenButton],
  };
}

export function capacityHelpReply(): CommandReply {
  const text = [
    '*Firebreak — /capacity*',
    ...CAPACITY_FORMS.map((f) => `\`${f.form}\` — ${f.what}`),
    "Times are in the team's zone unless given with an offset or Z; durations as 3h, 90m, 1h30m.",
  ].join('\n');
  return { response_type: 'ephemeral', text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The proposer's answer once the plan is stored. */
export function planProposedText(plan: CapacityPlan, timeZone: string, notes: readonly string[] = []): string {
  const next = plan.approvers
    ? `${escapeMrkdwn(plan.target)} needs approval, so a member of @${plan.approvers} (not you) must confirm it before ${when(prescaleAt(plan), timeZone)}, or it does not scale`
    : `${escapeMrkdwn(plan.target)} has no approval rules, so your proposal confirms it`;
  const said = `:calendar: Planned *${planRef(plan)}*: ${escapeMrkdwn(plan.target)} at ${plan.count} from ${when(plan.startsAt, timeZone)} (pre-scale ${when(prescaleAt(plan), timeZone)}). Announced in the incidents channel; ${next}.`;
  return [said, ...notes.map((note) => `• ${escapeMrkdwn(note)}`)].join('\n');
}

export function capacityPlanModal(
  targets: readonly ScaleTarget[],
  channelId: string | null,
  timeZone: string,
  /** The policy's lead, shown as what a blank lead means. */
  leadMinutes: number,
): View {
  const input = (
    field: { block: string; action: string },
    label: string,
    placeholder: string,
    options: { optional?: boolean; hint?: string } = {},
  ): KnownBlock => ({
    type: 'input',
    block_id: field.block,
    ...(options.optional ? { optional: true } : {}),
    label: { type: 'plain_text', text: label },
    ...(options.hint ? { hint: { type: 'plain_text', text: options.hint } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: field.action,
      placeholder: { type: 'plain_text', text: placeholder },
    },
  });
  return {
    type: 'modal',
    callback_id: VIEWS.capacityPlan,
    private_metadata: JSON.stringify({ channelId }),
    title: { type: 'plain_text', text: 'Plan capacity' },
    submit: { type: 'plain_text', text: 'Propose' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: CAPACITY_FIELDS.target.block,
        label: { type: 'plain_text', text: 'Scale target' },
        element: {
          type: 'static_select',
          action_id: CAPACITY_FIELDS.target.action,
          options: targets.slice(0, 100).map((t) => ({
            text: { type: 'plain_text' as const, text: `${t.name} (max ${t.max})` },
            value: t.name,
          })),
        },
      },
      input(CAPACITY_FIELDS.count, 'Instances during the event', '24'),
      input(CAPACITY_FIELDS.start, 'Starts at', '2027-02-15 11:00', {
        hint: `YYYY-MM-DD HH:MM in ${timeZone}, or with an offset or Z`,
      }),
      input(CAPACITY_FIELDS.duration, 'Lasts', '3h', { hint: '3h, 90m, 1h30m, 2d' }),
      input(CAPACITY_FIELDS.name, 'What is it?', 'Spring flash sale', { optional: true }),
      input(CAPACITY_FIELDS.lead, 'Pre-scale how long before it starts?', `${leadMinutes}m`, {
        optional: true,
        hint: `Blank: ${leadMinutes} minutes (the policy's). A change larger than the target's max step goes in steps: leave them room.`,
      }),
    ],
  };
}
