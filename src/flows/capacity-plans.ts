// Planned capacity for known high-traffic events (issue 17): what people ask for — propose, confirm or decline,
// cancel, list, scale back — and the helpers the plan's stored jobs share with it (lanes, request keys, steps,
// the announcement's edits). The jobs themselves (announce, pre-scale in steps, offer the scale-back) are in
// capacity-plan-jobs.ts. The rules are the domain's (domain/capacity/planned-event.ts); this applies them.
import type { UserActor } from '../domain/actor';
import {
  ACTIVE_PLAN_STATES,
  cancelProblem,
  decisionProblem,
  latestScaleStep,
  planRef,
  prescaleAt,
  proposalNotes,
  proposalProblem,
  step,
  stepTargets,
  type CapacityPlan,
  type CapacityPlanStep,
  type PlanDecision,
  type PlanProposal,
  type ProposalProblem,
  type ScalePhase,
} from '../domain/capacity/planned-event';
import { localTime } from '../domain/local-time';
import { errorMessage } from '../errors';
import type { ScaleTarget } from '../domain/scale-target';
import { findScaleTarget } from '../domain/scaling';
import type { StoreTransaction } from '../ports/store';
import { ANNOUNCE_LANE } from './outbox-jobs';
import { requestScale, type ScaleRequestResult, type ScalingDeps } from './scaling';

export const CAPACITY_JOB = {
  announce: 'capacity.announce',
  update: 'capacity.update',
  prescale: 'capacity.prescale',
  end: 'capacity.end',
  offerScaleBack: 'capacity.offer_scale_back',
  updateScaleBack: 'capacity.update_scale_back',
  /** The next step of a stepped pre-scale or scale-back, or a refused step tried again. */
  step: 'capacity.step',
} as const;

/** How often a step waits for the previous step's instances to run (the scaling flow watches them as often). */
export const STEP_POLL_MS = 2000;

export interface CapacityPlanDeps extends ScalingDeps {
  /** Minutes before an event its target is pre-scaled (the policy's `capacityPlans.leadMinutes`). */
  leadMinutes: number;
  /** Where plans are announced: the incidents channel, by name or id. */
  announceChannel: string;
  /** Told each step a plan records (the composition root logs it): a plan has no timeline of its own. */
  onStep?: (plan: CapacityPlan, step: CapacityPlanStep) => void;
}

/** Hands the plan's newest steps to `onStep` (the log), once stored. */
export function logged(deps: Pick<CapacityPlanDeps, 'onStep'>, plan: CapacityPlan | null, count = 1): void {
  if (plan) for (const recorded of plan.steps.slice(-count)) deps.onStep?.(plan, recorded);
}

export type PlanResult = { ok: true; plan: CapacityPlan } | { ok: false; problem: string };
export type ProposeResult =
  /** `notes`: what the proposer should know beyond the acceptance (steps, nothing to add, a lead too short). */
  { ok: true; plan: CapacityPlan; notes: string[] } | { ok: false; problem: string; field: ProposalProblem['field'] };

/** The plan's pre-scale and end: one lane of its own, so a busy channel never delays them. */
export function planLane(planId: number): string {
  return `capacity-plan:${planId}`;
}

/**
 * The click id of one step of the plan's own scale requests: the same plan and step, the same request key,
 * whoever runs the job and however often (a restart, a second replica, two clicks on Scale back).
 */
export function planClickId(planId: number, what: ScalePhase, stepNumber: number): string {
  return `capacity-plan:${planId}:${what}:${stepNumber}`;
}

/** The steps' own lane: a step waiting for a cooldown never holds up the plan's end. */
export function stepLane(planId: number): string {
  return `capacity-plan:${planId}:steps`;
}

/** Where a phase starts and where it goes: the pre-scale from the capacity before it to the count; the scale-back from where the pre-scale got to, back. */
export function phaseSpan(plan: CapacityPlan, phase: ScalePhase): { start: number; goal: number } | null {
  if (plan.scaleBackTo === null) return null;
  if (phase === 'prescale') return { start: plan.scaleBackTo, goal: plan.count };
  const reached = latestScaleStep(plan, 'prescale');
  return { start: reached?.to ?? plan.count, goal: plan.scaleBackTo };
}

export async function enqueueStep(
  tx: StoreTransaction,
  planId: number,
  next: { phase: ScalePhase; step: number; retry: number },
  notBefore: Date,
  now: Date,
): Promise<void> {
  await tx.outbox.enqueue(
    { kind: CAPACITY_JOB.step, payload: { lane: stepLane(planId), planId, ...next }, notBefore },
    now,
  );
}

export function timeIn(deps: CapacityPlanDeps): (at: Date) => string {
  const zone = deps.timeZone ?? 'UTC';
  return (at) => localTime(at, deps.clock.now(), zone);
}

export async function enqueueAnnouncementUpdate(tx: StoreTransaction, plan: CapacityPlan, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: CAPACITY_JOB.update,
      coalesceKey: `capacity-plan:${plan.id}`,
      payload: { lane: ANNOUNCE_LANE, planId: plan.id },
    },
    now,
  );
}

export async function enqueueScaleBackOffer(tx: StoreTransaction, plan: CapacityPlan, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: CAPACITY_JOB.offerScaleBack,
      coalesceKey: `capacity-plan-offer:${plan.id}`,
      payload: { lane: ANNOUNCE_LANE, planId: plan.id },
    },
    now,
  );
}

/** How long a proposal waits for the cloud's answer: the form closes only after the proposal is stored. */
const CAPACITY_READ_TIMEOUT_MS = 1500;

/** The target's capacity now, for the proposal's notes; a cloud that fails or is slow only leaves them out. */
export async function capacityNow(
  deps: CapacityPlanDeps,
  target: ScaleTarget,
): Promise<{ desired: number } | { error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ error: string }>((resolve) => {
    timer = setTimeout(
      () => resolve({ error: `no answer within ${CAPACITY_READ_TIMEOUT_MS / 1000} s` }),
      CAPACITY_READ_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      deps.cloud.capacity(target).then(
        (capacity) => ({ desired: capacity.desired }),
        (error: unknown) => ({ error: errorMessage(error) }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Registers a known event. Stored with its announcement, its pre-scale and its end as jobs, in one transaction:
 * a restart keeps all three. A target with approval rules waits for an approver's Confirm; one without is
 * confirmed by the proposal itself.
 */
export async function proposePlan(
  deps: CapacityPlanDeps,
  /** `leadMinutes`: this plan's own pre-scale lead, instead of the policy's (at most a day). */
  input: PlanProposal & { actor: UserActor; leadMinutes?: number },
): Promise<ProposeResult> {
  const found = findScaleTarget(deps.targets, input.target);
  if (!found.ok) return { ok: false, problem: found.message, field: 'target' };
  const target = found.target;
  const now = deps.clock.now();
  const name = input.name.trim() || `${target.name} at ${input.count}`;
  const leadMinutes = input.leadMinutes ?? deps.leadMinutes;
  if (leadMinutes < 1 || leadMinutes > 24 * 60)
    return { ok: false, problem: 'pre-scale between 1 minute and 1 day before the event (`lead 45m`)', field: 'lead' };
  const { notes, warning } = proposalNotes({
    target,
    count: input.count,
    leadMinutes,
    current: await capacityNow(deps, target),
  });
  const result = await deps.store.transaction(async (tx): Promise<ProposeResult> => {
    // First, before reading: proposals for this target made at once (two replicas, two people) take turns here,
    // so each sees the plans stored before it, and an overlap is refused as it would be a minute later.
    await tx.capacityPlans.lockTarget(target.name);
    const active = await tx.capacityPlans.listInStates(ACTIVE_PLAN_STATES, target.name);
    const problem = proposalProblem({
      proposal: { ...input, name },
      target,
      leadMinutes,
      now,
      active,
      time: timeIn(deps),
    });
    if (problem) return { ok: false, problem: problem.message, field: problem.field };
    const approvers = target.approval?.approvers ?? null;
    const plan = await tx.capacityPlans.insert({
      target: target.name,
      count: input.count,
      startsAt: input.startsAt,
      endsAt: new Date(input.startsAt.getTime() + input.durationMs),
      name,
      proposedBy: input.actor,
      proposedAt: now,
      leadMinutes,
      approvers,
      state: approvers ? 'proposed' : 'confirmed',
      confirmedBy: null,
      confirmedAt: approvers ? null : now,
      prescaleOperationId: null,
      scaleBackTo: null,
      scaleBackOperationId: null,
      outcome: null,
      announcement: null,
      scaleBackMessage: null,
      steps: [
        step(`proposed ${target.name} at ${input.count}`, input.actor, now, warning ? { warning } : {}),
        ...(approvers
          ? []
          : [step(`confirmed by the proposal: ${target.name} has no approval rules`, input.actor, now)]),
      ],
    });
    await tx.outbox.enqueue({ kind: CAPACITY_JOB.announce, payload: { lane: ANNOUNCE_LANE, planId: plan.id } }, now);
    // The due times are stored jobs: a restart keeps them, and of several replicas one runs each, once.
    await tx.outbox.enqueue(
      {
        kind: CAPACITY_JOB.prescale,
        payload: { lane: planLane(plan.id), planId: plan.id },
        notBefore: prescaleAt(plan),
      },
      now,
    );
    await tx.outbox.enqueue(
      { kind: CAPACITY_JOB.end, payload: { lane: planLane(plan.id), planId: plan.id }, notBefore: plan.endsAt },
      now,
    );
    return { ok: true, plan, notes };
  });
  if (result.ok) {
    logged(deps, result.plan, result.plan.steps.length);
    deps.wakeOutbox();
  }
  return result;
}

/** Confirm or Decline, as clicked: only a member of the approvers' group who did not propose it. */
export async function decidePlan(
  deps: CapacityPlanDeps,
  input: { planId: number; decision: PlanDecision; actor: UserActor },
): Promise<PlanResult> {
  const plan = await deps.store.capacityPlans.findById(input.planId);
  if (!plan) return { ok: false, problem: `there is no capacity plan ${input.planId}` };
  // What needs no group lookup first: a late or repeated click costs no call to the chat platform.
  const early = decisionProblem(plan, { userId: input.actor.id, isApprover: true }, input.decision);
  if (early) return { ok: false, problem: early };
  const members = plan.approvers ? await deps.chat.userGroupMembers(plan.approvers) : null;
  const problem = decisionProblem(
    plan,
    { userId: input.actor.id, isApprover: members?.includes(input.actor.id) ?? false },
    input.decision,
  );
  if (problem) return { ok: false, problem };
  const now = deps.clock.now();
  const decided = await deps.store.transaction(async (tx) => {
    const moved = await tx.capacityPlans.transition(
      plan.id,
      ['proposed'],
      input.decision === 'confirm'
        ? { state: 'confirmed', confirmedBy: input.actor, confirmedAt: now }
        : { state: 'declined', confirmedBy: input.actor, confirmedAt: now },
      step(input.decision === 'confirm' ? 'confirmed' : 'declined', input.actor, now),
    );
    if (moved) await enqueueAnnouncementUpdate(tx, moved, now);
    return moved;
  });
  if (!decided) {
    const winner = await deps.store.capacityPlans.findById(plan.id);
    return {
      ok: false,
      problem:
        (winner && decisionProblem(winner, { userId: input.actor.id, isApprover: true }, input.decision)) ??
        'it was decided a moment ago',
    };
  }
  logged(deps, decided);
  deps.wakeOutbox();
  return { ok: true, plan: decided };
}

/** Whether `userId` may cancel plans for this target beyond its proposer and confirmer (see cancelProblem). */
async function mayCancel(deps: CapacityPlanDeps, plan: CapacityPlan, userId: string): Promise<boolean> {
  const target = deps.targets.find((t) => t.name === plan.target);
  const groups = plan.approvers ? [plan.approvers] : (target?.allowedUserGroups ?? []);
  for (const group of groups) {
    if ((await deps.chat.userGroupMembers(group))?.includes(userId)) return true;
  }
  return false;
}

/** Cancels a plan not yet over. Once pre-scaled, cancelling offers the scale-back at once. */
export async function cancelPlan(
  deps: CapacityPlanDeps,
  input: { planId: number; actor: UserActor },
): Promise<PlanResult & { scaleBackOffered?: boolean }> {
  const plan = await deps.store.capacityPlans.findById(input.planId);
  if (!plan) return { ok: false, problem: `there is no capacity plan ${input.planId}; \`/capacity list\` shows them` };
  const quick = cancelProblem(plan, { userId: input.actor.id, mayCancel: false });
  const problem =
    quick && cancelProblem(plan, { userId: input.actor.id, mayCancel: await mayCancel(deps, plan, input.actor.id) });
  if (problem) return { ok: false, problem };
  const now = deps.clock.now();
  const cancelled = await deps.store.transaction(async (tx) => {
    const moved = await tx.capacityPlans.transition(
      plan.id,
      [plan.state],
      { state: 'cancelled' },
      step('cancelled', input.actor, now),
    );
    if (!moved) return null;
    await enqueueAnnouncementUpdate(tx, moved, now);
    if (plan.state === 'pre-scaled' && moved.scaleBackTo !== null) await enqueueScaleBackOffer(tx, moved, now);
    return moved;
  });
  if (!cancelled)
    return { ok: false, problem: `${planRef(plan)} changed a moment ago; \`/capacity list\` shows it now` };
  logged(deps, cancelled);
  deps.wakeOutbox();
  return { ok: true, plan: cancelled, scaleBackOffered: plan.state === 'pre-scaled' && cancelled.scaleBackTo !== null };
}

/** Upcoming and running plans, soonest first. */
export function listPlans(deps: Pick<CapacityPlanDeps, 'store'>): Promise<CapacityPlan[]> {
  return deps.store.capacityPlans.listInStates(ACTIVE_PLAN_STATES);
}

export type ScaleBackResult =
  | { ok: true; plan: CapacityPlan; scale: ScaleRequestResult }
  | { ok: false; problem: string };

/**
 * "Scale back to N": asks the scaling flow for the first step back to the capacity before the pre-scale (all of
 * it when within the target's maxStep), with the plan's own click id, so two clicks (or two people) scale back
 * once. Its guardrails apply; a refusal leaves the offer standing. Further steps follow as stored jobs, like the
 * pre-scale's.
 */
export async function scaleBack(
  deps: CapacityPlanDeps,
  input: { planId: number; actor: UserActor },
): Promise<ScaleBackResult> {
  const plan = await deps.store.capacityPlans.findById(input.planId);
  if (!plan) return { ok: false, problem: `there is no capacity plan ${input.planId}` };
  const span = phaseSpan(plan, 'scale-back');
  if ((plan.state !== 'ended' && plan.state !== 'cancelled') || !span)
    return { ok: false, problem: `${planRef(plan)} has nothing to scale back (it is ${plan.state})` };
  const target = deps.targets.find((t) => t.name === plan.target);
  if (!target) return { ok: false, problem: `${plan.target} is no longer a scale target` };
  const targets = stepTargets(span.start, span.goal, target.maxStep);
  const first = targets[0];
  if (first === undefined) return { ok: false, problem: `${plan.target} was never scaled above ${span.goal}` };
  const of = targets.length;
  const scale = await requestScale(deps, {
    targetName: plan.target,
    amount: String(first),
    actor: input.actor,
    incidentId: null,
    clickId: planClickId(plan.id, 'scale-back', 1),
    reason: `scale back after ${planRef(plan)} "${plan.name}"${of > 1 ? `, step 1 of ${of}` : ''}`,
    ...(plan.announcement ? { channelId: plan.announcement.channelId } : {}),
  });
  if (!scale.ok || plan.scaleBackOperationId !== null) return { ok: true, plan, scale };
  const op = scale.operation;
  const now = deps.clock.now();
  const what =
    of === 1
      ? `scale-back to ${plan.scaleBackTo} asked (operation #${op.id})`
      : `scale-back step 1 of ${of}: ${plan.target} ${op.from} → ${op.to} (operation #${op.id})`;
  const updated = await deps.store.transaction(async (tx) => {
    const recorded = await tx.capacityPlans.recordScaleBack(
      plan.id,
      op.id,
      step(what, input.actor, now, {
        scale: { phase: 'scale-back', step: 1, of, from: op.from, to: op.to, operationId: op.id },
      }),
    );
    if (!recorded) return null;
    await tx.outbox.enqueue(
      {
        kind: CAPACITY_JOB.updateScaleBack,
        coalesceKey: `capacity-plan-offer-edit:${plan.id}`,
        payload: { lane: ANNOUNCE_LANE, planId: plan.id },
      },
      now,
    );
    if (of > 1)
      await enqueueStep(
        tx,
        plan.id,
        { phase: 'scale-back', step: 2, retry: 0 },
        new Date(now.getTime() + STEP_POLL_MS),
        now,
      );
    return recorded;
  });
  if (!updated) return { ok: true, plan, scale };
  logged(deps, updated);
  deps.wakeOutbox();
  return { ok: true, plan: updated, scale };
}
