// Planned capacity for known high-traffic events (issue 17): propose, confirm or decline, cancel, list; and the
// stored jobs that announce a plan, pre-scale its target `leadMinutes` before it starts (through requestScale,
// with a request key made from the plan's id and the step, so a retry, a restart or a second replica scales
// once), and offer the scale-back when it ends. A change larger than the target's maxStep goes in steps, each
// after the previous one's instances run and its cooldown passes (`capacity.step` jobs), the scale-back too.
// The rules are the domain's (domain/capacity/planned-event.ts); this applies them.
import { FIREBREAK, type UserActor } from '../domain/actor';
import {
  ACTIVE_PLAN_STATES,
  cancelProblem,
  decisionProblem,
  latestScaleStep,
  planRef,
  prescaleAt,
  proposalNotes,
  proposalProblem,
  STEP_RETRIES,
  STEP_RETRY_DELAY_MS,
  step,
  stepTargets,
  type CapacityPlan,
  type CapacityPlanStep,
  type PlanDecision,
  type PlanProposal,
  type ProposalProblem,
  type ScalePhase,
  type ScaleStepRecord,
} from '../domain/capacity/planned-event';
import { localTime } from '../domain/local-time';
import { errorMessage } from '../errors';
import type { ScaleTarget } from '../domain/scale-target';
import { findScaleTarget } from '../domain/scaling';
import { deferred, sent, skipped, type JobHandler, type JobOutcome } from '../outbox/outbox-worker';
import type { StoreTransaction } from '../ports/store';
import { ANNOUNCE_LANE } from './outbox-jobs';
import { postMarkedOnce } from './post-once';
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
const STEP_POLL_MS = 2000;

export interface CapacityPlanDeps extends ScalingDeps {
  /** Minutes before an event its target is pre-scaled (the policy's `capacityPlans.leadMinutes`). */
  leadMinutes: number;
  /** Where plans are announced: the incidents channel, by name or id. */
  announceChannel: string;
  /** Told each step a plan records (the composition root logs it): a plan has no timeline of its own. */
  onStep?: (plan: CapacityPlan, step: CapacityPlanStep) => void;
}

/** Hands the plan's newest steps to `onStep` (the log), once stored. */
function logged(deps: Pick<CapacityPlanDeps, 'onStep'>, plan: CapacityPlan | null, count = 1): void {
  if (plan) for (const recorded of plan.steps.slice(-count)) deps.onStep?.(plan, recorded);
}

export type PlanResult = { ok: true; plan: CapacityPlan } | { ok: false; problem: string };
export type ProposeResult =
  /** `notes`: what the proposer should know beyond the acceptance (steps, nothing to add, a lead too short). */
  { ok: true; plan: CapacityPlan; notes: string[] } | { ok: false; problem: string; field: ProposalProblem['field'] };

/** The plan's pre-scale and end: one lane of its own, so a busy channel never delays them. */
function planLane(planId: number): string {
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
function stepLane(planId: number): string {
  return `capacity-plan:${planId}:steps`;
}

/** Where a phase starts and where it goes: the pre-scale from the capacity before it to the count; the scale-back from where the pre-scale got to, back. */
function phaseSpan(plan: CapacityPlan, phase: ScalePhase): { start: number; goal: number } | null {
  if (plan.scaleBackTo === null) return null;
  if (phase === 'prescale') return { start: plan.scaleBackTo, goal: plan.count };
  const reached = latestScaleStep(plan, 'prescale');
  return { start: reached?.to ?? plan.count, goal: plan.scaleBackTo };
}

async function enqueueStep(
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

function timeIn(deps: CapacityPlanDeps): (at: Date) => string {
  const zone = deps.timeZone ?? 'UTC';
  return (at) => localTime(at, deps.clock.now(), zone);
}

async function enqueueAnnouncementUpdate(tx: StoreTransaction, plan: CapacityPlan, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: CAPACITY_JOB.update,
      coalesceKey: `capacity-plan:${plan.id}`,
      payload: { lane: ANNOUNCE_LANE, planId: plan.id },
    },
    now,
  );
}

async function enqueueScaleBackOffer(tx: StoreTransaction, plan: CapacityPlan, now: Date): Promise<void> {
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
async function capacityNow(
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

export function capacityPlanHandlers(deps: CapacityPlanDeps): Record<string, JobHandler> {
  const { store, clock } = deps;
  const load = (payload: Record<string, unknown>) => store.capacityPlans.findById(Number(payload.planId));
  const time = timeIn(deps);
  const marker = (plan: CapacityPlan, what: string) => ({
    kind: 'capacity_plan' as const,
    incidentId: 0,
    key: `${what}:${plan.id}`,
  });

  /** Moves the plan on as the pre-scale decided, with the announcement's edit, in one transaction. */
  const settle = async (
    plan: CapacityPlan,
    changes: Parameters<StoreTransaction['capacityPlans']['transition']>[2],
    what: string,
  ): Promise<CapacityPlan | null> => {
    const now = clock.now();
    const moved = await store.transaction(async (tx) => {
      const done = await tx.capacityPlans.transition(plan.id, [plan.state], changes, step(what, FIREBREAK, now));
      if (done) await enqueueAnnouncementUpdate(tx, done, now);
      return done;
    });
    if (moved) {
      logged(deps, moved);
      deps.wakeOutbox();
    }
    return moved;
  };

  const offerAfterLateCancel = async (
    planId: number,
    scaled: { prescaleOperationId: number; scaleBackTo: number },
    what: CapacityPlanStep,
  ): Promise<void> => {
    const now = clock.now();
    const recorded = await store.transaction(async (tx) => {
      const current = await tx.capacityPlans.findById(planId);
      if (current?.state !== 'cancelled' || current.prescaleOperationId !== null) return null;
      const updated = await tx.capacityPlans.update(planId, scaled, what);
      await enqueueAnnouncementUpdate(tx, updated, now);
      await enqueueScaleBackOffer(tx, updated, now);
      return updated;
    });
    if (recorded) {
      logged(deps, recorded);
      deps.wakeOutbox();
    }
  };

  const announce: JobHandler = async (job) => {
    const plan = await load(job.payload);
    if (!plan) return skipped('no such capacity plan');
    if (plan.announcement) return skipped('already announced');
    const message = { kind: 'capacity_plan' as const, plan, now: clock.now() };
    const { posted } = await postMarkedOnce(
      deps,
      job,
      { channel: deps.announceChannel },
      message,
      marker(plan, 'plan'),
    );
    await store.capacityPlans.update(plan.id, { announcement: posted });
    return sent(
      `announced ${planRef(plan)}: ${plan.target} at ${plan.count} from ${time(plan.startsAt)} (${plan.state})`,
    );
  };

  const update: JobHandler = async (job) => {
    const plan = await load(job.payload);
    if (!plan?.announcement) return skipped('not announced yet: the announcement shows the current state');
    await deps.chat.updateMessage(plan.announcement, { kind: 'capacity_plan', plan, now: clock.now() });
    return sent(`${planRef(plan)}'s announcement now shows ${plan.state}`);
  };

  /** Re-edits what shows a phase's progress: the announcement for the pre-scale, the offer for the scale-back. */
  const enqueueProgress = async (tx: StoreTransaction, plan: CapacityPlan, phase: ScalePhase, now: Date) => {
    if (phase === 'prescale') return enqueueAnnouncementUpdate(tx, plan, now);
    await tx.outbox.enqueue(
      {
        kind: CAPACITY_JOB.updateScaleBack,
        coalesceKey: `capacity-plan-offer-edit:${plan.id}`,
        payload: { lane: ANNOUNCE_LANE, planId: plan.id },
      },
      now,
    );
  };

  /**
   * Records a step on the plan (moving its state when `from` is given, only if it is still in one of them), with
   * the message edit and the next step's job, in one transaction: a restart finds either all of it or none.
   */
  const record = async (
    plan: CapacityPlan,
    input: {
      from?: readonly CapacityPlan['state'][];
      changes?: Parameters<StoreTransaction['capacityPlans']['update']>[1];
      recorded: CapacityPlanStep;
      phase: ScalePhase;
      next?: { step: number; retry: number; notBefore: Date };
    },
  ): Promise<CapacityPlan | null> => {
    const now = clock.now();
    const moved = await store.transaction(async (tx) => {
      const done = input.from
        ? await tx.capacityPlans.transition(plan.id, input.from, input.changes ?? {}, input.recorded)
        : await tx.capacityPlans.update(plan.id, input.changes ?? {}, input.recorded);
      if (!done) return null;
      await enqueueProgress(tx, done, input.phase, now);
      if (input.next)
        await enqueueStep(
          tx,
          plan.id,
          { phase: input.phase, step: input.next.step, retry: input.next.retry },
          input.next.notBefore,
          now,
        );
      return done;
    });
    if (moved) {
      logged(deps, moved);
      deps.wakeOutbox();
    }
    return moved;
  };

  const phaseWord = (phase: ScalePhase) => (phase === 'prescale' ? 'pre-scale' : 'scale-back');

  /** Stops a phase's stepping for good, and says so where its progress shows. */
  const stop = async (plan: CapacityPlan, phase: ScalePhase, n: number, of: number, why: string) => {
    const span = phaseSpan(plan, phase);
    const warning = `The ${phaseWord(phase)} of ${plan.target}${span ? ` ${span.start} → ${span.goal}` : ''} stopped at step ${n} of ${of}: ${why}`;
    await record(plan, {
      changes: phase === 'prescale' ? { outcome: `stopped at step ${n} of ${of}: ${why}` } : {},
      recorded: step(`${phaseWord(phase)} stopped at step ${n} of ${of}: ${why}`, FIREBREAK, clock.now(), { warning }),
      phase,
    });
    return sent(`${planRef(plan)}: ${warning}`);
  };

  /**
   * Asks the scaling flow for step `n` of a phase (its amount, and so its request key, computed from what the
   * plan stored, never from a fresh read). Asked: recorded with the next step's job, due once the cooldown can
   * have passed. Refused for a passing reason (someone else is scaling, a cooldown): tried again a bounded number
   * of times; otherwise, or after those, the stepping stops and says so.
   */
  const askStep = async (
    plan: CapacityPlan,
    target: ScaleTarget,
    phase: ScalePhase,
    n: number,
    retry: number,
  ): Promise<JobOutcome> => {
    const span = phaseSpan(plan, phase);
    const targets = span ? stepTargets(span.start, span.goal, target.maxStep) : [];
    const amount = targets[n - 1];
    if (!span || amount === undefined) return skipped(`${planRef(plan)} has no ${phaseWord(phase)} step ${n}`);
    const of = targets.length;
    const steps = of > 1 ? `, step ${n} of ${of}` : '';
    // The scale-back's later steps continue what the person who clicked Scale back asked.
    const clicked = plan.steps.find((s) => s.scale?.phase === 'scale-back')?.by;
    const result = await requestScale(deps, {
      targetName: plan.target,
      amount: String(amount),
      // The person whose yes this is: the approver who confirmed it, or the proposer of a target without approval rules.
      actor: phase === 'scale-back' && clicked?.kind === 'user' ? clicked : (plan.confirmedBy ?? plan.proposedBy),
      incidentId: null,
      clickId: planClickId(plan.id, phase, n),
      reason:
        phase === 'prescale'
          ? `planned: ${plan.name} (${planRef(plan)})${steps}`
          : `scale back after ${planRef(plan)} "${plan.name}"${steps}`,
      ...(plan.announcement ? { channelId: plan.announcement.channelId } : {}),
      // The approvers' confirmation was the pre-scale's approval (a target without rules needs none); the
      // scale-back's first step went through its own.
      approved: phase === 'prescale' ? plan.approvers !== null : true,
    });
    const now = clock.now();
    if (result.ok) {
      const op = result.operation;
      const scale: ScaleStepRecord = { phase, step: n, of, from: op.from, to: op.to, operationId: op.id };
      const what =
        of === 1
          ? `pre-scaled ${plan.target} ${op.from} → ${op.to} (operation #${op.id})`
          : `${phaseWord(phase)} step ${n} of ${of}: ${plan.target} ${op.from} → ${op.to} (operation #${op.id})`;
      const recorded = step(what, FIREBREAK, now, { scale });
      // Multi-step: the next step's job (after the last, the check that it arrived) watches this one's instances
      // run, records it, then waits until the cooldown ends (its notBefore moved there) and asks.
      const next = of > 1 ? { step: n + 1, retry: 0, notBefore: new Date(now.getTime() + STEP_POLL_MS) } : undefined;
      if (phase === 'prescale' && n === 1) {
        const moved = await record(plan, {
          from: ['confirmed'],
          changes: { state: 'pre-scaled', prescaleOperationId: op.id, scaleBackTo: op.from },
          recorded,
          phase,
          ...(next ? { next } : {}),
        });
        // Cancelled while the scale request was under way: the capacity was still added, so offer it back.
        if (!moved) await offerAfterLateCancel(plan.id, { prescaleOperationId: op.id, scaleBackTo: op.from }, recorded);
      } else {
        await record(plan, { recorded, phase, ...(next ? { next } : {}) });
      }
      return sent(`${planRef(plan)}: ${what}`);
    }
    const why =
      'refusal' in result
        ? result.refusal.message
        : 'problem' in result
          ? result.problem
          : `it needs approval by @${result.approval.approvers} (request #${result.approval.id})`;
    const passing =
      'problem' in result ||
      ('refusal' in result && (result.refusal.rule === 'in_progress' || result.refusal.rule === 'cooldown'));
    if (passing && retry < STEP_RETRIES) {
      const delay = Math.round(STEP_RETRY_DELAY_MS / 60_000);
      await record(plan, {
        recorded: step(
          `${phaseWord(phase)} step ${n} of ${of} refused (${why}); trying again in ${delay} minute${delay === 1 ? '' : 's'} (${retry + 1} of ${STEP_RETRIES})`,
          FIREBREAK,
          now,
        ),
        phase,
        next: { step: n, retry: retry + 1, notBefore: new Date(now.getTime() + STEP_RETRY_DELAY_MS) },
      });
      return sent(`${planRef(plan)}: ${phaseWord(phase)} step ${n} refused (${why}); trying again`);
    }
    if (phase === 'prescale' && n === 1) {
      await settle(plan, { state: 'refused', outcome: why }, `pre-scale refused: ${why}`);
      return sent(`${planRef(plan)}: the pre-scale of ${plan.target} was refused: ${why}`);
    }
    return stop(plan, phase, n, of, passing ? `${why} (tried ${STEP_RETRIES + 1} times)` : why);
  };

  /** The pre-scale's first step: decides whether there is anything to add, and stores the capacity it starts from. */
  const prescaleFirst = async (plan: CapacityPlan, retry: number): Promise<JobOutcome> => {
    if (plan.state === 'proposed') {
      const moved = await settle(
        plan,
        { state: 'missed', outcome: `not confirmed by ${time(prescaleAt(plan))}` },
        'not confirmed at its pre-scale time: not scaled',
      );
      return moved
        ? sent(`${planRef(plan)} was not confirmed in time: ${plan.target} not scaled`)
        : skipped('decided a moment ago');
    }
    if (plan.state !== 'confirmed') return skipped(`${planRef(plan)} is ${plan.state}`);
    // Firebreak was down through the whole event (its jobs wait in the store): adding capacity now helps nobody.
    if (clock.now().getTime() >= plan.endsAt.getTime()) {
      await settle(
        plan,
        { state: 'missed', outcome: `the pre-scale could not run before the event ended at ${time(plan.endsAt)}` },
        'pre-scale not run before the end: not scaled',
      );
      return sent(`${planRef(plan)} ended before its pre-scale could run: ${plan.target} not scaled`);
    }
    const target = deps.targets.find((t) => t.name === plan.target);
    if (!target) {
      await settle(
        plan,
        { state: 'refused', outcome: `${plan.target} is no longer a scale target` },
        'refused: no such target',
      );
      return sent(`${planRef(plan)}: ${plan.target} is no longer a scale target`);
    }
    let current = plan;
    if (plan.scaleBackTo === null) {
      // A planned event only ever adds: a target that already has enough is left as it is.
      const capacity = await deps.cloud.capacity(target);
      if (capacity.desired >= plan.count) {
        await settle(
          plan,
          { state: 'pre-scaled', outcome: `${plan.target} already had ${capacity.desired} instances` },
          `pre-scale not needed: ${plan.target} already had ${capacity.desired}`,
        );
        return sent(`${planRef(plan)}: ${plan.target} already has ${capacity.desired} ≥ ${plan.count}; nothing to add`);
      }
      // Stored before the first request: a retry (a crash, a restart, a refused step tried again) computes the
      // same steps, and so the same request keys, from it, and never reads the grown capacity as "enough".
      current = await store.capacityPlans.update(plan.id, { scaleBackTo: capacity.desired });
    }
    return askStep(current, target, 'prescale', 1, retry);
  };

  const prescale: JobHandler = async (job) => {
    const plan = await load(job.payload);
    if (!plan) return skipped('no such capacity plan');
    return prescaleFirst(plan, 0);
  };

  /**
   * A later step of a stepped phase (or a refused step tried again, or, after the last step, the check that it
   * arrived): waits for the previous step's instances to run and its cooldown to pass, then asks for this one.
   */
  const stepJob: JobHandler = async (job) => {
    let plan = await load(job.payload);
    if (!plan) return skipped('no such capacity plan');
    const phase: ScalePhase = job.payload.phase === 'scale-back' ? 'scale-back' : 'prescale';
    const n = Number(job.payload.step);
    const retry = Number(job.payload.retry ?? 0);
    if (phase === 'prescale' && n === 1) return prescaleFirst(plan, retry);
    const going = phase === 'prescale' ? plan.state === 'pre-scaled' : plan.scaleBackOperationId !== null;
    if (!going) return skipped(`${planRef(plan)} is ${plan.state}: no more ${phaseWord(phase)} steps`);
    const now = clock.now();
    if (phase === 'prescale' && now.getTime() >= plan.endsAt.getTime())
      return skipped(`${planRef(plan)} is over: no more pre-scale steps`);
    const target = deps.targets.find((t) => t.name === plan?.target);
    if (!target) return skipped(`${plan.target} is no longer a scale target`);
    const last = latestScaleStep(plan, phase);
    if (!last) return skipped(`${planRef(plan)} has no ${phaseWord(phase)} step to follow`);
    if (last.step >= n) return skipped(`${phaseWord(phase)} step ${n} was already asked`);
    const previous = await store.scaleOperations.findById(last.operationId);
    if (!previous) return skipped(`operation #${last.operationId} is gone`);
    if (previous.status === 'requested' || previous.status === 'started')
      return deferred(
        `waiting for operation #${previous.id} (${plan.target} → ${previous.to})`,
        new Date(now.getTime() + STEP_POLL_MS),
      );
    if (previous.status === 'failed' || previous.status === 'refused')
      return stop(
        plan,
        phase,
        last.step,
        last.of,
        `operation #${previous.id} failed: ${previous.error?.message ?? 'no reason given'}`,
      );
    if (last.running === undefined) {
      const running = previous.to;
      const done: ScaleStepRecord = { ...last, running };
      plan =
        (await record(plan, {
          recorded: step(
            `${phaseWord(phase)} step ${last.step} of ${last.of} done: ${running} running`,
            FIREBREAK,
            now,
            { scale: done },
          ),
          phase,
        })) ?? plan;
    }
    if (n > last.of) return sent(`${planRef(plan)}: ${phaseWord(phase)} of ${plan.target} reached ${previous.to}`);
    const cooldownEnds = new Date((previous.finishedAt ?? now).getTime() + target.cooldownSeconds * 1000);
    if (now.getTime() < cooldownEnds.getTime())
      return deferred(`${plan.target}'s cooldown after operation #${previous.id}`, cooldownEnds);
    return askStep(plan, target, phase, n, retry);
  };
  const end: JobHandler = async (job) => {
    const plan = await load(job.payload);
    if (!plan) return skipped('no such capacity plan');
    if (plan.state !== 'pre-scaled') return skipped(`${planRef(plan)} is ${plan.state}`);
    const now = clock.now();
    const ended = await store.transaction(async (tx) => {
      const moved = await tx.capacityPlans.transition(
        plan.id,
        ['pre-scaled'],
        { state: 'ended' },
        step('ended', FIREBREAK, now),
      );
      if (!moved) return null;
      await enqueueAnnouncementUpdate(tx, moved, now);
      if (moved.scaleBackTo !== null) await enqueueScaleBackOffer(tx, moved, now);
      return moved;
    });
    if (!ended) return skipped('changed a moment ago');
    logged(deps, ended);
    deps.wakeOutbox();
    return sent(
      `${planRef(plan)} ended${ended.scaleBackTo !== null ? `; offering to scale ${plan.target} back to ${ended.scaleBackTo}` : ''}`,
    );
  };

  const offerScaleBack: JobHandler = async (job) => {
    const plan = await load(job.payload);
    if (!plan || plan.scaleBackTo === null) return skipped('nothing to scale back');
    if (plan.scaleBackMessage) return skipped('already offered');
    const message = { kind: 'capacity_scale_back' as const, plan, now: clock.now() };
    const { posted } = await postMarkedOnce(
      deps,
      job,
      { channel: deps.announceChannel },
      message,
      marker(plan, 'scale-back'),
    );
    await store.capacityPlans.update(
      plan.id,
      { scaleBackMessage: posted },
      step('scale-back offered', FIREBREAK, clock.now()),
    );
    return sent(`offered to scale ${plan.target} back to ${plan.scaleBackTo} after ${planRef(plan)}`);
  };

  const updateScaleBack: JobHandler = async (job) => {
    const plan = await load(job.payload);
    if (!plan?.scaleBackMessage) return skipped('not offered yet: the offer shows the current state');
    await deps.chat.updateMessage(plan.scaleBackMessage, { kind: 'capacity_scale_back', plan, now: clock.now() });
    return sent(`${planRef(plan)}'s scale-back offer now shows operation #${plan.scaleBackOperationId}`);
  };

  return {
    [CAPACITY_JOB.announce]: announce,
    [CAPACITY_JOB.update]: update,
    [CAPACITY_JOB.prescale]: prescale,
    [CAPACITY_JOB.end]: end,
    [CAPACITY_JOB.offerScaleBack]: offerScaleBack,
    [CAPACITY_JOB.updateScaleBack]: updateScaleBack,
    [CAPACITY_JOB.step]: stepJob,
  };
}
