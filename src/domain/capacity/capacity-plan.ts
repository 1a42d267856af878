// From a load forecast to what a scale target needs: instances to stay under the target utilization, when the
// current capacity saturates, and the scale-out that would prevent it. Pure.
import type { LoadForecast } from './forecast';

export interface CapacityPlanInput {
  forecast: LoadForecast;
  /** Instances the target has (or is getting: desired capacity). */
  instances: number;
  /** Load one instance serves at 100 % (the unit of the watch's query, e.g. requests per second). */
  perInstance: number;
  /** The utilization to stay under, (0, 1]: 0.7 keeps 30 % headroom. */
  targetUtilization: number;
  /** The target's own limit: the plan never asks for more. */
  max?: number;
}

export interface CapacityPlan {
  /** The smoothed load now. */
  loadNow: number;
  /** The highest load forecast within the lookahead, and when. */
  peak: { at: Date; value: number };
  /** Utilization now and at the peak, on the current instances (1 = saturated). */
  utilizationNow: number;
  utilizationAtPeak: number;
  /** ceil(peak / (perInstance × targetUtilization)), at least 1. */
  needed: number;
  /** The first forecast time the load exceeds the current capacity (instances × perInstance); null if none. */
  saturatesAt: Date | null;
  /** Instances to add: needed − instances, capped by `max`; 0 when the target has enough. */
  scaleOut: number;
  /** True when the forecast needs more than the target has: the warning and its offer. */
  warn: boolean;
  /** True when even `max` instances would not keep under the target utilization. */
  beyondMax: boolean;
}

export function planCapacity(input: CapacityPlanInput): CapacityPlan {
  const { forecast, instances, perInstance, targetUtilization } = input;
  const candidates = [{ at: forecast.at, value: forecast.now }, ...forecast.path];
  const peak = candidates.reduce((best, p) => (p.value > best.value ? p : best));
  const capacity = instances * perInstance;
  const needed = Math.max(1, Math.ceil(peak.value / (perInstance * targetUtilization)));
  const saturating = forecast.path.find((p) => p.value > capacity);
  const wanted = Math.max(0, needed - instances);
  const scaleOut = input.max !== undefined ? Math.max(0, Math.min(wanted, input.max - instances)) : wanted;
  return {
    loadNow: forecast.now,
    peak,
    utilizationNow: capacity > 0 ? forecast.now / capacity : Number.POSITIVE_INFINITY,
    utilizationAtPeak: capacity > 0 ? peak.value / capacity : Number.POSITIVE_INFINITY,
    needed,
    saturatesAt: capacity <= 0 ? (forecast.path[0]?.at ?? null) : (saturating?.at ?? null),
    scaleOut,
    warn: needed > instances,
    beyondMax: input.max !== undefined && needed > input.max,
  };
}
