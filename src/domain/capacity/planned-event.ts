// Planned capacity for a known high-traffic event (a sale, a launch), pure: what a valid plan is, who may
// confirm or cancel it, when it pre-scales, the steps it records, and how a change larger than the target's
// maxStep is split into steps (and what the proposer is told about them). Anyone may propose; a target with approval
// rules needs one of its approvers (not the proposer) to confirm; a target without them is confirmed by the
// proposal itself. The flow (flows/capacity-plans.ts) stores and acts on what these decide.
import type { Actor, UserActor } from '../actor';
import type { MessageRef } from '../incident';
import type { ScaleTarget } from '../scale-target';

export const CAPACITY_PLAN_STATES = [
  /** Waiting for an approver's Confirm. */
  'proposed',
  /** Will pre-scale at its time. */
  'confirmed',
  'declined',
  'cancelled',
  /** Still unconfirmed at its pre-scale time: nothing was scaled. */
  'missed',
  /** The pre-scale was asked of the scaling flow (its operation on the plan), or the target already had enough. */
  'pre-scaled',
  /** The pre-scale did not happen (a guardrail refused it, or the cloud failed every try): nothing was scaled, nothing retries it; why is in `outcome`. */
  'refused',
  /** Over: the scale-back was offered. */
  'ended',
] as const;
export type CapacityPlanState = (typeof CAPACITY_PLAN_STATES)[number];

/** Plans that hold their target's time: a new plan for the same target may not overlap them. */
export const ACTIVE_PLAN_STATES: readonly CapacityPlanState[] = ['proposed', 'confirmed', 'pre-scaled'];

/** One thing that happened to a plan (a plan is not an incident, so its steps are kept on it, not on a timeline). */
export interface CapacityPlanStep {
  at: Date;
  what: string;
  by: Actor;
  /** A step of a stepped pre-scale or scale-back that was asked of the scaling flow: what the messages show as progress. */
  scale?: ScaleStepRecord;
  /** Something everyone should know, shown on the announcement (e.g. the lead is too short for the steps). */
  warning?: string;
}

export type ScalePhase = 'prescale' | 'scale-back';

/** One step of a change larger than the target's `maxStep`: step `step` of `of`, `from` → `to`, by its operation. */
export interface ScaleStepRecord {
  phase: ScalePhase;
  step: number;
  of: number;
  from: number;
  to: number;
  operationId: number;
  /** Set once the step's instances run: how many (recorded as a later step of the plan). */
  running?: number;
}

export interface CapacityPlan {
  id: number;
  target: string;
  /** Instances the target should have while the event runs. */
  count: number;
  startsAt: Date;
  endsAt: Date;
  name: string;
  proposedBy: UserActor;
  proposedAt: Date;
  /** Minutes before `startsAt` that it pre-scales (the policy's, when proposed). */
  leadMinutes: number;
  /** The approvers' group whose member must confirm; null when the proposal confirmed itself. */
  approvers: string | null;
  state: CapacityPlanState;
  confirmedBy: UserActor | null;
  confirmedAt: Date | null;
  prescaleOperationId: number | null;
  /** Capacity before the pre-scale: what the scale-back offers to return to; null when nothing was added. */
  scaleBackTo: number | null;
  scaleBackOperationId: number | null;
  /** Why it did not scale (missed, refused), in words. */
  outcome: string | null;
  /** Its announcement in the incidents channel, once posted. */
  announcement: MessageRef | null;
  /** The "Scale back to N" offer, once posted. */
  scaleBackMessage: MessageRef | null;
  steps: CapacityPlanStep[];
}

export type NewCapacityPlan = Omit<CapacityPlan, 'id'>;

export function planRef(plan: Pick<CapacityPlan, 'id'>): string {
  return `CAP-${plan.id}`;
}

export function prescaleAt(plan: Pick<CapacityPlan, 'startsAt' | 'leadMinutes'>): Date {
  return new Date(plan.startsAt.getTime() - plan.leadMinutes * 60_000);
}

/** Two plans' windows (pre-scale to end) share a moment. */
export function overlaps(
  a: Pick<CapacityPlan, 'startsAt' | 'endsAt' | 'leadMinutes'>,
  b: Pick<CapacityPlan, 'startsAt' | 'endsAt' | 'leadMinutes'>,
): boolean {
  return prescaleAt(a) < b.endsAt && prescaleAt(b) < a.endsAt;
}

/** The longest event a plan may cover: longer capacity is a standing change, made with `/scale`. */
export const MAX_EVENT_MS = 7 * 86_400_000;

export interface PlanProposal {
  target: string;
  count: number;
  startsAt: Date;
  durationMs: number;
  name: string;
}

/**
 * Why a proposal cannot be planned, in words for the proposer (naming the time with `time`), or null. Checked
 * in order: the count against the target's limits, the time (past, or too close to pre-scale), the length,
 * another plan for the target at that time.
 */
export function proposalProblem(input: {
  proposal: PlanProposal;
  target: ScaleTarget;
  leadMinutes: number;
  now: Date;
  active: readonly CapacityPlan[];
  time: (at: Date) => string;
}): ProposalProblem | null {
  const { proposal, target, now, time } = input;
  const problem = (field: ProposalProblem['field'], message: string): ProposalProblem => ({ field, message });
  if (proposal.count > target.max)
    return problem(
      'count',
      `${target.name} can grow to at most ${target.max} instances (its max); plan ${target.max} or fewer`,
    );
  if (proposal.count < Math.max(1, target.min))
    return problem(
      'count',
      `${target.name} keeps at least ${Math.max(1, target.min)} instances; plan at least that many`,
    );
  if (proposal.startsAt.getTime() <= now.getTime())
    return problem('start', `${time(proposal.startsAt)} is in the past; plan a time to come`);
  const lead = prescaleAt({ startsAt: proposal.startsAt, leadMinutes: input.leadMinutes });
  if (lead.getTime() <= now.getTime())
    return problem(
      'start',
      `${time(proposal.startsAt)} is less than ${input.leadMinutes} minutes away, so its pre-scale time has passed; scale now with \`/scale ${target.name} ${proposal.count}\`, or plan a later time`,
    );
  if (proposal.durationMs > MAX_EVENT_MS)
    return problem('duration', 'an event may last at most 7 days; for longer, scale with `/scale`');
  const endsAt = new Date(proposal.startsAt.getTime() + proposal.durationMs);
  const clash = input.active.find(
    (p) =>
      p.target === target.name && overlaps(p, { startsAt: proposal.startsAt, endsAt, leadMinutes: input.leadMinutes }),
  );
  if (clash)
    return problem(
      'start',
      `${planRef(clash)} "${clash.name}" already plans ${clash.target} from ${time(clash.startsAt)} to ${time(clash.endsAt)}; cancel it (\`/capacity cancel ${clash.id}\`) or plan another time`,
    );
  return null;
}

/** What is wrong with a proposal, and which of its fields to show it under (in a form). */
export interface ProposalProblem {
  field: 'target' | 'count' | 'start' | 'duration' | 'lead';
  message: string;
}

export type PlanDecision = 'confirm' | 'decline';

/** Why `actor` may not confirm or decline the plan, or null. `isApprover`: in the plan's approvers' group. */
export function decisionProblem(
  plan: CapacityPlan,
  actor: { userId: string; isApprover: boolean },
  decision: PlanDecision,
): string | null {
  if (plan.state !== 'proposed') {
    const by = plan.confirmedBy ? ` by <@${plan.confirmedBy.id}>` : '';
    return `${planRef(plan)} is ${plan.state}${plan.state === 'confirmed' ? by : ''}; there is nothing to ${decision}`;
  }
  if (plan.approvers === null) return `${planRef(plan)} needs no confirmation`;
  if (actor.userId === plan.proposedBy.id)
    return `you proposed ${planRef(plan)}, so you cannot ${decision} it yourself; another member of @${plan.approvers} must`;
  if (!actor.isApprover) return `only members of @${plan.approvers} may ${decision} ${planRef(plan)}`;
  return null;
}

/**
 * Who may cancel: the proposer, whoever confirmed it, and the target's approvers (a target without approval
 * rules: the proposer, and members of the groups allowed to scale it). Only a plan not yet over.
 */
export function cancelProblem(plan: CapacityPlan, actor: { userId: string; mayCancel: boolean }): string | null {
  if (!ACTIVE_PLAN_STATES.includes(plan.state)) return `${planRef(plan)} is already ${plan.state}`;
  if (actor.userId === plan.proposedBy.id || actor.userId === plan.confirmedBy?.id || actor.mayCancel) return null;
  return plan.approvers
    ? `only the proposer (<@${plan.proposedBy.id}>) or a member of @${plan.approvers} may cancel ${planRef(plan)}`
    : `only the proposer (<@${plan.proposedBy.id}>) or someone allowed to scale ${plan.target} may cancel ${planRef(plan)}`;
}

export function step(
  what: string,
  by: Actor,
  at: Date,
  extra: Pick<CapacityPlanStep, 'scale' | 'warning'> = {},
): CapacityPlanStep {
  return { at, what, by, ...extra };
}

// ---- Stepped scaling: a plan may add (and later remove) more than one request may change. ----

/**
 * The capacities a change from `from` to `to` passes through, each at most `maxStep` from the one before, the
 * last one `to`: 4 → 24 by 10 is [14, 24]; 24 → 4 is [14, 4]; no change is []. The same numbers every time for
 * the same input, so each step's request key (made from its number and amount) is stable across restarts.
 */
export function stepTargets(from: number, to: number, maxStep: number): number[] {
  if (!Number.isInteger(maxStep) || maxStep < 1)
    throw new RangeError(`maxStep must be a positive integer, not ${maxStep}`);
  const targets: number[] = [];
  let at = from;
  while (at !== to) {
    at = to > at ? Math.min(to, at + maxStep) : Math.max(to, at - maxStep);
    targets.push(at);
  }
  return targets;
}

/**
 * What we allow for one step's instances to launch and report running before the cooldown starts counting: the
 * launch time is the cloud's, unknown here, and EC2 instances usually run within two or three minutes.
 */
export const STEP_LAUNCH_ALLOWANCE_MS = 3 * 60_000;

/** How long `steps` steps take, from the first request to the last step's instances running: each step's launch allowance, and the cooldown between them. */
export function steppedDurationMs(steps: number, cooldownSeconds: number): number {
  if (steps <= 0) return 0;
  return steps * STEP_LAUNCH_ALLOWANCE_MS + (steps - 1) * cooldownSeconds * 1000;
}

/** How a plan's pre-scale would go from the capacity now: its steps, how long they take, and whether the lead leaves room. */
export interface PrescaleEstimate {
  from: number;
  targets: number[];
  durationMs: number;
  /** The lead is shorter than the steps take: the last ones may land after the event starts. */
  leadTooShort: boolean;
  /** The smallest whole lead in minutes that leaves room for the steps. */
  neededLeadMinutes: number;
}

export function estimatePrescale(input: {
  current: number;
  count: number;
  target: Pick<ScaleTarget, 'maxStep' | 'cooldownSeconds'>;
  leadMinutes: number;
}): PrescaleEstimate {
  const targets = input.count > input.current ? stepTargets(input.current, input.count, input.target.maxStep) : [];
  const durationMs = steppedDurationMs(targets.length, input.target.cooldownSeconds);
  return {
    from: input.current,
    targets,
    durationMs,
    leadTooShort: durationMs > input.leadMinutes * 60_000,
    neededLeadMinutes: Math.ceil(durationMs / 60_000),
  };
}

/** The newest step record of a phase: where that phase's stepping stands. */
export function latestScaleStep(plan: Pick<CapacityPlan, 'steps'>, phase: ScalePhase): ScaleStepRecord | null {
  return plan.steps.findLast((s) => s.scale?.phase === phase)?.scale ?? null;
}

/**
 * How many times a step the guardrails refuse (someone else is scaling, a cooldown) is tried again, and how long
 * apart, before the stepping stops and says so.
 */
export const STEP_RETRIES = 5;
export const STEP_RETRY_DELAY_MS = 60_000;

/**
 * What the proposer should know beyond whether the plan was accepted, from the target's capacity now (read at
 * proposal; null when it could not be read): nothing to add, the steps it will take, a lead too short for
 * them. `warning` is the part everyone should see on the announcement too. None of it refuses the plan: the
 * capacity may change before the event, and the pre-scale decides with the capacity of its own time.
 */
export function proposalNotes(input: {
  target: Pick<ScaleTarget, 'name' | 'maxStep' | 'cooldownSeconds'>;
  count: number;
  leadMinutes: number;
  current: { desired: number } | { error: string };
}): { notes: string[]; warning: string | null } {
  const { target, count, leadMinutes } = input;
  if ('error' in input.current)
    return {
      notes: [
        `could not read ${target.name}'s capacity now (${input.current.error}), so whether there is anything to add, and in how many steps, was not checked`,
      ],
      warning: null,
    };
  const current = input.current.desired;
  if (count <= current)
    return {
      notes: [
        `${target.name} already has ${current} instances, so as things stand there is nothing to pre-scale; the pre-scale adds only what is missing at its time`,
      ],
      warning: null,
    };
  const estimate = estimatePrescale({ current, count, target, leadMinutes });
  const steps = estimate.targets.length;
  if (steps <= 1) return { notes: [], warning: null };
  const minutes = estimate.neededLeadMinutes;
  const notes = [
    `from ${current} now, ${target.name} grows in ${steps} steps of at most ${target.maxStep} (its max step), about ${minutes} minutes in all (${STEP_LAUNCH_ALLOWANCE_MS / 60_000} minutes per step to launch, and the ${target.cooldownSeconds} s cooldown between steps)`,
  ];
  if (!estimate.leadTooShort) return { notes, warning: null };
  const warning = `the pre-scale starts ${leadMinutes} minutes before the event, but its ${steps} steps take about ${minutes} minutes, so the last may land after the event starts; plan it with \`lead ${minutes}m\` or more`;
  return { notes: [...notes, warning], warning };
}
