// What the postmortem keeps of a scale target's load during an incident (`capacity.load_observed`): plain data,
// stored on the timeline. Apart from load-observation.ts, which reads the timeline, so the timeline can name it.
import type { MetricQuery } from './series';

/** Where a target's capacity lives, frozen at resolution: the proposal names the group or template it changes. */
export type CapacityHome =
  | { kind: 'autoscaling-group'; groupName: string }
  | { kind: 'launch-template'; launchTemplateId: string; version: string; subnets: string[] };

/** One moment's load, the instances serving it and what each carried. Times are ISO strings (stored JSON). */
export interface LoadMoment {
  load: number;
  at: string;
  instances: number;
  loadPerInstance: number;
}

/** The `capacity.load_observed` event's data. */
export interface LoadObservation {
  target: string;
  home: CapacityHome | null;
  /** The range read: from before the first alert to the resolution (ISO). */
  windowStart: string;
  windowEnd: string;
  /** The target's watch, as the policy gave it at resolution; absent when the target has none. */
  watch?: { query: MetricQuery; perInstance: number; targetUtilization: number };
  /** The highest load in the window and the instances serving it then. */
  peak?: LoadMoment;
  /** The load when the first alert fired, on the instances of that moment: what overwhelmed them. */
  atFirstAlert?: LoadMoment;
  /** Why no load was read though the target has a watch (the source's own reason, or "no data"). */
  unavailable?: string;
}
