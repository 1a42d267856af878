// What a scale request needing approval looks like in Slack: the request with Approve / Deny (behind Slack's
// confirm dialog) while pending, and who decided and when once it is not.
import type { KnownBlock } from '@slack/types';
import { localTime } from '../../domain/local-time';
import { approversText, type ScaleApproval } from '../../domain/scale-approval';
import { ACTIONS } from '../ids';
import { button } from './buttons';
import { escapeMrkdwn } from './format';

function headline(a: ScaleApproval): string {
  const where = a.incidentId !== null ? ` for INC-${a.incidentId}` : '';
  return `<@${a.requestedBy.id}> asks to scale *${escapeMrkdwn(a.target)}* from ${a.from} to *${a.to}* instances${where}`;
}

function outcome(a: ScaleApproval, now: Date, timeZone: string): string {
  const at = (d: Date | null) => (d ? localTime(d, now, timeZone) : '');
  switch (a.status) {
    case 'pending':
      return `:hourglass_flowing_sand: Waiting for ${approversText(a.approvers)} to approve (not the requester) — expires ${at(a.expiresAt)}. Nothing changes before approval.`;
    case 'approved':
      return `:white_check_mark: Approved by <@${a.decidedBy?.id ?? ''}> at ${at(a.decidedAt)}; scaling now (progress on the incident card).`;
    case 'denied':
      return `:no_entry: Denied by <@${a.decidedBy?.id ?? ''}> at ${at(a.decidedAt)}; nothing was changed.`;
    case 'expired':
      return `:hourglass: Expired at ${at(a.expiresAt)} without an answer; nothing was changed. Ask again with \`/scale ${escapeMrkdwn(a.target)} ${escapeMrkdwn(a.amount)}\`.`;
  }
}

export function scaleApprovalMessage(
  approval: ScaleApproval,
  now: Date,
  timeZone: string,
): { text: string; blocks: KnownBlock[] } {
  const reason = approval.reason ? `\n>${escapeMrkdwn(approval.reason)}` : '';
  const text = `${headline(approval)}${reason}\n${outcome(approval, now, timeZone)}`;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'scale_approval', text: { type: 'mrkdwn', text } }];
  if (approval.status === 'pending')
    blocks.push({
      type: 'actions',
      block_id: 'scale_approval_actions',
      elements: [
        button({
          actionId: ACTIONS.scaleApprove,
          text: 'Approve',
          style: 'primary',
          value: String(approval.id),
          confirm: {
            title: 'Approve scaling?',
            text: `Scale *${escapeMrkdwn(approval.target)}* from ${approval.from} to ${approval.to} instances.`,
            ok: 'Approve',
            deny: 'Cancel',
          },
        }),
        button({ actionId: ACTIONS.scaleDeny, text: 'Deny', style: 'danger', value: String(approval.id) }),
      ],
    });
  return { text, blocks };
}

/** The requester's answer when the request went for approval instead of to the cloud. */
export function approvalAskedText(approval: ScaleApproval, repeated: boolean, now: Date, timeZone: string): string {
  if (repeated)
    return `:information_source: Already asked: scaling ${escapeMrkdwn(approval.target)} to ${approval.to} is ${approval.status === 'pending' ? 'waiting for approval' : approval.status} (request #${approval.id}).`;
  return `:hourglass_flowing_sand: Scaling *${escapeMrkdwn(approval.target)}* from ${approval.from} to ${approval.to} needs approval by ${approversText(approval.approvers)}: the request is posted with Approve / Deny (expires ${localTime(approval.expiresAt, now, timeZone)}). Nothing changes before then.`;
}

/** The approver's answer once their click is stored. */
export function approvalDecidedText(approval: ScaleApproval): string {
  return approval.status === 'approved'
    ? `:white_check_mark: Approved: scaling *${escapeMrkdwn(approval.target)}* from ${approval.from} to ${approval.to}. Progress shows on the incident card.`
    : `:no_entry: Denied: ${escapeMrkdwn(approval.target)} stays as it is.`;
}
