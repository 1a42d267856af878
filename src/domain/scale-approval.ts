// Approval for risky scaling, pure: when a scale request needs someone else's yes, who may give it, until when,
// and the timeline events that record the request and its outcome (docs/DESIGN.md, Scaling: approval).
import type { Actor, UserActor } from './actor';
import type { ApprovalRule } from './scale-target';
import type { TimelineEventDraft } from './timeline';

export type { ApprovalRule };

export const SCALE_APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;
export type ScaleApprovalStatus = (typeof SCALE_APPROVAL_STATUSES)[number];

/** One scale request waiting for (or given) an approver's answer. Nothing reaches the cloud before `approved`. */
export interface ScaleApproval {
  id: number;
  incidentId: number | null;
  target: string;
  /** The change as it was typed or clicked (`+4`, `12`): approved, it is asked again exactly so, with the same key. */
  amount: string;
  /** The click or command that asked (Slack's id): with the amount it makes the request key. */
  clickId: string;
  requestKey: string;
  from: number;
  to: number;
  reason: string | null;
  requestedBy: UserActor;
  approvers: string;
  /** Where the request with its Approve / Deny buttons is posted. */
  channelId: string;
  /** The posted request, once posted (to edit it when it is decided or expires). */
  messageId: string | null;
  status: ScaleApprovalStatus;
  decidedBy: UserActor | null;
  decidedAt: Date | null;
  requestedAt: Date;
  expiresAt: Date;
}

export type NewScaleApproval = Omit<ScaleApproval, 'id'>;

/** Whether growing to `to` needs approval under `rule`: only a change that ends above the threshold does. */
export function needsApproval(rule: ApprovalRule | undefined, from: number, to: number): rule is ApprovalRule {
  return rule !== undefined && to > from && to > rule.above;
}

export function approvalExpiry(rule: ApprovalRule, now: Date): Date {
  return new Date(now.getTime() + rule.expiresMinutes * 60_000);
}

export function isExpired(approval: Pick<ScaleApproval, 'expiresAt'>, now: Date): boolean {
  return now.getTime() >= approval.expiresAt.getTime();
}

/** The group as people type it: `@sre-leads`, or the id Slack links (`<!subteam^S…>`). */
export function approversText(approvers: string): string {
  return /^S[A-Z0-9]+$/.test(approvers) ? `<!subteam^${approvers}>` : `@${approvers.replace(/^@/, '')}`;
}

export type ApprovalDecision = 'approve' | 'deny';

/**
 * Why `actor` may not decide this request now, or null when they may. `isApprover`: whether they are in the
 * approvers' group (the caller asked the chat platform). Checked in this order: already decided, expired, own
 * request, not an approver.
 */
export function decisionRefusal(
  approval: ScaleApproval,
  actor: { userId: string; isApprover: boolean },
  decision: ApprovalDecision,
  now: Date,
  time: (at: Date) => string,
): string | null {
  const verb = decision === 'approve' ? 'approve' : 'deny';
  if (approval.status !== 'pending') {
    const by = approval.decidedBy ? ` by <@${approval.decidedBy.id}>` : '';
    return approval.status === 'expired'
      ? `this request expired at ${time(approval.expiresAt)}; ask again with \`/scale ${approval.target} ${approval.amount}\``
      : `this request was already ${approval.status}${by}`;
  }
  if (isExpired(approval, now))
    return `this request expired at ${time(approval.expiresAt)}; ask again with \`/scale ${approval.target} ${approval.amount}\``;
  if (actor.userId === approval.requestedBy.id)
    return `you asked for this scale-out, so you cannot ${verb} it yourself; another member of ${approversText(approval.approvers)} must`;
  if (!actor.isApprover) return `only members of ${approversText(approval.approvers)} may ${verb} this request`;
  return null;
}

type ApprovalFacts = Pick<ScaleApproval, 'id' | 'target' | 'from' | 'to' | 'approvers'>;

/** Timeline events of an approval: asked (by the requester), approved or denied (by the approver), expired. */
export const approvalTimelineEvents = {
  requested(
    approval: ApprovalFacts & Pick<ScaleApproval, 'requestedBy' | 'requestedAt' | 'expiresAt' | 'reason'>,
  ): TimelineEventDraft {
    return {
      at: approval.requestedAt,
      type: 'scale.approval_requested',
      actor: approval.requestedBy,
      data: {
        approvalId: approval.id,
        target: approval.target,
        from: approval.from,
        to: approval.to,
        approvers: approval.approvers,
        expiresAt: approval.expiresAt.toISOString(),
        ...(approval.reason ? { reason: approval.reason } : {}),
      },
    };
  },
  decided(approval: ApprovalFacts, decision: ApprovalDecision, by: Actor, now: Date): TimelineEventDraft {
    const data = { approvalId: approval.id, target: approval.target, from: approval.from, to: approval.to };
    return decision === 'approve'
      ? { at: now, type: 'scale.approved', actor: by, data }
      : { at: now, type: 'scale.denied', actor: by, data };
  },
  expired(approval: ApprovalFacts, now: Date, actor: Actor): TimelineEventDraft {
    return {
      at: now,
      type: 'scale.approval_expired',
      actor,
      data: { approvalId: approval.id, target: approval.target, from: approval.from, to: approval.to },
    };
  },
};
