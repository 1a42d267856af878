// What a scale target's load was during an incident, read once when it resolves and kept on the timeline
// (`capacity.load_observed`), so the postmortem's auto-scaling proposal is drawn from the stored timeline like the
// rest of it, not from a metrics source that may have forgotten the incident (or be down) when someone redrafts.
import type { TimelineEvent } from '../timeline';
import type { LoadMoment, LoadObservation } from './observed-load';
import type { MetricPoint } from './series';

export type { CapacityHome, LoadMoment, LoadObservation } from './observed-load';

/** A scale request made by a person (card button, `/scale`, an approved request) that adds capacity. */
function isManualScaleOut(event: TimelineEvent): event is TimelineEvent & { type: 'scale.requested' } {
  return (
    event.type === 'scale.requested' &&
    event.actor.kind === 'user' &&
    (event.data.from === undefined || event.data.to > event.data.from)
  );
}

/** The targets a person scaled out during the incident, in the order they were first scaled. */
export function manuallyScaledTargets(events: readonly TimelineEvent[]): string[] {
  return [...new Set(events.filter(isManualScaleOut).map((e) => e.data.target))];
}

/**
 * The target's instance count at any moment of the incident, from its scale events: the capacity its last
 * completed operation reached, else what the first request started from, else `fallback` (the card's snapshot).
 */
export function instancesOver(
  events: readonly TimelineEvent[],
  target: string,
  fallback: number | null,
): (at: Date) => number | null {
  const completed = events
    .filter(
      (e): e is TimelineEvent & { type: 'scale.completed' } =>
        e.type === 'scale.completed' && e.data.target === target && !e.data.dryRun,
    )
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const firstRequest = events.find(
    (e): e is TimelineEvent & { type: 'scale.requested' } => e.type === 'scale.requested' && e.data.target === target,
  );
  const before = firstRequest?.data.from ?? fallback;
  return (at) => {
    let count = before;
    for (const e of completed) if (e.at.getTime() <= at.getTime()) count = e.data.capacity;
    return count;
  };
}

function moment(point: MetricPoint, instances: number): LoadMoment {
  return {
    load: round(point.value),
    at: point.at.toISOString(),
    instances,
    loadPerInstance: round(point.value / instances),
  };
}

/** Loads are kept to two decimals: requests per second need no more, and the stored JSON stays readable. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * The peak (the first of equal highs) and the load at the first alert (the point nearest it), each with the
 * instances serving it; a moment whose instance count is unknown or zero is left out.
 */
export function observeLoad(
  points: readonly MetricPoint[],
  instancesAt: (at: Date) => number | null,
  firstAlertAt: Date | null,
): Pick<LoadObservation, 'peak' | 'atFirstAlert'> {
  const observed: Pick<LoadObservation, 'peak' | 'atFirstAlert'> = {};
  const peak = points.reduce<MetricPoint | undefined>(
    (best, p) => (!best || p.value > best.value ? p : best),
    undefined,
  );
  const peakInstances = peak ? instancesAt(peak.at) : null;
  if (peak && peakInstances) observed.peak = moment(peak, peakInstances);
  if (firstAlertAt) {
    const nearest = points.reduce<MetricPoint | undefined>(
      (best, p) =>
        !best ||
        Math.abs(p.at.getTime() - firstAlertAt.getTime()) < Math.abs(best.at.getTime() - firstAlertAt.getTime())
          ? p
          : best,
      undefined,
    );
    const instances = nearest ? instancesAt(nearest.at) : null;
    if (nearest && instances) observed.atFirstAlert = moment(nearest, instances);
  }
  return observed;
}
