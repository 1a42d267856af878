// After an incident in which people added capacity by hand: the auto-scaling policy that would have added it by
// itself, sized from what the incident showed. Pure; the figures come from the timeline (the scale events and the
// `capacity.load_observed` event recorded at resolution); src/web renders them as the cloud's own commands.
import type { TimelineEvent } from '../timeline';
import type { CapacityHome, LoadMoment, LoadObservation } from './observed-load';
import type { MetricQuery } from './series';

/** Average CPU to track when no load was measured: AWS's own example value, a starting point to tune. */
export const DEFAULT_CPU_TARGET = 50;

export interface AutoScalingProposal {
  target: string;
  home: CapacityHome | null;
  /**
   * `load`: target tracking on the watch's load per instance, its target value from the load each instance carried
   * when the first alert fired. `instances`: no load was measured (no watch, or its source failed): average CPU,
   * sized from the instances the incident needed.
   */
  basis: 'load' | 'instances';
  /** Load per instance to hold (the watch's unit), or average CPU %. */
  targetValue: number;
  minSize: number;
  maxSize: number;
  /** Instances before the first manual scale-out, and the most the incident reached. */
  before: number;
  needed: number;
  /** For `load`: the query tracked, the utilization aimed at, the per-instance capacity used and where it came from. */
  load?: {
    query: MetricQuery;
    targetUtilization: number;
    capacityPerInstance: number;
    /** `first alert`: the load per instance then (when not above the watch's); else the watch's perInstance. */
    capacitySource: 'first alert' | 'watch';
    /** The watch's own perInstance, to compare with what the incident showed. */
    watchPerInstance: number;
    peak: LoadMoment;
    atFirstAlert?: LoadMoment;
    /** Instances the peak needs at the target value: ceil(peak / targetValue). */
    peakNeeds: number;
  };
  /** For `instances`: why there is no load behind it, for people. */
  noLoadBecause?: string;
}

/** The latest observation of each target (a reopened incident resolved again is observed again). */
function latestObservations(events: readonly TimelineEvent[]): Map<string, LoadObservation> {
  const byTarget = new Map<string, LoadObservation>();
  for (const e of events) if (e.type === 'capacity.load_observed') byTarget.set(e.data.target, e.data);
  return byTarget;
}

function capacityFacts(events: readonly TimelineEvent[], target: string): { before: number; needed: number } | null {
  let before: number | undefined;
  let needed = 0;
  for (const e of events) {
    if (e.type === 'scale.requested' && e.data.target === target && before === undefined) before = e.data.from;
    if (e.type === 'scale.completed' && e.data.target === target && !e.data.dryRun)
      needed = Math.max(needed, e.data.capacity);
  }
  if (needed === 0 || before === undefined || needed <= before) return null;
  return { before, needed };
}

/**
 * One proposal per target that was scaled out by hand and observed at resolution, with a completed scale-out
 * that grew it. None without the observation: the section waits for it rather than guess where the target lives.
 */
export function proposeAutoScaling(events: readonly TimelineEvent[]): AutoScalingProposal[] {
  const proposals: AutoScalingProposal[] = [];
  for (const [target, observed] of latestObservations(events)) {
    const facts = capacityFacts(events, target);
    if (!facts) continue;
    const { before, needed } = facts;
    const minSize = Math.max(1, before);
    const common = { target, home: observed.home, before, needed, minSize };
    if (observed.watch && observed.peak) {
      // What overwhelmed the instances when the alert fired, but never more than the watch assumes: an alert that
      // came late (servers already failing) must not raise what one instance is trusted to carry.
      const alert = observed.atFirstAlert;
      const fromAlert =
        alert && alert.loadPerInstance > 0 && alert.loadPerInstance <= observed.watch.perInstance ? alert : undefined;
      const capacityPerInstance = fromAlert?.loadPerInstance ?? observed.watch.perInstance;
      const targetValue = Math.max(1, Math.floor(capacityPerInstance * observed.watch.targetUtilization));
      const peakNeeds = Math.ceil(observed.peak.load / targetValue);
      proposals.push({
        ...common,
        basis: 'load',
        targetValue,
        maxSize: Math.max(needed, peakNeeds),
        load: {
          query: observed.watch.query,
          targetUtilization: observed.watch.targetUtilization,
          capacityPerInstance,
          capacitySource: fromAlert ? 'first alert' : 'watch',
          watchPerInstance: observed.watch.perInstance,
          peak: observed.peak,
          ...(alert ? { atFirstAlert: alert } : {}),
          peakNeeds,
        },
      });
    } else {
      proposals.push({
        ...common,
        basis: 'instances',
        targetValue: DEFAULT_CPU_TARGET,
        maxSize: needed,
        noLoadBecause: observed.watch
          ? `its load could not be read at resolution (${observed.unavailable ?? 'no data'})`
          : `${target} has no capacity watch, so its load was not measured`,
      });
    }
  }
  return proposals;
}
