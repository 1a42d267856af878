// The capacity watcher (issue 17): a stored `capacity.watch` job per watched scale target, which looks once
// (capacity from the cloud, load from the metrics source, forecast, plan), decides what that does to the
// target's warning (domain/capacity/capacity-warning.ts), stores it, and defers itself to the next interval. One
// job per target (its coalesce key): with several replicas exactly one runs each look, and a restart keeps it.
// The warning is posted and edited in the announcements channel by jobs of the announcements lane (the channel's
// write pace), and its "Scale out +N" goes through the ordinary scaling flow, guardrails and approval included.
import { FIREBREAK, type UserActor } from '../domain/actor';
import {
  decideWarning,
  warningNumbers,
  type CapacityWarning,
  type WarningLook,
} from '../domain/capacity/capacity-warning';
import { channelRefused } from '../domain/incident';
import type { ScaleTarget } from '../domain/scale-target';
import { SEVERITIES } from '../domain/severity';
import { errorMessage, isFirebreakError } from '../errors';
import { deferred, sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { Chat } from '../ports/chat';
import type { Cloud } from '../ports/cloud';
import type { Clock } from '../ports/clock';
import type { MetricQuery, Metrics } from '../ports/metrics';
import type { Store, StoreTransaction } from '../ports/store';
import { checkCapacity } from './capacity-check';
import { ANNOUNCE_LANE, CHANNEL_RECHECK_MS, incidentLane } from './outbox-jobs';
import { postMarkedOnce } from './post-once';
import { requestScale, type ScaleRequestResult, type ScalingDeps } from './scaling';
import { declare, type IncidentFlowDeps } from './update-incident';

export const WATCH_JOB = {
  watch: 'capacity.watch',
  post: 'capacity.warning_post',
  update: 'capacity.warning_update',
} as const;

/** Whether each watched target's source answered at its latest look, for logs, a gauge and readiness details. */
export class CapacitySources {
  private readonly states = new Map<string, { up: boolean; problem: string | null }>();

  constructor(private readonly onChange: (target: string, up: boolean, problem: string | null) => void) {}

  /** Records a look; tells `onChange` only when the state changed (so a source down for an hour is logged once). */
  record(target: string, problem: string | null): void {
    const before = this.states.get(target);
    const up = problem === null;
    this.states.set(target, { up, problem });
    if (!before ? !up : before.up !== up || (!up && before.problem !== problem)) this.onChange(target, up, problem);
  }

  list(): Array<{ target: string; up: boolean; problem: string | null }> {
    return [...this.states].map(([target, s]) => ({ target, ...s }));
  }
}

export interface CapacityWatchDeps {
  store: Store;
  clock: Clock;
  chat: Chat;
  /** Null when no scale target is configured: then only the warnings' messages are handled (closing old ones). */
  cloud: Cloud | null;
  targets: readonly ScaleTarget[];
  /** The adapter that reads a query's source (configured at start for every watched target's source). */
  /** The metrics sources, by the query's `source` (one router over Prometheus and CloudWatch). */
  metrics: Metrics;
  /** The announcements channel (INCIDENTS_CHANNEL), where warnings are posted. */
  announceChannel: string;
  /** The signed link to a warning's chart page, or null when links cannot be made. */
  chartLink(warningId: number): string | null;
  sources: CapacitySources;
  /** How a capacity incident is declared, for targets whose watch has `offer: incident`. */
  incidents: IncidentFlowDeps;
  wakeOutbox(): void;
}

function watchLane(target: string): string {
  return `capacity:${target}`;
}

/** The target's one watch job: a second seeding (a restart, another replica) is absorbed by the pending one. */
async function enqueueWatch(tx: StoreTransaction, target: string, at: Date, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: WATCH_JOB.watch,
      coalesceKey: `capacity-watch:${target}`,
      payload: { lane: watchLane(target), target },
      notBefore: at,
    },
    now,
  );
}

/**
 * At start: one watch job per watched target, due now (idempotent: a pending one stays as it is). A warning
 * left open for a target no longer watched (the policy changed) is closed as superseded, and its message says so.
 */
export async function seedCapacityWatches(
  deps: Pick<CapacityWatchDeps, 'store' | 'clock' | 'targets'>,
): Promise<string[]> {
  const watched = deps.targets.filter((t) => t.watch !== undefined).map((t) => t.name);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    for (const target of watched) await enqueueWatch(tx, target, now, now);
    for (const orphan of await tx.capacityWarnings.listOpen()) {
      if (watched.includes(orphan.target)) continue;
      const closed = await tx.capacityWarnings.update(orphan.id, {
        state: 'closed',
        closedAt: now,
        updatedAt: now,
        closeReason: 'superseded',
      });
      await enqueueWarningUpdate(tx, closed, now);
    }
  });
  return watched;
}

/** Its message shares its channel's pace: the announcements channel's, or its capacity incident's. */
function warningLane(warning: Pick<CapacityWarning, 'incidentId'>): string {
  return warning.incidentId !== null ? incidentLane(warning.incidentId) : ANNOUNCE_LANE;
}

async function enqueueWarningPost(tx: StoreTransaction, warning: CapacityWarning, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: WATCH_JOB.post,
      incidentId: warning.incidentId,
      coalesceKey: `capacity-warning-post:${warning.id}`,
      payload: { lane: warningLane(warning), warningId: warning.id },
    },
    now,
  );
}

/** One pending edit per warning: looks and clicks in between become one edit showing the latest. */
async function enqueueWarningUpdate(tx: StoreTransaction, warning: CapacityWarning, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: WATCH_JOB.update,
      incidentId: warning.incidentId,
      coalesceKey: `capacity-warning:${warning.id}`,
      payload: { lane: warningLane(warning), warningId: warning.id },
    },
    now,
  );
}

/** Stores what one look decided; true when a message job was queued. */
async function applyLook(deps: CapacityWatchDeps, target: ScaleTarget, look: WarningLook, now: Date): Promise<string> {
  try {
    return await deps.store.transaction(async (tx) => {
      const open = await tx.capacityWarnings.findOpen(target.name);
      const decision = decideWarning(target.name, open, look, now);
      switch (decision.action) {
        case 'none':
          return open ? `warning #${open.id} unchanged` : 'no warning';
        case 'open': {
          let warning = await tx.capacityWarnings.insert(decision.warning);
          // `offer: incident`: a low-severity capacity incident, declared in the same transaction (the store
          // joins it), whose channel the warning is posted in.
          if (target.watch?.offer === 'incident') {
            const n = warning.numbers;
            const incident = await declare(
              deps.incidents,
              {
                title: `Capacity: ${target.name} needs ${n.needed} instances (has ${n.instances}) within ${n.lookaheadMinutes} min`,
                severity: SEVERITIES[SEVERITIES.length - 1] ?? 'sev4',
                service: target.services[0] ?? target.name,
              },
              FIREBREAK,
            );
            warning = await tx.capacityWarnings.update(warning.id, { incidentId: incident.id });
          }
          await enqueueWarningPost(tx, warning, now);
          return `opened capacity warning #${warning.id}${warning.incidentId !== null ? ` and INC-${warning.incidentId}` : ''}`;
        }
        case 'update':
        case 'close': {
          const changed = await tx.capacityWarnings.update((open as CapacityWarning).id, decision.changes);
          if (decision.action === 'close' || decision.edit) await enqueueWarningUpdate(tx, changed, now);
          return `${decision.action === 'close' ? 'closed' : 'updated'} capacity warning #${changed.id}`;
        }
      }
    });
  } catch (error) {
    // Another replica opened the target's warning a moment ago (one open per target): the next look updates it.
    if (isFirebreakError(error, 'STORE_CONFLICT')) return 'another look opened the warning first';
    throw error;
  }
}

function sourceName(query: MetricQuery): string {
  return query.source === 'prometheus' ? 'Prometheus' : 'CloudWatch';
}

export function capacityWatchHandlers(deps: CapacityWatchDeps): Record<string, JobHandler> {
  const { store, clock, cloud } = deps;

  /** One look: the target's instances (desired) from the cloud, then the load, its forecast and the plan. */
  async function lookAt(
    target: ScaleTarget,
    spec: NonNullable<ScaleTarget['watch']>,
  ): Promise<WarningLook & { source?: boolean }> {
    let instances: number;
    try {
      if (!cloud) throw new Error('no cloud is configured');
      instances = (await cloud.capacity(target)).desired;
    } catch (error) {
      return {
        kind: 'unread',
        problem: `could not read ${target.name}'s capacity from the cloud (${errorMessage(error)})`,
      };
    }
    const check = await checkCapacity({ metrics: deps.metrics, clock }, { watch: spec, instances, max: target.max });
    if (check.outcome === 'planned')
      return { kind: 'planned', plan: check.plan, numbers: warningNumbers(check.plan, instances, spec, check.at) };
    const problem =
      check.outcome === 'no-data' ? `${sourceName(spec.query)} has no recent points for the query` : check.reason;
    return { kind: 'unread', problem, source: true };
  }

  const watch: JobHandler = async (job) => {
    const target = deps.targets.find((t) => t.name === job.payload.target);
    const spec = target?.watch;
    // A target taken out of the policy (or its watch): the job stops; its open warning, if any, is closed.
    if (!target || !spec) return skipped(`${String(job.payload.target)} is no longer watched`);
    const started = clock.now();
    const look = await lookAt(target, spec);
    deps.sources.record(target.name, look.kind === 'unread' && look.source ? look.problem : null);
    const did = await applyLook(deps, target, look, clock.now());
    if (did.startsWith('opened') || did.startsWith('updated') || did.startsWith('closed')) deps.wakeOutbox();
    return deferred(
      `${target.name}: ${did}; next look in ${spec.intervalSeconds} s`,
      new Date(started.getTime() + spec.intervalSeconds * 1000),
    );
  };

  const render = (warning: CapacityWarning) => ({
    kind: 'capacity_warning' as const,
    warning,
    now: clock.now(),
    chartUrl: deps.chartLink(warning.id),
  });

  const post: JobHandler = async (job) => {
    const warning = await store.capacityWarnings.findById(Number(job.payload.warningId));
    if (!warning) return skipped('no such capacity warning');
    if (warning.messageId) return skipped('already posted');
    // A capacity incident's warning goes in its channel once there is one (or here, if it will have none).
    let channel = deps.announceChannel;
    if (warning.incidentId !== null) {
      const incident = await store.incidents.findById(warning.incidentId);
      if (incident?.channelId) channel = incident.channelId;
      else if (incident && !channelRefused(incident))
        return deferred(
          'waiting for the capacity incident channel',
          new Date(clock.now().getTime() + CHANNEL_RECHECK_MS),
        );
    }
    // Marked, so that a retry after a crash or a lost answer finds the warning instead of posting it twice.
    const { posted, found } = await postMarkedOnce(deps, job, { channel }, render(warning), {
      kind: 'capacity_warning',
      incidentId: 0,
      key: String(warning.id),
    });
    await store.capacityWarnings.update(warning.id, { channelId: posted.channelId, messageId: posted.messageId });
    // What changed while it was being posted (a later look, a click) is shown by one edit after.
    const fresh = await store.capacityWarnings.findById(warning.id);
    if (fresh && fresh.updatedAt.getTime() !== warning.updatedAt.getTime())
      await store.transaction((tx) => enqueueWarningUpdate(tx, fresh, clock.now()));
    return sent(
      found
        ? `found capacity warning #${warning.id} posted before a restart`
        : `posted capacity warning #${warning.id} for ${warning.target}${warning.incidentId !== null ? ` in INC-${warning.incidentId}'s channel` : ` in #${deps.announceChannel}`}`,
    );
  };

  const update: JobHandler = async (job) => {
    const warning = await store.capacityWarnings.findById(Number(job.payload.warningId));
    if (!warning?.channelId || !warning.messageId) return skipped('not posted yet: the post shows the current state');
    await deps.chat.updateMessage({ channelId: warning.channelId, messageId: warning.messageId }, render(warning));
    return sent(`capacity warning #${warning.id} now shows the look of ${warning.numbers.at.toISOString()}`);
  };

  return { [WATCH_JOB.watch]: watch, [WATCH_JOB.post]: post, [WATCH_JOB.update]: update };
}

export type CapacityScaleOutResult =
  | { ok: true; warning: CapacityWarning; result: ScaleRequestResult }
  | { ok: false; problem: string };

/**
 * "Scale out +N" on a warning, as clicked by `actor`: the ordinary scaling flow, keyed by the warning and the offer
 * shown (a double click, a Slack retry or two people clicking the same offer make one request). A closed warning
 * offers nothing any more.
 */
export async function scaleOutFromWarning(
  deps: ScalingDeps,
  input: { warningId: number; offer: number; count: number; actor: UserActor },
): Promise<CapacityScaleOutResult> {
  const warning = await deps.store.capacityWarnings.findById(input.warningId);
  if (!warning) return { ok: false, problem: `there is no capacity warning #${input.warningId}` };
  if (warning.state !== 'open')
    return {
      ok: false,
      problem: `this capacity warning for ${warning.target} closed${warning.closeReason === 'load_fell' ? ' when the load fell back' : ''}; nothing was changed (\`/scale ${warning.target} +N\` still works)`,
    };
  const result = await requestScale(deps, {
    targetName: warning.target,
    amount: `+${input.count}`,
    actor: input.actor,
    // A capacity incident's scale-out is its own: on its card and timeline.
    incidentId: warning.incidentId,
    clickId: `capacity-warning-${warning.id}-offer-${input.offer}`,
    reason: `capacity warning #${warning.id}: forecast needs ${warning.numbers.needed} instances`,
    ...(warning.channelId ? { channelId: warning.channelId } : {}),
  });
  const now = deps.clock.now();
  const outcome =
    result.ok && !result.repeated
      ? { kind: 'scaled' as const, by: input.actor, amount: input.count, operationId: result.operation.id, at: now }
      : !result.ok && 'approval' in result && !result.repeated
        ? {
            kind: 'approval_requested' as const,
            by: input.actor,
            amount: input.count,
            approvalId: result.approval.id,
            at: now,
          }
        : null;
  if (!outcome) return { ok: true, warning, result };
  const updated = await deps.store.transaction(async (tx) => {
    const changed = await tx.capacityWarnings.update(warning.id, { outcome, offer: warning.offer + 1, updatedAt: now });
    await enqueueWarningUpdate(tx, changed, now);
    return changed;
  });
  deps.wakeOutbox();
  return { ok: true, warning: updated, result };
}
