// Sizes a surge's offer: the growth of the load's excess over its daily seasonal baseline, fitted as an
// exponential and extrapolated with a damped trend (docs/DESIGN.md, "Capacity forecasting", Offer). Pure.
//
// Why a second model beside forecast.ts's trend (which still decides whether to warn):
// - A surge is extra load on top of the ordinary one. Early in a flash sale that extra grows by a factor per
//   minute (it doubles every few minutes) while the ratio load / baseline grows much more slowly, so a trend on
//   the ratio, read from the sale's first minutes, lags the climb: its first offer covered ~8 of 20 minutes.
// - The fit is least squares on the raw excess (the noise is a few per cent of the whole load, so it is additive
//   on the excess, which is near zero at first: logs of it would be mostly noise), weighting recent minutes more
//   (half of the weight within the last ~4 minutes) so the fit follows the surge as it slows down.
// - The growth rate is taken at the upper end of its ~95 % confidence interval (profile likelihood): in the first
//   minutes the excess is a few times the noise and the best fit alone is as often too low as too high; an offer
//   too small is the costly error there, and the interval narrows as the surge grows out of the noise.
// - Damped (Gardner & McKenzie): minute k ahead adds φ^k of a minute's growth, so a surge is not extrapolated as
//   exponential for the whole lookahead (a sale's growth bends; an undamped exponential offered 2-3× its peak).

/** Minutes of recent excess the growth is fitted on. */
export const SURGE_WINDOW_MINUTES = 30;
/** Weight of a point `age` minutes old: exp(−age / τ). */
const WEIGHT_TAU_MINUTES = 6;
/** Damping φ per minute ahead. */
export const SURGE_DAMPING: number = 0.88;
/** F(1, n − 2) at 95 % for the fit's effective n (~12 points): the profile-likelihood bound's factor. */
const F_95 = 5;
/** Growth rates tried, per minute: 0 to 0.3 (×1.35 a minute, doubling every 2.3 minutes) in steps of 0.0025. */
const GROWTH_STEP = 0.0025;
const GROWTH_MAX = 0.3;

export interface ExcessPoint {
  /** Minutes relative to now (≤ 0). */
  minutes: number;
  /** Load minus its seasonal baseline (may be negative: noise). */
  excess: number;
}

export interface SurgeFit {
  /** The fitted excess now (≥ 0). */
  excessNow: number;
  /** The growth rate used, per minute (the upper confidence bound). */
  growthPerMinute: number;
}

/**
 * Fits excess(t) = A·exp(g·t) by weighted least squares for each g on a grid (A has a closed form for a given
 * g), and takes the largest g whose weighted squared error is within the 95 % profile-likelihood bound of the
 * best. Undefined with fewer than 3 points.
 */
export function fitSurge(points: readonly ExcessPoint[]): SurgeFit | undefined {
  if (points.length < 3) return undefined;
  const weights = points.map((p) => Math.exp(p.minutes / WEIGHT_TAU_MINUTES));
  const fits: Array<{ g: number; a: number; sse: number }> = [];
  for (let step = 0; step * GROWTH_STEP <= GROWTH_MAX + 1e-9; step++) {
    const g = step * GROWTH_STEP;
    let sxx = 0;
    let sxy = 0;
    points.forEach((p, i) => {
      const x = Math.exp(g * p.minutes);
      const w = weights[i] as number;
      sxx += w * x * x;
      sxy += w * x * p.excess;
    });
    const a = Math.max(0, sxy / sxx);
    const sse = points.reduce(
      (sum, p, i) => sum + (weights[i] as number) * (a * Math.exp(g * p.minutes) - p.excess) ** 2,
      0,
    );
    fits.push({ g, a, sse });
  }
  const best = fits.reduce((b, f) => (f.sse < b.sse ? f : b));
  // Kish's effective sample size of the weights: the bound is as wide as this many equal points would give.
  const sumW = weights.reduce((s, w) => s + w, 0);
  const n = (sumW * sumW) / weights.reduce((s, w) => s + w * w, 0);
  const limit = best.sse * (1 + F_95 / Math.max(1, n - 2));
  const upper = fits.filter((f) => f.sse <= limit).reduce((u, f) => (f.g > u.g ? f : u), best);
  return { excessNow: upper.a, growthPerMinute: upper.g };
}

/** The excess `minutes` ahead: excessNow · exp(g · Σₖ₌₁..ₘ φᵏ), the damped trend on its log. */
export function surgeExcessAt(fit: SurgeFit, minutes: number): number {
  const damped = SURGE_DAMPING === 1 ? minutes : (SURGE_DAMPING * (1 - SURGE_DAMPING ** minutes)) / (1 - SURGE_DAMPING);
  return fit.excessNow * Math.exp(fit.growthPerMinute * damped);
}
