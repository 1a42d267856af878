// From a load forecast to what a scale target needs: instances to stay under the target utilization, when the
// current capacity saturates, and the scale-out that would prevent it. Pure.
import type { LoadForecast } from './forecast';
import type { MetricPoint } from './series';

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
  /**
   * What the numbers below are read from: 'trend' (the forecast's path: it decides whether to warn) or 'surge'
   * (when it warns and the forecast has a surge model, the offer is sized on that: forecast.ts, surge.ts).
   */
  sizedOn: 'trend' | 'surge';
  /** The path the numbers are read from (the chart draws it). */
  path: MetricPoint[];
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
  /** The first forecast time the load exceeds the target utilization of the current capacity; null if none. */
  passesTargetAt: Date | null;
  /** Instances to add: needed − instances, capped by `max`; 0 when the target has enough. */
  scaleOut: number;
  /** True when the forecast needs more than the target has: the warning and its offer. */
  warn: boolean;
  /** True when even `max` instances would not keep under the target utilization. */
  beyondMax: boolean;
}

const neededFor = (path: readonly MetricPoint[], input: CapacityPlanInput) => {
  const candidates = [{ at: input.forecast.at, value: input.forecast.now }, ...path];
  const peak = candidates.reduce((best, p) => (p.value > best.value ? p : best));
  return { peak, needed: Math.max(1, Math.ceil(peak.value / (input.perInstance * input.targetUtilization))) };
};

export function planCapacity(input: CapacityPlanInput): CapacityPlan {
  const { forecast, instances, perInstance } = input;
  // The trend decides whether to warn (tuned to stay quiet on an ordinary week); a warning's offer is sized on
  // the surge model, which follows a surge's climb where the trend lags it and levels it off where the trend overshoots.
  const trend = neededFor(forecast.path, input);
  const warn = trend.needed > instances;
  const sizedOn = warn && forecast.surge ? 'surge' : 'trend';
  const path = sizedOn === 'surge' ? (forecast.surge?.path ?? forecast.path) : forecast.path;
  const sized = sizedOn === 'surge' ? neededFor(path, input) : trend;
  // A warning always offers at least one instance, even when the surge model alone would not.
  const needed = warn ? Math.max(sized.needed, instances + 1) : sized.needed;
  const peak = sized.peak;
  const capacity = instances * perInstance;
  const saturating = path.find((p) => p.value > capacity);
  const passing = path.find((p) => p.value > capacity * input.targetUtilization);
  const wanted = Math.max(0, needed - instances);
  const scaleOut = input.max !== undefined ? Math.max(0, Math.min(wanted, input.max - instances)) : wanted;
  return {
    sizedOn,
    path,
    loadNow: forecast.now,
    peak,
    utilizationNow: capacity > 0 ? forecast.now / capacity : Number.POSITIVE_INFINITY,
    utilizationAtPeak: capacity > 0 ? peak.value / capacity : Number.POSITIVE_INFINITY,
    needed,
    saturatesAt: capacity <= 0 ? (path[0]?.at ?? null) : (saturating?.at ?? null),
    passesTargetAt: capacity <= 0 ? (path[0]?.at ?? null) : (passing?.at ?? null),
    scaleOut,
    warn,
    beyondMax: input.max !== undefined && needed > input.max,
  };
}
