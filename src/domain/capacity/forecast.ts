// Forecasts a load series `lookahead` ahead: Holt's linear trend on the log of the load divided by its daily
// seasonal baseline (docs/DESIGN.md, "Capacity forecasting"). Pure: points in, forecast out.
//
// Why this method:
// - Logs: traffic surges grow by a factor per minute, not by a number of requests per minute; a linear trend on
//   log(load) extrapolates that growth (what a flash sale does before it saturates) instead of lagging behind it.
// - The seasonal baseline (the median of the same time of day on previous days) takes the daily rhythm out, so
//   the ordinary morning rise is not read as a trend. It needs at least two previous days; with less history the
//   baseline is 1 and the trend is on the raw load.
// - Holt's smoothing (level α, trend β) on irregular timestamps: a missing scrape is a gap, not a zero.
import type { MetricPoint } from './series';
import { fitSurge, SURGE_WINDOW_MINUTES, surgeCeiling, surgeExcessAt } from './surge';

export interface ForecastOptions {
  /** The forecast is made at this instant, from the points up to it. */
  now: Date;
  lookaheadMinutes: number;
  /**
   * The surge's assumed ceiling, as a multiple of the usual load at this time of day (surge.ts); 8 by default.
   */
  surgeCeiling?: number;
  /** Seconds between forecast points; 60 by default. */
  stepSeconds?: number;
  /** Minutes of recent history the trend is fitted on; 60 by default. */
  windowMinutes?: number;
  /** Holt's level smoothing (0–1]; 0.3 by default. */
  alpha?: number;
  /** Holt's trend smoothing (0–1]; 0.1 by default. */
  beta?: number;
  /** Previous days the seasonal baseline may use (at least 2 must have data); 7 by default. */
  seasonDays?: number;
  /** Minutes either side of the same time of day averaged for each previous day; 5 by default. */
  seasonHalfWidthMinutes?: number;
}

export interface LoadForecast {
  /** 'trend': Holt on the load alone; 'trend+daily': with the daily seasonal baseline (≥ 2 previous days). */
  method: 'trend' | 'trend+daily';
  /** When the forecast was made (options.now). */
  at: Date;
  /** The smoothed load now (Holt's level, seasonality put back). */
  now: number;
  /** The load at each step after `now`, up to `lookaheadMinutes`. */
  path: MetricPoint[];
  /** The trend, as a factor per hour (1.5: growing by half every hour). */
  growthPerHour: number;
  /**
   * The surge model the offer is sized on (surge.ts): the baseline plus the excess over it, fitted as exponential
   * growth and extrapolated as a logistic rise levelling off at a ceiling. Only with the daily baseline ('trend+daily'): without it there is no excess to speak of.
   */
  surge?: {
    path: MetricPoint[];
    /** The excess's growth used (the upper confidence bound), as a factor per hour. */
    growthPerHour: number;
    /** The excess the logistic levels off at (surge.ts, surgeCeiling), in the load's unit. */
    ceiling: number;
  };
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
// Loads of 0 are common (a quiet night); the log needs a floor. One request per ten seconds changes no decision.
const FLOOR = 0.1;

/** The index of the first point at or after `at` (points sorted by time), searching [from, to). */
function lowerBound(points: readonly MetricPoint[], atMs: number, from = 0, to = points.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as MetricPoint).at.getTime() < atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The daily seasonal baseline at `atMs`: for each previous day with points within ± half-width of the same time,
 * their mean; then the median of those days. Undefined with fewer than two such days. Only the first `end`
 * points are read (those up to "now"; the series itself is not copied).
 */
export function seasonalBaseline(
  points: readonly MetricPoint[],
  atMs: number,
  seasonDays: number,
  halfWidthMs: number,
  end = points.length,
): number | undefined {
  const days: number[] = [];
  for (let k = 1; k <= seasonDays; k++) {
    const centre = atMs - k * DAY_MS;
    const from = lowerBound(points, centre - halfWidthMs, 0, end);
    const toMs = centre + halfWidthMs;
    let sum = 0;
    let to = from;
    for (; to < end && (points[to] as MetricPoint).at.getTime() <= toMs; to++) sum += (points[to] as MetricPoint).value;
    if (to > from) days.push(sum / (to - from));
  }
  return days.length >= 2 ? Math.max(median(days), FLOOR) : undefined;
}

/**
 * Baselines already computed, per series and per (seasonDays, half-width). A baseline at `t` reads only points a
 * day or more before `t`, so it is the same from every "now" after those points: a watch, a test or the bench
 * replaying one series minute by minute computes each once. Series are read as immutable; one read per look
 * (the watcher's) simply starts a new, collectable cache.
 */
const baselineCache = new WeakMap<readonly MetricPoint[], Map<string, Map<number, number | undefined>>>();

function cachedBaselines(
  points: readonly MetricPoint[],
  seasonDays: number,
  halfWidthMs: number,
): Map<number, number | undefined> {
  let bySettings = baselineCache.get(points);
  if (!bySettings) {
    bySettings = new Map();
    baselineCache.set(points, bySettings);
  }
  const key = `${seasonDays}:${halfWidthMs}`;
  let cache = bySettings.get(key);
  if (!cache) {
    cache = new Map();
    bySettings.set(key, cache);
  }
  return cache;
}

/** Forecasts the load from `points` (sorted, oldest first); undefined when the recent window has no points. */
export function forecastLoad(points: readonly MetricPoint[], options: ForecastOptions): LoadForecast | undefined {
  const nowMs = options.now.getTime();
  const stepMs = (options.stepSeconds ?? 60) * 1000;
  const alpha = options.alpha ?? 0.3;
  const beta = options.beta ?? 0.1;
  const seasonDays = options.seasonDays ?? 7;
  const halfWidthMs = (options.seasonHalfWidthMinutes ?? 5) * MINUTE_MS;
  const windowStart = nowMs - (options.windowMinutes ?? 60) * MINUTE_MS;

  const end = lowerBound(points, nowMs + 1);
  const recent = points.slice(lowerBound(points, windowStart, 0, end), end);
  if (recent.length === 0) return undefined;

  // Seasonal only when every recent point and every forecast point has a baseline: a mixed series would jump.
  const horizon: number[] = [];
  for (let at = nowMs + stepMs; at <= nowMs + options.lookaheadMinutes * MINUTE_MS; at += stepMs) horizon.push(at);
  const cache = cachedBaselines(points, seasonDays, halfWidthMs);
  const baseline = (atMs: number) => {
    // Cached only when every day it reads is wholly before now (so the points after now cannot matter).
    if (atMs - DAY_MS + halfWidthMs > nowMs) return seasonalBaseline(points, atMs, seasonDays, halfWidthMs, end);
    if (cache.has(atMs)) return cache.get(atMs);
    const value = seasonalBaseline(points, atMs, seasonDays, halfWidthMs, end);
    cache.set(atMs, value);
    return value;
  };
  const recentBaselines = recent.map((p) => baseline(p.at.getTime()));
  const horizonBaselines = horizon.map(baseline);
  const seasonal = [...recentBaselines, ...horizonBaselines].every((b) => b !== undefined);
  const season = (b: number | undefined) => (seasonal ? (b as number) : 1);

  // Holt's linear method on y = log(load / baseline), with the trend per millisecond so gaps are honoured.
  const first = recent[0] as MetricPoint;
  let level = Math.log(Math.max(first.value, FLOOR) / season(recentBaselines[0]));
  let trend = 0;
  let lastMs = first.at.getTime();
  for (let i = 1; i < recent.length; i++) {
    const point = recent[i] as MetricPoint;
    const atMs = point.at.getTime();
    const dt = atMs - lastMs;
    if (dt <= 0) continue;
    const y = Math.log(Math.max(point.value, FLOOR) / season(recentBaselines[i]));
    const previous = level;
    level = alpha * y + (1 - alpha) * (level + trend * dt);
    trend = (beta * (level - previous)) / dt + (1 - beta) * trend;
    lastMs = atMs;
  }
  // The level belongs to the last point's time; carry it to now.
  level += trend * (nowMs - lastMs);

  const nowBaseline = seasonal ? (baseline(nowMs) ?? 1) : 1;
  const surgeWindowStart = nowMs - SURGE_WINDOW_MINUTES * MINUTE_MS;
  const fit = seasonal
    ? fitSurge(
        recent.flatMap((p, i) =>
          p.at.getTime() > surgeWindowStart
            ? [{ minutes: (p.at.getTime() - nowMs) / MINUTE_MS, excess: p.value - (recentBaselines[i] as number) }]
            : [],
        ),
      )
    : undefined;
  const ceiling = fit ? surgeCeiling(fit, nowBaseline, options.surgeCeiling) : 0;
  return {
    method: seasonal ? 'trend+daily' : 'trend',
    at: new Date(nowMs),
    now: Math.exp(level) * nowBaseline,
    path: horizon.map((at, i) => ({
      at: new Date(at),
      value: Math.exp(level + trend * (at - nowMs)) * season(horizonBaselines[i]),
    })),
    growthPerHour: Math.exp(trend * 60 * MINUTE_MS),
    ...(fit
      ? {
          surge: {
            path: horizon.map((at, i) => ({
              at: new Date(at),
              value: (horizonBaselines[i] as number) + surgeExcessAt(fit, (at - nowMs) / MINUTE_MS, ceiling),
            })),
            growthPerHour: Math.exp(fit.growthPerMinute * 60),
            ceiling,
          },
        }
      : {}),
  };
}
