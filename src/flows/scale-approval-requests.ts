// Storing a scale request that needs approval, in the scaling flow's transaction: the request, its timeline
// event, and the jobs that post it (with Approve / Deny) and expire it. Nothing reaches the cloud from here.
import {
  approvalExpiry,
  approvalTimelineEvents,
  type ApprovalRule,
  type NewScaleApproval,
  type ScaleApproval,
} from '../domain/scale-approval';
import { forIncident } from '../domain/timeline';
import type { StoreTransaction } from '../ports/store';
import { enqueueCardUpdate, incidentLane } from './outbox-jobs';

export const APPROVAL_JOB = {
  post: 'scale.approval_post',
  update: 'scale.approval_update',
  expire: 'scale.approval_expire',
  apply: 'scale.approval_apply',
} as const;

/** The request's message shares its channel's pace: the incident's lane, or the channel's where /scale was used. */
export function approvalMessageLane(approval: Pick<ScaleApproval, 'incidentId' | 'channelId'>): string {
  return approval.incidentId !== null ? incidentLane(approval.incidentId) : `channel:${approval.channelId}`;
}

/** Expiry and the approved change run in a lane of their own: a busy channel never delays them. */
export function approvalLane(approvalId: number): string {
  return `approval:${approvalId}`;
}

/** What storing a request sets itself, rather than the caller. */
type ApprovalDecisionFields =
  | 'approvers'
  | 'messageId'
  | 'status'
  | 'decidedBy'
  | 'decidedAt'
  | 'requestedAt'
  | 'expiresAt';

export async function storeApprovalRequest(
  tx: StoreTransaction,
  /** The request as asked; its approvers, status and expiry come from the rule and the time. */
  input: { rule: ApprovalRule } & Omit<NewScaleApproval, ApprovalDecisionFields>,
  now: Date,
): Promise<ScaleApproval> {
  const { rule, ...request } = input;
  const approval = await tx.scaleApprovals.insert({
    ...request,
    approvers: rule.approvers,
    messageId: null,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    requestedAt: now,
    expiresAt: approvalExpiry(rule, now),
  });
  if (approval.incidentId !== null) {
    await tx.timeline.append(forIncident(approvalTimelineEvents.requested(approval), approval.incidentId));
    await enqueueCardUpdate(tx, approval.incidentId, now);
  }
  await tx.outbox.enqueue(
    {
      kind: APPROVAL_JOB.post,
      incidentId: approval.incidentId,
      payload: { lane: approvalMessageLane(approval), approvalId: approval.id },
    },
    now,
  );
  // The due time is a stored job: a restart keeps it, and the message says "expired" even if nobody clicks.
  await tx.outbox.enqueue(
    {
      kind: APPROVAL_JOB.expire,
      incidentId: approval.incidentId,
      payload: { lane: approvalLane(approval.id), approvalId: approval.id },
      notBefore: approval.expiresAt,
    },
    now,
  );
  return approval;
}
