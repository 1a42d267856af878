// One look at a watched scale target: read its load from the metrics source, forecast it and plan its capacity.
// The watcher (issue 17, not built yet) calls this every `intervalSeconds` and decides what to post; this flow
// changes nothing. A source that cannot answer, or has no recent points, is an outcome to show, not a throw.
import { planCapacity, type CapacityPlan } from '../domain/capacity/capacity-plan';
import { forecastLoad, type LoadForecast } from '../domain/capacity/forecast';
import type { CapacityWatch } from '../domain/capacity/watch';
import type { Clock } from '../ports/clock';
import type { MetricFailureKind, Metrics } from '../ports/metrics';

export interface CapacityCheckDeps {
  metrics: Metrics;
  clock: Clock;
}

export interface CapacityCheckRequest {
  watch: CapacityWatch;
  /** The target's instances now (desired capacity, from the cloud). */
  instances: number;
  /** The target's max: the plan never offers beyond it. */
  max?: number;
}

export type CapacityCheck =
  | { outcome: 'planned'; at: Date; forecast: LoadForecast; plan: CapacityPlan }
  | { outcome: 'source-failed'; at: Date; kind: MetricFailureKind; reason: string }
  | { outcome: 'no-data'; at: Date };

/** Days of history read for the daily seasonal baseline (the forecast uses at least 2, up to 7). */
export const HISTORY_DAYS = 7;
/** Minutes read before `HISTORY_DAYS` ago, so the baseline of the oldest recent point has its ± 5 minutes. */
const HISTORY_MARGIN_MINUTES = 60;
const STEP_SECONDS = 60;

export async function checkCapacity(deps: CapacityCheckDeps, request: CapacityCheckRequest): Promise<CapacityCheck> {
  const at = deps.clock.now();
  const read = await deps.metrics.read(request.watch.query, {
    start: new Date(at.getTime() - (HISTORY_DAYS * 24 * 60 + HISTORY_MARGIN_MINUTES) * 60_000),
    end: at,
    stepSeconds: STEP_SECONDS,
  });
  if (!read.ok) return { outcome: 'source-failed', at, kind: read.kind, reason: read.reason };
  const forecast = forecastLoad(read.points, {
    now: at,
    lookaheadMinutes: request.watch.lookaheadMinutes,
    ...(request.watch.surgeCeiling !== undefined ? { surgeCeiling: request.watch.surgeCeiling } : {}),
    stepSeconds: STEP_SECONDS,
  });
  if (!forecast) return { outcome: 'no-data', at };
  const plan = planCapacity({
    forecast,
    instances: request.instances,
    perInstance: request.watch.perInstance,
    targetUtilization: request.watch.targetUtilization,
    ...(request.max !== undefined ? { max: request.max } : {}),
  });
  return { outcome: 'planned', at, forecast, plan };
}
