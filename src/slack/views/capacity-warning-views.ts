// What a capacity warning looks like in Slack: the numbers behind it, "Scale out +N" (behind Slack's confirm
// dialog) while it is open and something is offered, what the button led to, and how it closed.
import type { KnownBlock } from '@slack/types';
import { CALM_CHECKS_TO_CLOSE, type CapacityWarning } from '../../domain/capacity/capacity-warning';
import { localTime } from '../../domain/local-time';
import { ACTIONS } from '../ids';
import { button } from './buttons';
import { escapeMrkdwn, SAFE_LINK } from './format';

/** What the button carries: the warning, the offer it shows (a later offer is another request) and +N. */
export interface CapacityScaleOutValue {
  warning: number;
  offer: number;
  count: number;
}

const load = (value: number): string => (value >= 100 ? String(Math.round(value)) : value.toFixed(1));
const percent = (ratio: number): string => (Number.isFinite(ratio) ? `${Math.round(ratio * 100)} %` : '∞');

export function capacityWarningMessage(
  warning: CapacityWarning,
  options: { now: Date; timeZone: string; chartUrl: string | null },
): { text: string; blocks: KnownBlock[] } {
  const n = warning.numbers;
  const at = (d: Date) => localTime(d, options.now, options.timeZone);
  const target = escapeMrkdwn(warning.target);
  const capacity = n.instances * n.perInstance;
  const open = warning.state === 'open';
  const incident = warning.incidentId !== null ? ` (INC-${warning.incidentId})` : '';
  const headline = open
    ? `:chart_with_upwards_trend: *Capacity warning: ${target}*${incident} — the forecast needs *${n.needed}* instances, it has ${n.instances}`
    : `:white_check_mark: *Capacity warning: ${target}*${incident} — closed`;
  // Two moments, each named by what it is: passing the target utilization (what the offer is sized to avoid)
  // and passing the capacity itself (saturation).
  const passes =
    n.passesTargetAt && n.passesTargetAt.getTime() !== n.saturatesAt?.getTime()
      ? `passes ${percent(n.targetUtilization)} (${load(capacity * n.targetUtilization)}) at ${at(n.passesTargetAt)} · `
      : '';
  const saturates = n.saturatesAt
    ? `${passes}*saturates at ${at(n.saturatesAt)}* (load above ${load(capacity)}, ${n.instances} × ${load(n.perInstance)})`
    : `${passes}does not saturate within ${n.lookaheadMinutes} min`;
  const lines = [
    `Load now: *${load(n.loadNow)}* (${percent(n.utilizationNow)} of capacity)`,
    `Forecast peak: *${load(n.peak.value)}* at ${at(n.peak.at)} (${percent(n.utilizationAtPeak)} of capacity) · ${saturates}`,
    `Instances: ${n.instances} now → *${n.needed}* needed to stay under ${percent(n.targetUtilization)} utilization`,
  ];
  if (n.beyondMax)
    lines.push(`:warning: Even the target's max would not keep it under ${percent(n.targetUtilization)}.`);
  lines.push(`_As of ${at(n.at)}; opened ${at(warning.openedAt)}._`);
  if (warning.sourceProblem)
    lines.push(
      `:warning: The latest look could not read the load: ${escapeMrkdwn(warning.sourceProblem)}. The numbers above are older.`,
    );
  if (open && warning.calmChecks > 0) {
    const left = CALM_CHECKS_TO_CLOSE - warning.calmChecks;
    lines.push(
      `:hourglass: The forecast needs no more than it has now: this closes after ${left} more such look${left === 1 ? '' : 's'}.`,
    );
  }
  const outcome = warning.outcome;
  if (outcome?.kind === 'scaled')
    lines.push(
      `:arrow_up: Scale out +${outcome.amount} asked by <@${outcome.by.id}> at ${at(outcome.at)} (operation #${outcome.operationId}).`,
    );
  if (outcome?.kind === 'approval_requested')
    lines.push(
      `:hourglass_flowing_sand: Scale out +${outcome.amount} asked by <@${outcome.by.id}> at ${at(outcome.at)} is waiting for approval (request #${outcome.approvalId}).`,
    );
  if (!open && warning.closedAt)
    lines.push(
      warning.closeReason === 'capacity_added'
        ? `:white_check_mark: Closed at ${at(warning.closedAt)}: capacity was added (${n.instances} instances now); ${CALM_CHECKS_TO_CLOSE} looks in a row needed no more.`
        : warning.closeReason === 'superseded'
          ? `:white_check_mark: Closed at ${at(warning.closedAt)}: the target is no longer watched.`
          : `:white_check_mark: Closed at ${at(warning.closedAt)}: the load fell back; ${CALM_CHECKS_TO_CLOSE} looks in a row needed no more than ${n.instances} instances.`,
    );
  if (options.chartUrl && SAFE_LINK.test(options.chartUrl))
    lines.push(`<${options.chartUrl}|Chart: the load and the forecast>`);
  const text = `${headline}\n${lines.join('\n')}`;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'capacity_warning', text: { type: 'mrkdwn', text } }];
  if (open && n.scaleOut > 0) {
    const value: CapacityScaleOutValue = { warning: warning.id, offer: warning.offer, count: n.scaleOut };
    blocks.push({
      type: 'actions',
      block_id: 'capacity_warning_actions',
      elements: [
        button({
          actionId: ACTIONS.capacityScaleOut,
          text: `Scale out +${n.scaleOut}`,
          style: 'primary',
          value: JSON.stringify(value),
          confirm: {
            title: 'Scale out?',
            text: `Scale *${target}* from ${n.instances} to ${n.instances + n.scaleOut} instances. Its guardrails and approval apply.`,
            ok: `Scale out +${n.scaleOut}`,
            deny: 'Cancel',
          },
        }),
      ],
    });
  }
  return { text, blocks };
}
