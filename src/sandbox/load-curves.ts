// Request-rate curves for the sandbox and the capacity tests: an ordinary week (daily rhythm, quieter weekends,
// noise) and the seed's flash sale (15 February 2023: the sale went live at 11:25 UTC and traffic climbed to
// about 6× the usual peak, which 4 web servers could not carry; it settled on 24). Deterministic for a seed.

export interface LoadPoint {
  at: Date;
  value: number;
}

export interface CurveOptions {
  start: Date;
  end: Date;
  /** Seconds between points; 60 by default. */
  stepSeconds?: number;
  /** Relative noise (0.05: ±5 % typical); 0.05 by default. */
  noise?: number;
  /** Same seed, same noise. */
  seed?: number;
}

/** The usual weekday peak, in requests per second: 4 servers at 250 each run at half their capacity. */
export const USUAL_PEAK_RPS = 500;
/** The seed's flash sale: live at 11:25 UTC on 15 February 2023, over at 14:00. */
export const FLASH_SALE_START = new Date('2023-02-15T11:25:00Z');
export const FLASH_SALE_END = new Date('2023-02-15T14:00:00Z');
/** Extra requests per second the sale brought at its height (about 6× the usual peak all told). */
export const FLASH_SALE_EXTRA_RPS = 2_600;

/** mulberry32: a small seeded generator, so a test's "noise" is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Roughly normal noise (sum of uniforms), mean 0, standard deviation 1. */
function gaussian(next: () => number): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += next();
  return sum - 6;
}

/**
 * The ordinary load at `at`: quiet at night (a third of the peak), rising through the morning to the peak at
 * 13:00 UTC and easing through the evening; weekends at 80 %.
 */
export function usualLoad(at: Date): number {
  const hour = at.getUTCHours() + at.getUTCMinutes() / 60 + at.getUTCSeconds() / 3600;
  const daily = 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 1)) / 24); // 0 at 01:00, 1 at 13:00
  const weekday = at.getUTCDay();
  const week = weekday === 0 || weekday === 6 ? 0.8 : 1;
  return USUAL_PEAK_RPS * week * (1 / 3 + (2 / 3) * daily);
}

/**
 * The sale's extra load at `at`: a logistic rise that starts building as the sale is announced, is steepest
 * about 25 minutes after it goes live, and falls away once it ends.
 */
export function flashSaleExtra(at: Date): number {
  const minutes = (at.getTime() - FLASH_SALE_START.getTime()) / 60_000;
  const rise = 1 / (1 + Math.exp(-(minutes - 25) / 7));
  const endMinutes = (at.getTime() - FLASH_SALE_END.getTime()) / 60_000;
  const fall = 1 / (1 + Math.exp(endMinutes / 5));
  return FLASH_SALE_EXTRA_RPS * rise * fall;
}

/**
 * Noise as a function of time, for a series served live (the sandbox's Prometheus) rather than sampled in one
 * pass: the same minute always gets the same factor, around 1 with `noise` as its typical deviation.
 */
export function noiseAt(at: Date, options: { noise?: number; seed?: number } = {}): number {
  const minute = Math.floor(at.getTime() / 60_000);
  // Mixing the minute into the seed (a Weyl step) so neighbouring minutes do not share a stream.
  const next = random(((options.seed ?? 1) ^ Math.imul(minute, 0x9e3779b1)) >>> 0);
  return Math.max(0, 1 + (options.noise ?? 0.05) * gaussian(next));
}

function sample(options: CurveOptions, shape: (at: Date) => number): LoadPoint[] {
  const stepMs = (options.stepSeconds ?? 60) * 1000;
  const noise = options.noise ?? 0.05;
  const next = random(options.seed ?? 1);
  const points: LoadPoint[] = [];
  for (let t = options.start.getTime(); t <= options.end.getTime(); t += stepMs) {
    const at = new Date(t);
    points.push({ at, value: Math.max(0, shape(at) * (1 + noise * gaussian(next))) });
  }
  return points;
}

/** An ordinary stretch of days: no sale, nothing that should ever warn. */
export function usualWeek(options: CurveOptions): LoadPoint[] {
  return sample(options, usualLoad);
}

/** The usual load plus the flash sale. */
export function flashSaleDay(options: CurveOptions): LoadPoint[] {
  return sample(options, (at) => usualLoad(at) + flashSaleExtra(at));
}
