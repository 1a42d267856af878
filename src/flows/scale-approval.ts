// Approving or denying a scale request that needed approval, its expiry, and the jobs that post and edit the
// request and, once approved, run the change through the scaling flow (its guardrails and request key: a second
// Approve, a Slack retry or a restart still scale once). A plan from the domain, then its effects.
import type { UserActor } from '../domain/actor';
import { FIREBREAK } from '../domain/actor';
import { localTime } from '../domain/local-time';
import {
  approvalTimelineEvents,
  decisionRefusal,
  isExpired,
  type ApprovalDecision,
  type ScaleApproval,
} from '../domain/scale-approval';
import { forIncident } from '../domain/timeline';
import { isFirebreakError } from '../errors';
import { sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { MessageRef } from '../ports/chat';
import type { StoreTransaction } from '../ports/store';
import { enqueueCardUpdate } from './outbox-jobs';
import { APPROVAL_JOB, approvalLane, approvalMessageLane } from './scale-approval-requests';
import { requestScale, type ScalingDeps } from './scaling';
import { postMarkedOnce } from './post-once';

export { APPROVAL_JOB } from './scale-approval-requests';

export type ApprovalDecisionResult =
  | { ok: true; approval: ScaleApproval; decision: ApprovalDecision }
  | { ok: false; problem: string };

function timeIn(deps: ScalingDeps): (at: Date) => string {
  const zone = deps.timeZone ?? 'UTC';
  return (at) => localTime(at, deps.clock.now(), zone);
}

async function enqueueMessageUpdate(tx: StoreTransaction, approval: ScaleApproval, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: APPROVAL_JOB.update,
      incidentId: approval.incidentId,
      coalesceKey: `approval:${approval.id}`,
      payload: { lane: approvalMessageLane(approval), approvalId: approval.id },
    },
    now,
  );
}

/** Marks a pending request expired (by the expiry job, or by a click that came too late): once, whoever is first. */
async function expire(deps: ScalingDeps, approval: ScaleApproval): Promise<ScaleApproval | null> {
  const now = deps.clock.now();
  const expired = await deps.store.transaction(async (tx) => {
    const done = await tx.scaleApprovals.decide(approval.id, 'expired', { by: null, at: now });
    if (!done) return null;
    if (done.incidentId !== null) {
      await tx.timeline.append(forIncident(approvalTimelineEvents.expired(done, now, FIREBREAK), done.incidentId));
      await enqueueCardUpdate(tx, done.incidentId, now);
    }
    await enqueueMessageUpdate(tx, done, now);
    return done;
  });
  if (expired) deps.wakeOutbox();
  return expired;
}

/**
 * Approve or Deny, as clicked by `actor`. Refused (with why, for an ephemeral answer): already decided, expired,
 * the requester's own request, not in the approvers' group. Approved: the change is queued to run.
 */
export async function decideScaleApproval(
  deps: ScalingDeps,
  input: { approvalId: number; decision: ApprovalDecision; actor: UserActor },
): Promise<ApprovalDecisionResult> {
  const approval = await deps.store.scaleApprovals.findById(input.approvalId);
  if (!approval) return { ok: false, problem: `there is no scale request #${input.approvalId} waiting for approval` };
  const time = timeIn(deps);
  // What needs no group lookup first: a late or repeated click costs no call to the chat platform.
  const early = decisionRefusal(
    approval,
    { userId: input.actor.id, isApprover: true },
    input.decision,
    deps.clock.now(),
    time,
  );
  if (early) {
    if (approval.status === 'pending' && isExpired(approval, deps.clock.now())) await expire(deps, approval);
    return { ok: false, problem: early };
  }
  const members = await deps.chat.userGroupMembers(approval.approvers);
  const refusal = decisionRefusal(
    approval,
    { userId: input.actor.id, isApprover: members?.includes(input.actor.id) ?? false },
    input.decision,
    deps.clock.now(),
    time,
  );
  if (refusal) return { ok: false, problem: refusal };

  const now = deps.clock.now();
  const decided = await deps.store.transaction(async (tx) => {
    const done = await tx.scaleApprovals.decide(approval.id, input.decision === 'approve' ? 'approved' : 'denied', {
      by: input.actor,
      at: now,
    });
    if (!done) return null;
    if (done.incidentId !== null) {
      await tx.timeline.append(
        forIncident(approvalTimelineEvents.decided(done, input.decision, input.actor, now), done.incidentId),
      );
      await enqueueCardUpdate(tx, done.incidentId, now);
    }
    await enqueueMessageUpdate(tx, done, now);
    // Stored with the decision: once approved, the change runs even if this process dies right after.
    if (input.decision === 'approve')
      await tx.outbox.enqueue(
        {
          kind: APPROVAL_JOB.apply,
          incidentId: done.incidentId,
          payload: { lane: approvalLane(done.id), approvalId: done.id },
        },
        now,
      );
    return done;
  });
  if (!decided) {
    // Another click (or the expiry) won the race a moment ago: say what it decided.
    const winner = await deps.store.scaleApprovals.findById(approval.id);
    return {
      ok: false,
      problem: winner
        ? (decisionRefusal(
            winner,
            { userId: input.actor.id, isApprover: true },
            input.decision,
            deps.clock.now(),
            time,
          ) ?? 'this request was decided a moment ago')
        : 'this request was decided a moment ago',
    };
  }
  deps.wakeOutbox();
  return { ok: true, approval: decided, decision: input.decision };
}

export function scaleApprovalHandlers(deps: ScalingDeps): Record<string, JobHandler> {
  const load = (payload: Record<string, unknown>) => deps.store.scaleApprovals.findById(Number(payload.approvalId));

  const post: JobHandler = async (job) => {
    const approval = await load(job.payload);
    if (!approval) return skipped('no such approval request');
    if (approval.messageId) return skipped('already posted');
    const message = { kind: 'scale_approval' as const, approval, now: deps.clock.now() };
    // Marked, so that a retry after a crash or a lost answer finds the request instead of posting it twice.
    const marker = { kind: 'scale_approval' as const, incidentId: approval.incidentId ?? 0, key: String(approval.id) };
    const postOnce = () => postMarkedOnce(deps, job, { channel: approval.channelId }, message, marker);
    let ref: MessageRef;
    try {
      ref = (await postOnce()).posted;
    } catch (error) {
      // `/scale` used in a public channel the bot is not in: join it, as for the announcement channel.
      if (!isFirebreakError(error, 'CHAT_NOT_IN_CHANNEL')) throw error;
      await deps.chat.join(approval.channelId);
      ref = (await postOnce()).posted;
    }
    await deps.store.scaleApprovals.setMessage(approval.id, ref.messageId);
    return sent(
      `asked ${approval.approvers} to approve scaling ${approval.target} to ${approval.to} (#${approval.id})`,
    );
  };

  const update: JobHandler = async (job) => {
    const approval = await load(job.payload);
    if (!approval?.messageId) return skipped('not posted yet: the post shows the current state');
    await deps.chat.updateMessage(
      { channelId: approval.channelId, messageId: approval.messageId },
      { kind: 'scale_approval', approval, now: deps.clock.now() },
    );
    return sent(`approval request #${approval.id} now shows ${approval.status}`);
  };

  const expireJob: JobHandler = async (job) => {
    const approval = await load(job.payload);
    if (approval?.status !== 'pending') return skipped('decided before it expired');
    const expired = await expire(deps, approval);
    return expired ? sent(`approval request #${approval.id} expired`) : skipped('decided a moment before it expired');
  };

  const apply: JobHandler = async (job) => {
    const approval = await load(job.payload);
    if (approval?.status !== 'approved') return skipped('not approved');
    // The same request as asked, so the same key: a retry of this job finds the operation it made.
    const result = await requestScale(deps, {
      targetName: approval.target,
      amount: approval.amount,
      actor: approval.requestedBy,
      incidentId: approval.incidentId,
      clickId: approval.clickId,
      ...(approval.reason ? { reason: approval.reason } : {}),
      channelId: approval.channelId,
      approved: true,
    });
    if (result.ok) return sent(`approved scale operation #${result.operation.id} on ${approval.target}`);
    if ('refusal' in result) return sent(`approved, but the guardrails refused: ${result.refusal.message}`);
    if ('problem' in result) return sent(`approved, but not scaled: ${result.problem}`);
    return skipped('still waiting for approval');
  };

  return {
    [APPROVAL_JOB.post]: post,
    [APPROVAL_JOB.update]: update,
    [APPROVAL_JOB.expire]: expireJob,
    [APPROVAL_JOB.apply]: apply,
  };
}
