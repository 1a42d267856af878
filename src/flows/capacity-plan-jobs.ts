// The stored jobs of planned capacity (issue 17): announce a plan and keep its announcement current, pre-scale its
// target before the event (in steps of at most maxStep, each through requestScale with a key made from the plan,
// the phase and the step, so a retry, a restart or a second replica scales once), and offer the scale-back when
// it ends. What people ask for (propose, confirm, cancel, scale back) is in capacity-plans.ts.
import { FIREBREAK } from '../domain/actor';
import { errorMessage } from '../errors';
import { scrubSecrets } from '../observability/process-guard';
import {
  latestScaleStep,
  planRef,
  prescaleAt,
  STEP_RETRIES,
  STEP_RETRY_DELAY_MS,
  step,
  stepTargets,
  type CapacityPlan,
  type CapacityPlanStep,
  type ScalePhase,
  type ScaleStepRecord,
} from '../domain/capacity/planned-event';
import type { ScaleTarget } from '../domain/scale-target';
import { deferred, sent, skipped, type JobHandler, type JobOutcome } from '../outbox/outbox-worker';
import type { StoreTransaction } from '../ports/store';
import { ANNOUNCE_LANE } from './outbox-jobs';
import { postMarkedOnce } from './post-once';
import { requestScale } from './scaling';

import {
  CAPACITY_JOB,
  type CapacityPlanDeps,
  enqueueAnnouncementUpdate,
  enqueueScaleBackOffer,
  enqueueStep,
  logged,
  phaseSpan,
  planClickId,
  STEP_POLL_MS,
  timeIn,
} from './capacity-plans';

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
  const stop = async (plan: CapacityPlan, phase: ScalePhase, n: number, of: number, reason: string) => {
    const why = scrubSecrets(reason);
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
      // The next step's job (after the last, the check that it arrived) watches this one's instances run,
      // records it, then waits until the cooldown ends (its notBefore moved there) and asks. A pre-scale of one
      // step is checked too: an operation the cloud refused must not stand on the announcement as "pre-scaled".
      const next =
        of > 1 || phase === 'prescale'
          ? { step: n + 1, retry: 0, notBefore: new Date(now.getTime() + STEP_POLL_MS) }
          : undefined;
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
    return notAsked(plan, phase, { n, of }, why, passing, retry);
  };

  /**
   * A step that was not asked. Refused for a passing reason (someone else is scaling, a cooldown, the cloud not
   * answering): tried again as a new job STEP_RETRY_DELAY_MS later, at most STEP_RETRIES times — so tried
   * STEP_RETRIES + 1 times in all. Otherwise, or after those, the stepping stops for good and says so: the plan's
   * first step leaves it `refused`, a later one stops where it got. Nothing tries it again after that (not the
   * outbox, not the cloud coming back): only a person, with `/scale` or a new plan. `of` is null when the step
   * count is not known yet (the capacity it starts from could not be read).
   */
  const notAsked = async (
    plan: CapacityPlan,
    phase: ScalePhase,
    at: { n: number; of: number | null },
    reason: string,
    passing: boolean,
    retry: number,
  ): Promise<JobOutcome> => {
    const { n, of } = at;
    // Cloud and proxy errors are free text: whatever they quote is scrubbed before a person or the log sees it.
    const why = scrubSecrets(reason);
    const now = clock.now();
    const label = of === null ? phaseWord(phase) : `${phaseWord(phase)} step ${n} of ${of}`;
    const delay = Math.round(STEP_RETRY_DELAY_MS / 60_000);
    const minutes = `${delay} minute${delay === 1 ? '' : 's'}`;
    if (passing && retry < STEP_RETRIES) {
      await record(plan, {
        recorded: step(
          `${label} refused (${why}); trying again in ${minutes} (${retry + 1} of ${STEP_RETRIES})`,
          FIREBREAK,
          now,
        ),
        phase,
        next: { step: n, retry: retry + 1, notBefore: new Date(now.getTime() + STEP_RETRY_DELAY_MS) },
      });
      return sent(`${planRef(plan)}: ${label} refused (${why}); trying again`);
    }
    const final = passing ? `gave up after ${STEP_RETRIES + 1} tries ${minutes} apart: ${why}` : why;
    if (phase === 'prescale' && n === 1) {
      await settle(plan, { state: 'refused', outcome: final }, `pre-scale refused: ${final}`);
      return sent(`${planRef(plan)}: the pre-scale of ${plan.target} did not happen: ${final}`);
    }
    return stop(plan, phase, n, of ?? n, final);
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
      // A planned event only ever adds: a target that already has enough is left as it is. A cloud that does not
      // answer is a passing refusal like any step's: tried again a bounded number of times, never by the outbox
      // for a day.
      let capacity: Awaited<ReturnType<typeof deps.cloud.capacity>>;
      try {
        capacity = await deps.cloud.capacity(target);
      } catch (error) {
        const why = `could not read ${plan.target}'s capacity (${errorMessage(error)}); nothing was changed`;
        return notAsked(plan, 'prescale', { n: 1, of: null }, why, true, retry);
      }
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
            `${phaseWord(phase)}${last.of > 1 ? ` step ${last.step} of ${last.of}` : ''} done: ${running} running`,
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
