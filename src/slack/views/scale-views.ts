// What scaling looks like in Slack: the card's capacity section and buttons, the custom scale modal,
// and the answers to `/scale`.
import type { KnownBlock, View } from '@slack/types';
import type { Incident } from '../../domain/incident';
import type { ScaleTarget } from '../../domain/scale-target';
import { capacityLine, type ScaleOperation } from '../../domain/scaling';
import type { ScaleRequestResult, TargetStatus } from '../../flows/scaling';
import { ACTIONS, SCALE_FIELDS, VIEWS } from '../ids';
import type { CommandReply } from './command-replies';
import { button } from './buttons';
import { escapeMrkdwn } from './format';
import { approvalAskedText } from './scale-approval-views';

/** The value a "Scale out +N" button carries (DESIGN: JSON `{"target","count"}`). */
export function scaleOutValue(target: string, count: number): string {
  return JSON.stringify({ target, count });
}

function targetLine(target: ScaleTarget, incident: Incident, operations: ScaleOperation[]): string {
  const now = incident.capacity?.[target.name];
  const latest = operations.filter((o) => o.target === target.name).at(-1);
  const current = now
    ? now.error
      ? `:warning: ${now.error}`
      : `${now.running} running${now.pending ? `, ${now.pending} starting` : ''}`
    : 'capacity not read yet';
  const op = latest ? ` — ${escapeMrkdwn(capacityLine(latest, now && !now.error ? now : null))}` : '';
  return `*${escapeMrkdwn(target.name)}*${target.dryRun ? ' (dry run)' : ''}: ${current}${op}`;
}

/** The card's capacity section and its buttons, for the targets this incident may use. */
export function capacityBlocks(incident: Incident, targets: ScaleTarget[], operations: ScaleOperation[]): KnownBlock[] {
  if (targets.length === 0) return [];
  const lines = targets.map((t) => targetLine(t, incident, operations));
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'capacity', text: { type: 'mrkdwn', text: ['*Capacity*', ...lines].join('\n') } },
  ];
  if (incident.status === 'resolved') return blocks;
  const buttons = targets.flatMap((target) =>
    target.buttons.map((count) =>
      button({
        // Slack wants each action_id once per block: `scale_out:<target>:<count>`, served by the scale_out listener.
        actionId: `${ACTIONS.scaleOut}:${target.name}:${count}`,
        text: targets.length > 1 ? `${target.name} +${count}` : `Scale out +${count}`,
        value: scaleOutValue(target.name, count),
        confirm: {
          title: 'Add capacity?',
          text: `Add *${count}* instance${count === 1 ? '' : 's'} to *${escapeMrkdwn(target.name)}*${target.dryRun ? ' (dry run: nothing is launched)' : ''}.`,
          ok: `Add ${count}`,
          deny: 'Cancel',
        },
      }),
    ),
  );
  // Slack allows 25 elements in an actions block; the policy keeps buttons few, this keeps it safe.
  blocks.push({
    type: 'actions',
    block_id: 'scale_actions',
    elements: [
      ...buttons.slice(0, 24),
      {
        type: 'button',
        action_id: ACTIONS.scaleCustom,
        text: { type: 'plain_text', text: 'Scale…' },
        value: String(incident.id),
      },
    ],
  });
  return blocks;
}

export function scaleModal(options: { targets: ScaleTarget[]; incidentId: number | null; channelId: string }): View {
  const option = (t: ScaleTarget) => ({
    text: { type: 'plain_text' as const, text: t.description ? `${t.name} — ${t.description}`.slice(0, 75) : t.name },
    value: t.name,
  });
  const first = options.targets[0];
  return {
    type: 'modal',
    callback_id: VIEWS.scaleCustom,
    private_metadata: JSON.stringify({ incidentId: options.incidentId, channelId: options.channelId }),
    title: { type: 'plain_text', text: 'Scale capacity' },
    submit: { type: 'plain_text', text: 'Scale' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: SCALE_FIELDS.target.block,
        label: { type: 'plain_text', text: 'Target' },
        element: {
          type: 'static_select',
          action_id: SCALE_FIELDS.target.action,
          options: options.targets.map(option),
          ...(first ? { initial_option: option(first) } : {}),
        },
      },
      {
        type: 'input',
        block_id: SCALE_FIELDS.amount.block,
        label: { type: 'plain_text', text: 'Change' },
        hint: { type: 'plain_text', text: '+N to add, -N to remove, N for a total' },
        element: {
          type: 'plain_text_input',
          action_id: SCALE_FIELDS.amount.action,
          placeholder: { type: 'plain_text', text: '+4' },
        },
      },
      {
        type: 'input',
        block_id: SCALE_FIELDS.reason.block,
        optional: true,
        label: { type: 'plain_text', text: 'Reason' },
        element: { type: 'plain_text_input', action_id: SCALE_FIELDS.reason.action, max_length: 300 },
      },
    ],
  };
}

export function scaleResultText(
  result: ScaleRequestResult,
  now = new Date(),
  timeZone = 'UTC',
  /** Where progress shows: the incident card, unless asked from elsewhere (a capacity warning). */
  progressShows = 'on the incident card',
): string {
  if (!result.ok) {
    if ('approval' in result) return approvalAskedText(result.approval, result.repeated, now, timeZone);
    return 'refusal' in result ? `:no_entry: Not scaled: ${result.refusal.message}.` : `:warning: ${result.problem}`;
  }
  const op = result.operation;
  if (result.repeated)
    return `:information_source: Already asked: operation #${op.id} (${op.target} ${op.from} → ${op.to}) is ${op.status}.`;
  return `:arrow_up: Scaling *${escapeMrkdwn(op.target)}* from ${op.from} to ${op.to} (operation #${op.id}). Progress shows ${progressShows}.`;
}

/** `/scale targets`: each target with where its capacity lives, in its cloud's own words (`where`). */
export function scaleTargetsReply(rows: readonly { target: ScaleTarget; where: string }[]): CommandReply {
  if (rows.length === 0)
    return {
      response_type: 'ephemeral',
      text: ':information_source: No scale targets are configured: the platform team adds `scaleTargets` to the policy file.',
    };
  const lines = rows.map(({ target: t, where }) => {
    const who = t.allowedUserGroups.length > 0 ? `; only ${t.allowedUserGroups.map((g) => `@${g}`).join(', ')}` : '';
    return `• *${escapeMrkdwn(t.name)}* — ${escapeMrkdwn(where)}; ${t.min}–${t.max} instances, at most ${t.maxStep} per request, ${t.cooldownSeconds} s cooldown${who}${t.dryRun ? '; dry run' : ''}`;
  });
  return { response_type: 'ephemeral', text: ['*Scale targets*', ...lines].join('\n') };
}

export function scaleStatusReply(rows: readonly TargetStatus[]): CommandReply {
  const lines = rows.map(({ target, running, pending, error, latest }) => {
    const now = error
      ? `:warning: ${escapeMrkdwn(error)}`
      : `${running} running${pending ? `, ${pending} starting` : ''}`;
    return `• *${escapeMrkdwn(target.name)}*: ${now}${latest ? ` — last: ${escapeMrkdwn(capacityLine(latest, null))}` : ''}`;
  });
  return { response_type: 'ephemeral', text: ['*Capacity now*', ...lines].join('\n') };
}
