// Scaling, safely: every request is checked against the target's guardrails (those needing no capacity
// before any cloud call at all, the rest before any call that changes the cloud),
// stored with its request key before the call (so a double click, a Slack retry or a restart launches
// once), run through the outbox one operation per target at a time, and watched until the capacity is
// really there. Every step is a timeline event and shows on the incident card. The flow speaks only the Cloud
// port's words (capacity, resize): which provider serves a target is the composition root's business.
import type { UserActor } from '../domain/actor';
import type { Incident } from '../domain/incident';
import type { CapacitySnapshot, ScaleTarget } from '../domain/scale-target';
import {
  checkBeforeCapacity,
  checkGuardrails,
  cloudFailure,
  findScaleTarget,
  parseScaleAmount,
  scaleRequestKey,
  scaleTimelineEvents,
  type GuardrailRefusal,
  type ScaleOperation,
} from '../domain/scaling';
import { forIncident, type TimelineEventDraft } from '../domain/timeline';
import { needsApproval, type ScaleApproval } from '../domain/scale-approval';
import { storeApprovalRequest } from './scale-approval-requests';
import { errorMessage, isFirebreakError } from '../errors';
import { scrubSecrets } from '../observability/process-guard';
import { deferred, sent, skipped, type JobHandler, type JobOutcome } from '../outbox/outbox-worker';
import type { Chat } from '../ports/chat';
import type { Capacity, Cloud } from '../ports/cloud';
import type { Clock } from '../ports/clock';
import type { OutboxJob, Store, StoreTransaction } from '../ports/store';
import { CHANNEL_RECHECK_MS, enqueueCardUpdate, incidentLane } from './outbox-jobs';
import { postMarkedOnce } from './post-once';

export const SCALE_JOB = {
  execute: 'scale.execute',
  watch: 'scale.watch',
  observe: 'scale.observe',
  /** Says in the incident's channel that an operation was given up (its cloud call kept failing), and what to do. */
  gaveUp: 'scale.gave_up',
} as const;

/** How often a started operation looks at the cloud, and when it gives up waiting. */
const WATCH_EVERY_MS = 2000;
const WATCH_GIVE_UP_MS = 15 * 60_000;

export interface ScalingDeps {
  store: Store;
  clock: Clock;
  cloud: Cloud;
  chat: Chat;
  targets: readonly ScaleTarget[];
  wakeOutbox(): void;
  /** For times in approval messages and refusals; UTC unless set. */
  timeZone?: string;
}

/** One lane per target: its operations run one after another, never two at once. */
function targetLane(target: string): string {
  return `scale:${target}`;
}

/** The targets an incident's card offers: those naming its service, or the one named like it. */
export function targetsForIncident(
  targets: readonly ScaleTarget[],
  incident: Pick<Incident, 'service'>,
): ScaleTarget[] {
  return targets.filter((t) =>
    t.services.length > 0 ? t.services.includes(incident.service) : t.name === incident.service,
  );
}

function snapshot(capacity: Capacity, now: Date): CapacitySnapshot {
  return {
    running: capacity.running,
    pending: capacity.pending,
    desired: capacity.desired,
    checkedAt: now,
    error: null,
  };
}

async function recordCapacity(
  tx: StoreTransaction,
  incidentId: number | null,
  target: string,
  value: CapacitySnapshot,
  now: Date,
): Promise<void> {
  if (incidentId === null) return;
  const incident = await tx.incidents.findById(incidentId);
  if (!incident) return;
  await tx.incidents.update(incidentId, { capacity: { ...(incident.capacity ?? {}), [target]: value } });
  await enqueueCardUpdate(tx, incidentId, now);
}

async function appendEvent(
  tx: StoreTransaction,
  incidentId: number | null,
  draft: TimelineEventDraft,
  now: Date,
): Promise<void> {
  if (incidentId === null) return;
  await tx.timeline.append(forIncident(draft, incidentId));
  await enqueueCardUpdate(tx, incidentId, now);
}

/** The targets as `/scale targets` lists them, each with where its capacity lives in its cloud's words. */
export function scaleTargetList(
  deps: Pick<ScalingDeps, 'cloud' | 'targets'>,
): Array<{ target: ScaleTarget; where: string }> {
  return deps.targets.map((target) => ({ target, where: deps.cloud.describe(target) }));
}

/** One target's capacity as `/scale status` shows it: from the cloud now, and its last operation. */
export interface TargetStatus {
  target: ScaleTarget;
  running: number | null;
  pending: number;
  /** Why the cloud could not say, when it could not. */
  error: string | null;
  latest: ScaleOperation | null;
}

/**
 * Capacity now, for one target by name or for all of them. A cloud that cannot answer for a target is
 * shown for that target, not an error for the whole command.
 */
export async function scaleStatus(
  deps: Pick<ScalingDeps, 'store' | 'cloud' | 'targets'>,
  targetName?: string,
): Promise<{ ok: true; rows: TargetStatus[] } | { ok: false; problem: string }> {
  const targets = targetName === undefined ? deps.targets : deps.targets.filter((t) => t.name === targetName);
  if (targets.length === 0)
    return { ok: false, problem: `"${targetName}" is not a scale target; \`/scale targets\` lists them` };
  const rows = await Promise.all(
    targets.map(async (target): Promise<TargetStatus> => {
      const latest = await deps.store.scaleOperations.latestForTarget(target.name);
      try {
        const capacity = await deps.cloud.capacity(target);
        return { target, running: capacity.running, pending: capacity.pending, error: null, latest };
      } catch (error) {
        return { target, running: null, pending: 0, error: `could not read capacity (${errorMessage(error)})`, latest };
      }
    }),
  );
  return { ok: true, rows };
}

export interface ScaleRequest {
  targetName: string;
  /** As typed or clicked: `+4`, `-2`, `12`. */
  amount: string;
  actor: UserActor;
  /** Set when asked from an incident channel or its card: the operation belongs to that incident. */
  incidentId: number | null;
  /** Slack's id for this click or command: the same delivery twice is the same request. */
  clickId: string;
  reason?: string;
  /** Where it was asked (the channel of the card or the command): a request needing approval is posted there. */
  channelId?: string;
  /** Set only when an approver approved this very request: it then runs without asking again (guardrails still apply). */
  approved?: boolean;
}

export type ScaleRequestResult =
  | { ok: true; operation: ScaleOperation; repeated: boolean }
  /** Over the target's approval threshold: stored and posted for an approver; nothing was changed yet. */
  | { ok: false; approval: ScaleApproval; repeated: boolean }
  | { ok: false; refusal: Pick<GuardrailRefusal, 'rule' | 'message'> }
  | { ok: false; problem: string };

/** Asks for a change of capacity. Stores it (or the refusal) before any call that changes the cloud. */
export async function requestScale(deps: ScalingDeps, request: ScaleRequest): Promise<ScaleRequestResult> {
  const found = findScaleTarget(deps.targets, request.targetName);
  if (!found.ok) return { ok: false, problem: found.message };
  const target = found.target;
  const amount = parseScaleAmount(request.amount);
  if (!amount.ok) return { ok: false, problem: amount.error };
  const key = scaleRequestKey({
    incidentId: request.incidentId,
    target: target.name,
    change: request.amount.trim(),
    clickId: request.clickId,
  });
  const earlier = await deps.store.scaleOperations.findByRequestKey(key);
  if (earlier) return { ok: true, operation: earlier, repeated: true };
  if (!request.approved) {
    const asked = await deps.store.scaleApprovals.findByRequestKey(key);
    if (asked) return { ok: false, approval: asked, repeated: true };
  }

  // Everything that can refuse without asking the cloud goes first: someone who may not scale costs no cloud call.
  const userGroups = await groupsOf(deps.chat, target, request.actor.id);
  const early = checkBeforeCapacity({
    target,
    change: amount.change,
    actor: { userId: request.actor.id, userGroups },
    lastOperation: await deps.store.scaleOperations.latestForTarget(target.name),
    now: deps.clock.now(),
  });
  if (!early.ok) {
    const now = deps.clock.now();
    await deps.store.transaction((tx) =>
      appendEvent(
        tx,
        request.incidentId,
        scaleTimelineEvents.refused({ target: target.name, requestedBy: request.actor, refusal: early, now }),
        now,
      ),
    );
    return { ok: false, refusal: early };
  }

  let capacity: Capacity;
  try {
    capacity = await deps.cloud.capacity(target);
  } catch (error) {
    return {
      ok: false,
      problem: `could not read ${target.name}'s capacity (${errorMessage(error)}); nothing was changed`,
    };
  }

  const now = deps.clock.now();
  let result: ScaleRequestResult;
  try {
    result = await deps.store.transaction(async (tx): Promise<ScaleRequestResult> => {
      const again = await tx.scaleOperations.findByRequestKey(key);
      if (again) return { ok: true, operation: again, repeated: true };
      const decision = checkGuardrails({
        target,
        current: capacity.desired,
        change: amount.change,
        actor: { userId: request.actor.id, userGroups },
        lastOperation: await tx.scaleOperations.latestForTarget(target.name),
        now,
      });
      await recordCapacity(tx, request.incidentId, target.name, snapshot(capacity, now), now);
      if (!decision.ok) {
        await appendEvent(
          tx,
          request.incidentId,
          scaleTimelineEvents.refused({ target: target.name, requestedBy: request.actor, refusal: decision, now }),
          now,
        );
        return { ok: false, refusal: decision };
      }
      if (!request.approved && needsApproval(target.approval, decision.from, decision.to)) {
        const again = await tx.scaleApprovals.findByRequestKey(key);
        if (again) return { ok: false, approval: again, repeated: true };
        const incident = request.incidentId === null ? null : await tx.incidents.findById(request.incidentId);
        const channelId = request.channelId || incident?.channelId;
        if (!channelId)
          return {
            ok: false,
            problem: `scaling ${target.name} to ${decision.to} needs approval, and there is no channel to ask in`,
          };
        const approval = await storeApprovalRequest(
          tx,
          {
            rule: target.approval,
            incidentId: request.incidentId,
            target: target.name,
            amount: request.amount.trim(),
            clickId: request.clickId,
            requestKey: key,
            from: decision.from,
            to: decision.to,
            reason: request.reason ?? null,
            requestedBy: request.actor,
            channelId,
          },
          now,
        );
        return { ok: false, approval, repeated: false };
      }
      const operation = await tx.scaleOperations.insert({
        incidentId: request.incidentId,
        target: target.name,
        requestedBy: request.actor,
        requestKey: key,
        from: decision.from,
        to: decision.to,
        reason: request.reason ?? null,
        status: 'requested',
        instanceIds: [],
        error: null,
        requestedAt: now,
        startedAt: null,
        finishedAt: null,
      });
      await appendEvent(tx, request.incidentId, scaleTimelineEvents.requested(operation), now);
      await tx.outbox.enqueue(
        {
          kind: SCALE_JOB.execute,
          incidentId: request.incidentId,
          payload: { lane: targetLane(target.name), operationId: operation.id },
        },
        now,
      );
      return { ok: true, operation, repeated: false };
    });
  } catch (error) {
    // Two requests raced: the same click twice (same key), or two for one target (one active at a time).
    if (!isFirebreakError(error, 'STORE_CONFLICT')) throw error;
    const winner = await deps.store.scaleOperations.findByRequestKey(key);
    if (winner) return { ok: true, operation: winner, repeated: true };
    const asked = request.approved ? null : await deps.store.scaleApprovals.findByRequestKey(key);
    if (asked) return { ok: false, approval: asked, repeated: true };
    const active = await deps.store.scaleOperations.latestForTarget(target.name);
    return {
      ok: false,
      refusal: {
        rule: 'in_progress',
        message: `${target.name} is being scaled right now${active ? ` (operation #${active.id})` : ''}; wait for it to finish`,
      },
    };
  }
  if ((result.ok || 'approval' in result) && !result.repeated) deps.wakeOutbox();
  return result;
}

async function groupsOf(chat: Chat, target: ScaleTarget, userId: string): Promise<string[]> {
  const groups: string[] = [];
  for (const handle of target.allowedUserGroups) {
    const members = await chat.userGroupMembers(handle);
    if (members?.includes(userId)) groups.push(handle);
  }
  return groups;
}

/** On a new incident: read the capacity of the targets its card will offer, so the card shows it. */
export function scalingOnOpen(targets: readonly ScaleTarget[]) {
  return async (tx: StoreTransaction, incident: Incident, now: Date): Promise<void> => {
    for (const target of targetsForIncident(targets, incident)) {
      await tx.outbox.enqueue(
        {
          kind: SCALE_JOB.observe,
          incidentId: incident.id,
          coalesceKey: `observe:${incident.id}:${target.name}`,
          payload: { lane: targetLane(target.name), target: target.name },
        },
        now,
      );
    }
  };
}

/** Which of a target's instances Firebreak launched, newest first: the only ones scale-in may choose to stop. */
function ourInstances(capacity: Capacity): string[] {
  return capacity.instances
    .filter((i) => i.tags['firebreak:operation'] !== undefined && (i.state === 'pending' || i.state === 'running'))
    .sort((a, b) => (b.launchedAt?.getTime() ?? 0) - (a.launchedAt?.getTime() ?? 0))
    .map((i) => i.id);
}

export function scalingHandlers(deps: ScalingDeps): Record<string, JobHandler> {
  const { store, clock, cloud } = deps;
  const targetNamed = (name: string): ScaleTarget | undefined => deps.targets.find((t) => t.name === name);

  async function finish(
    op: ScaleOperation,
    changes: Partial<ScaleOperation>,
    draft: TimelineEventDraft,
  ): Promise<void> {
    const now = clock.now();
    await store.transaction(async (tx) => {
      await tx.scaleOperations.update(op.id, { ...changes, finishedAt: now });
      await appendEvent(tx, op.incidentId, draft, now);
    });
  }

  const execute: JobHandler = async (job) => {
    const op = await store.scaleOperations.findById(Number(job.payload.operationId));
    if (op?.status !== 'requested') return skipped('operation already under way or finished');
    const target = targetNamed(op.target);
    if (!target) {
      await finish(
        op,
        { status: 'failed', error: { code: 'UnknownTarget', message: `${op.target} is no longer in the policy` } },
        scaleTimelineEvents.failed(
          op,
          { code: 'UnknownTarget', message: `${op.target} is no longer in the policy` },
          clock.now(),
        ),
      );
      return sent(`scale operation #${op.id} refused: ${op.target} is no longer a target`);
    }
    let instanceIds: string[] = [];
    try {
      // Scale-in stops only what Firebreak started, newest first; never someone else's instances. The choice is
      // stored before the call, so a retry (lost answer, restart) stops the same ones, not more. A cloud that
      // picks for itself (a group) has none of ours to offer and ignores the list.
      let remove = op.instanceIds;
      if (op.to < op.from && remove.length === 0) {
        remove = ourInstances(await cloud.capacity(target)).slice(0, op.from - op.to);
        if (remove.length > 0) await store.scaleOperations.update(op.id, { instanceIds: remove });
      }
      ({ instanceIds } = await cloud.resize(target, {
        from: op.from,
        to: op.to,
        key: op.requestKey,
        tags: {
          'firebreak:incident': op.incidentId === null ? 'none' : `INC-${op.incidentId}`,
          'firebreak:operation': String(op.id),
        },
        remove: op.to < op.from ? remove : [],
      }));
    } catch (error) {
      if (isFirebreakError(error, 'CLOUD_DRY_RUN_OK')) {
        await finish(
          op,
          { status: 'dry_run' },
          {
            at: clock.now(),
            type: 'scale.completed',
            actor: op.requestedBy,
            data: { target: op.target, capacity: op.from, dryRun: true, message: error.message },
          },
        );
        return sent(`dry run on ${op.target}: ${error.message}`);
      }
      if (isFirebreakError(error, 'CLOUD_REJECTED')) {
        const failure = { code: error.details.providerError ?? 'Rejected', message: error.message };
        await finish(op, { status: 'failed', error: failure }, scaleTimelineEvents.failed(op, failure, clock.now()));
        return sent(`the cloud refused scale operation #${op.id} on ${op.target}: ${error.message}`);
      }
      // Throttled or unavailable: the outbox retries (the same key keeps it to one change), but not silently and
      // not for long: the card says the cloud is failing, and after SCALE_CLOUD_GIVE_UP_MS the operation stops.
      return failedTry(op, job, error);
    }
    const now = clock.now();
    await store.transaction(async (tx) => {
      const started = await tx.scaleOperations.update(op.id, {
        status: 'started',
        instanceIds,
        startedAt: now,
        error: null, // no longer failing: the card stops saying so
      });
      await appendEvent(tx, op.incidentId, scaleTimelineEvents.started(started, now), now);
      await tx.outbox.enqueue(
        {
          kind: SCALE_JOB.watch,
          incidentId: op.incidentId,
          payload: { lane: `${targetLane(op.target)}:watch`, operationId: op.id },
          notBefore: new Date(now.getTime() + WATCH_EVERY_MS / 2),
        },
        now,
      );
    });
    return sent(
      `scale operation #${op.id}: ${op.target} ${op.from} → ${op.to} started${instanceIds.length ? ` (${instanceIds.join(', ')})` : ''}`,
    );
  };

  /** A retryable failure of an operation's cloud call: shown once per change, given up after the bound. */
  async function failedTry(op: ScaleOperation, job: OutboxJob, error: unknown): Promise<JobOutcome> {
    const now = clock.now();
    const outcome = cloudFailure({
      op,
      code: isFirebreakError(error) ? (error.details.providerError ?? error.code) : 'Error',
      message: scrubSecrets(errorMessage(error)),
      tries: job.attempts + 1,
      firstTryAt: job.createdAt,
      now,
    });
    if (outcome.kind === 'same') throw error;
    if (outcome.kind === 'show') {
      await store.transaction(async (tx) => {
        const shown = await tx.scaleOperations.updateIf(op.id, 'requested', { error: outcome.error });
        if (shown && op.incidentId !== null) await enqueueCardUpdate(tx, op.incidentId, now);
      });
      throw error;
    }
    // Only while still not started: a late answer to an earlier try that started it is never overwritten.
    const failed = await store.transaction(async (tx) => {
      const updated = await tx.scaleOperations.updateIf(op.id, 'requested', {
        status: 'failed',
        error: outcome.error,
        finishedAt: now,
      });
      if (!updated) return null;
      await appendEvent(tx, op.incidentId, scaleTimelineEvents.failed(op, outcome.error, now), now);
      if (op.incidentId !== null)
        await tx.outbox.enqueue(
          {
            kind: SCALE_JOB.gaveUp,
            incidentId: op.incidentId,
            payload: { lane: incidentLane(op.incidentId), operationId: op.id },
          },
          now,
        );
      return updated;
    });
    if (!failed) return skipped(`scale operation #${op.id} moved on while its cloud call was failing`);
    return sent(`scale operation #${op.id} on ${op.target} given up: ${outcome.error.message}`);
  }

  const watch: JobHandler = async (job) => {
    const op = await store.scaleOperations.findById(Number(job.payload.operationId));
    if (op?.status !== 'started') return skipped('operation not in progress');
    const target = targetNamed(op.target);
    if (!target) return skipped(`${op.target} is no longer a target`);
    const capacity = await cloud.capacity(target);
    const now = clock.now();
    const done = reached(op, capacity);
    await store.transaction(async (tx) => {
      await recordCapacity(tx, op.incidentId, op.target, snapshot(capacity, now), now);
      if (done) {
        await tx.scaleOperations.update(op.id, { status: 'completed', finishedAt: now });
        await appendEvent(tx, op.incidentId, scaleTimelineEvents.completed(op, now, capacity.running), now);
      }
    });
    if (done) return sent(`${op.target} reached ${capacity.running} running (operation #${op.id})`);
    if (now.getTime() - (op.startedAt ?? op.requestedAt).getTime() > WATCH_GIVE_UP_MS) {
      const failure = {
        code: 'Timeout',
        message: `${op.target} did not reach ${op.to} within ${WATCH_GIVE_UP_MS / 60_000} minutes (${capacity.running} running)`,
      };
      await finish(op, { status: 'failed', error: failure }, scaleTimelineEvents.failed(op, failure, now));
      return sent(failure.message);
    }
    return deferred(`waiting for ${op.target} to reach ${op.to}`, new Date(now.getTime() + WATCH_EVERY_MS));
  };

  const observe: JobHandler = async (job) => {
    const target = targetNamed(String(job.payload.target));
    if (!target || job.incidentId === null) return skipped('no such target');
    const now = clock.now();
    let value: CapacitySnapshot;
    try {
      value = snapshot(await cloud.capacity(target), now);
    } catch (error) {
      value = {
        running: 0,
        pending: 0,
        desired: 0,
        checkedAt: now,
        error: `could not reach the cloud (${isFirebreakError(error) ? error.code : 'error'})`,
      };
    }
    await store.transaction((tx) => recordCapacity(tx, job.incidentId, target.name, value, now));
    return sent(`read ${target.name}'s capacity: ${value.error ?? `${value.running} running`}`);
  };

  const gaveUp: JobHandler = async (job) => {
    const op = await store.scaleOperations.findById(Number(job.payload.operationId));
    const incident = job.incidentId === null ? null : await store.incidents.findById(job.incidentId);
    if (!op || !incident) return skipped('no such operation or incident');
    if (!incident.channelId)
      return deferred('waiting for the incident channel', new Date(clock.now().getTime() + CHANNEL_RECHECK_MS));
    const text = `:x: Gave up scaling ${op.target} ${op.from} → ${op.to} (operation #${op.id}): ${op.error?.message ?? 'the cloud kept failing'}.`;
    await postMarkedOnce(
      deps,
      job,
      { channel: incident.channelId },
      { kind: 'text', text },
      { kind: 'scale_operation', incidentId: incident.id, key: String(op.id) },
    );
    return sent(`said in #${incident.channelName} that scale operation #${op.id} was given up`);
  };

  return {
    [SCALE_JOB.execute]: execute,
    [SCALE_JOB.watch]: watch,
    [SCALE_JOB.observe]: observe,
    [SCALE_JOB.gaveUp]: gaveUp,
  };
}

/**
 * Whether the cloud shows the operation done: the instances it named started (running) or stopped (gone); when it
 * named none (a group resized to a count), the count at `to`.
 */
function reached(op: ScaleOperation, capacity: Capacity): boolean {
  const growing = op.to > op.from;
  if (op.instanceIds.length === 0)
    return growing ? capacity.running >= op.to && capacity.pending === 0 : capacity.running + capacity.pending <= op.to;
  const states = new Map(capacity.instances.map((i) => [i.id, i.state]));
  return growing
    ? op.instanceIds.every((id) => states.get(id) === 'running')
    : op.instanceIds.every((id) => !states.has(id));
}
