// When an incident in which people scaled a target out by hand resolves, its load over the incident is read once
// from the target's watch and recorded on the timeline (`capacity.load_observed`), with the instances serving it
// and where the target's capacity lives, so the postmortem can propose the auto-scaling policy that would have
// done it — from stored facts, however often it is redrafted and whether or not the metrics source remembers.
import { FIREBREAK } from '../domain/actor';
import {
  type CapacityHome,
  instancesOver,
  type LoadObservation,
  manuallyScaledTargets,
  observeLoad,
} from '../domain/capacity/load-observation';
import type { Incident } from '../domain/incident';
import type { ScaleTarget } from '../domain/scale-target';
import { forIncident, type TimelineEvent } from '../domain/timeline';
import { sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { Clock } from '../ports/clock';
import type { Metrics } from '../ports/metrics';
import type { Store, StoreTransaction } from '../ports/store';
import { incidentLane } from './outbox-jobs';

export const CAPACITY_OBSERVE_JOB = 'capacity.observe_load';

/** Read from this long before the first alert: the rise that led to it belongs to the picture. */
const LEAD_MS = 30 * 60_000;
/** Prometheus answers at most 11,000 points a query; a long incident is read at a coarser step. */
const MAX_POINTS = 10_000;

export interface CapacityObservationDeps {
  store: Store;
  clock: Clock;
  metrics: Metrics;
  targets: readonly ScaleTarget[];
  /** Where a target's capacity lives, as its provider describes it; null when the provider cannot say. */
  homeOf(target: ScaleTarget): CapacityHome | null;
}

/**
 * In the transaction that resolves an incident, before the postmortem's job (same lane, so it runs first and the
 * posted draft has the proposal): observe the load, when anything was scaled during the incident.
 */
export async function capacityObservationOnChange(
  tx: StoreTransaction,
  before: Incident,
  after: Incident,
  now: Date,
): Promise<void> {
  if (before.status === 'resolved' || after.status !== 'resolved') return;
  if (!(await tx.timeline.latestOfTypes(after.id, ['scale.requested']))) return;
  await tx.outbox.enqueue(
    {
      kind: CAPACITY_OBSERVE_JOB,
      incidentId: after.id,
      coalesceKey: `capacity-load:${after.id}`,
      payload: { lane: incidentLane(after.id) },
    },
    now,
  );
}

/** Seconds between points: a minute, or coarser so the window stays within one query's points. */
export function observationStep(start: Date, end: Date): number {
  const seconds = (end.getTime() - start.getTime()) / 1000;
  return Math.max(60, Math.ceil(seconds / MAX_POINTS / 60) * 60);
}

async function observe(
  deps: CapacityObservationDeps,
  incident: Incident,
  events: readonly TimelineEvent[],
  target: ScaleTarget,
  window: { start: Date; end: Date; firstAlertAt: Date | null },
): Promise<LoadObservation> {
  const observation: LoadObservation = {
    target: target.name,
    home: deps.homeOf(target),
    windowStart: window.start.toISOString(),
    windowEnd: window.end.toISOString(),
  };
  const watch = target.watch;
  if (!watch) return observation;
  observation.watch = {
    query: watch.query,
    perInstance: watch.perInstance,
    targetUtilization: watch.targetUtilization,
  };
  const read = await deps.metrics.read(watch.query, {
    start: window.start,
    end: window.end,
    stepSeconds: observationStep(window.start, window.end),
  });
  if (!read.ok) return { ...observation, unavailable: read.reason };
  if (read.points.length === 0) return { ...observation, unavailable: 'the source has no data for the incident' };
  const instancesAt = instancesOver(events, target.name, incident.capacity?.[target.name]?.desired ?? null);
  return { ...observation, ...observeLoad(read.points, instancesAt, window.firstAlertAt) };
}

export function capacityObservationHandlers(deps: CapacityObservationDeps): Record<string, JobHandler> {
  const handle: JobHandler = async (job) => {
    if (job.incidentId === null) return skipped('no incident');
    const incident = await deps.store.incidents.findById(job.incidentId);
    if (!incident) return skipped('incident not found');
    if (incident.status !== 'resolved') return skipped('the incident was reopened; observed when it resolves again');
    const events = await deps.store.timeline.list(incident.id);
    const end = incident.resolvedAt ?? deps.clock.now();
    const firstAlertAt = events.find((e) => e.type === 'alert.fired')?.at ?? null;
    const start = new Date((firstAlertAt ?? incident.openedAt).getTime() - LEAD_MS);
    // Once per target and resolution: a job run twice (a lost acknowledgement) records nothing more.
    const done = new Set(
      events
        .filter((e) => e.type === 'capacity.load_observed' && e.data.windowEnd === end.toISOString())
        .map((e) => (e.type === 'capacity.load_observed' ? e.data.target : '')),
    );
    const targets = manuallyScaledTargets(events)
      .filter((name) => !done.has(name))
      .map((name) => deps.targets.find((t) => t.name === name))
      .filter((t): t is ScaleTarget => t !== undefined);
    if (targets.length === 0) return skipped('no target scaled out by hand left to observe');

    const observations: LoadObservation[] = [];
    for (const target of targets)
      observations.push(await observe(deps, incident, events, target, { start, end, firstAlertAt }));
    const now = deps.clock.now();
    await deps.store.transaction(async (tx) => {
      for (const data of observations)
        await tx.timeline.append(
          forIncident({ at: now, type: 'capacity.load_observed', actor: FIREBREAK, data }, incident.id),
        );
    });
    return sent(
      `noted the load of ${observations.map((o) => (o.peak ? `${o.target} (peak ${o.peak.load})` : `${o.target}${o.unavailable ? ` (${o.unavailable})` : ' (no watch)'}`)).join(', ')} for the postmortem`,
    );
  };
  return { [CAPACITY_OBSERVE_JOB]: handle };
}
