// Sizes a surge's offer: the growth of the load's excess over its daily seasonal baseline, fitted as an
// exponential and extrapolated as a logistic (S-shaped) rise that levels off at a ceiling (docs/DESIGN.md,
// "Capacity forecasting", Offer). Pure.
//
// Why a second model beside forecast.ts's trend (which still decides whether to warn):
// - A surge is extra load on top of the ordinary one. Early in a flash sale that extra grows by a factor per
//   minute (it doubles every few minutes) while the ratio load / baseline grows much more slowly, so a trend on
//   the ratio, read from the sale's first minutes, lags the climb.
// - The fit is least squares on the raw excess (the noise is a few per cent of the whole load, so it is additive
//   on the excess, which is near zero at first: logs of it would be mostly noise), weighting recent minutes more
//   (exp(−age / 15 min)) so the fit follows a surge as it slows down without reading a slow ramp's last few
//   noisy minutes as a sale.
// - What an offer must cover is the whole lookahead: accepted, it must carry the load until the lookahead ends.
//   When the warning first fires, the excess is a few times the noise and the data cannot tell a growth of 0.08
//   a minute from one of 0.3 (on 100 noise seeds of the seed's sale, the best fit ranged 0.07–0.3 and the 95 %
//   interval was typically 0.05–0.3); an offer too small is the costly error, so the growth used is the upper
//   end of its ~95 % confidence interval (profile likelihood), which narrows as the surge grows out of the noise.
// - Two stated assumptions bound what the data cannot: (1) a surge's excess grows no faster than doubling every
//   4 minutes (SURGE_MAX_GROWTH; the seed's sale doubled every ~5); (2) it levels off — a logistic, whose growth
//   slows as the excess nears a ceiling — by SURGE_CEILING_TIMES_BASELINE × the usual load at this time of day
//   (the seed's sale reached ~5×), or twice the excess already there if larger (past its steepest point an
//   S-curve's excess is at least half its ceiling; a surge beyond the assumption still gets offers that double
//   its excess within the lookahead, renewed every look). The ceiling cannot be read from the data before the
//   surge's steepest point: until then an S-curve and an exponential fit the same points.
// - Measured instead (100 noise seeds of the seed's sale): an exponential damped by a fixed factor per minute
//   (Gardner & McKenzie, as here before) is too slow at the start and too fast later: φ = 0.88 covered only 8–20
//   of the first 20 minutes, and every φ that covered all 20 (≥ 0.97) later offered the target's max; the honest
//   upper bound of an undamped exponential offered hundreds of instances.
// Result (docs/DESIGN.md): every first offer carries the load under 70 % for the whole lookahead (12–16
// instances against the 9–11 needed), no offer during the sale asks for more than 27 (its height needs 18), and
// the early minutes of any steep climb are offered about as much: the offer is what the first minutes allow,
// and later looks resize it as the data show the surge's shape.

/** Minutes of recent excess the growth is fitted on. */
export const SURGE_WINDOW_MINUTES = 30;
/** Weight of a point `age` minutes old: exp(−age / τ) (Kish's effective n ≈ 23 of the 30 minutes). */
const WEIGHT_TAU_MINUTES = 15;
/**
 * The assumed ceiling of a surge's excess, as a multiple of the usual load now (see above), when the watch does
 * not say (`watch.surgeCeiling`: the largest surge the team plans for, e.g. its last sale's height).
 */
export const SURGE_CEILING_TIMES_BASELINE = 8;
/** ≈ F(1, n − 2) at 95 %: the profile-likelihood bound's factor (F(1, 21) = 4.3; 5 errs on the wide side). */
const F_95 = 5;
/** The fastest growth assumed, per minute: doubling every 4 minutes (ln 2 / 4). */
export const SURGE_MAX_GROWTH = Math.LN2 / 4;
/** Growth rates tried, per minute: 0 to SURGE_MAX_GROWTH in steps of 0.0025. */
const GROWTH_STEP = 0.0025;
const GROWTH_STEPS = Math.floor(SURGE_MAX_GROWTH / GROWTH_STEP);

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
  let syy = 0;
  points.forEach((p, i) => {
    syy += (weights[i] as number) * p.excess * p.excess;
  });
  // exp(g·t) for each point, stepped from g = 0 by one multiplication per grid step (no exp in the loop).
  const x = points.map(() => 1);
  const stepFactor = points.map((p) => Math.exp(GROWTH_STEP * p.minutes));
  const fits: Array<{ g: number; a: number; sse: number }> = [];
  for (let step = 0; step <= GROWTH_STEPS; step++) {
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < points.length; i++) {
      const w = weights[i] as number;
      const xi = x[i] as number;
      sxx += w * xi * xi;
      sxy += w * xi * (points[i] as ExcessPoint).excess;
      x[i] = xi * (stepFactor[i] as number);
    }
    const a = Math.max(0, sxy / sxx);
    // Σw(a·x − y)² expanded; exact also when a is clamped to 0.
    fits.push({ g: step * GROWTH_STEP, a, sse: Math.max(0, syy - 2 * a * sxy + a * a * sxx) });
  }
  const best = fits.reduce((b, f) => (f.sse < b.sse ? f : b));
  // Kish's effective sample size of the weights: the bound is as wide as this many equal points would give.
  const sumW = weights.reduce((s, w) => s + w, 0);
  const n = (sumW * sumW) / weights.reduce((s, w) => s + w * w, 0);
  const limit = best.sse * (1 + F_95 / Math.max(1, n - 2));
  const upper = fits.filter((f) => f.sse <= limit).reduce((u, f) => (f.g > u.g ? f : u), best);
  return { excessNow: upper.a, growthPerMinute: upper.g };
}

/**
 * The excess's ceiling: `timesBaseline` (SURGE_CEILING_TIMES_BASELINE unless the watch says) × the usual load
 * now, or twice the excess now if larger.
 */
export function surgeCeiling(fit: SurgeFit, baselineNow: number, timesBaseline = SURGE_CEILING_TIMES_BASELINE): number {
  return Math.max(timesBaseline * baselineNow, 2 * fit.excessNow);
}

/**
 * The excess `minutes` ahead on the logistic through the excess now, growing at the fitted rate and levelling
 * off at `ceiling`: K / (1 + (K / A − 1)·exp(−g·m)). Early on (A ≪ K) it is the exponential A·exp(g·m).
 */
export function surgeExcessAt(fit: SurgeFit, minutes: number, ceiling: number): number {
  const a = fit.excessNow;
  if (a <= 0 || a >= ceiling) return a;
  return ceiling / (1 + (ceiling / a - 1) * Math.exp(-fit.growthPerMinute * minutes));
}
