// Summary statistics of bench samples: nearest-rank percentiles, and a storm's rate tenth by tenth.

/** Nearest-rank percentile (p in 0–100) of unsorted samples; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** p50/p99/max of latency samples, in ms. */
export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function latency(samples: readonly number[]): Latency {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: percentile(samples, 100),
  };
}

/**
 * Units (alerts) per second in each tenth of a storm, tenths cut by units completed, not by time, so that the
 * first and last tenth each hold a tenth of the alerts whatever the speed. `completions` are in completion
 * order, times in ms since the storm began.
 */
export function rateByTenth(completions: ReadonlyArray<{ atMs: number; units: number }>): number[] {
  const total = completions.reduce((sum, c) => sum + c.units, 0);
  const rates: number[] = [];
  let done = 0;
  let tenthStartMs = 0;
  let tenthUnits = 0;
  for (const c of completions) {
    done += c.units;
    tenthUnits += c.units;
    // A tenth ends at the completion that carries the running total past its boundary.
    if (done >= ((rates.length + 1) * total) / 10) {
      rates.push((tenthUnits * 1000) / Math.max(c.atMs - tenthStartMs, 1e-3));
      tenthStartMs = c.atMs;
      tenthUnits = 0;
    }
  }
  return rates;
}

/** The last tenth's rate over the first's: below 1, the storm slowed as the store grew. */
export function lastTenthOverFirst(completions: ReadonlyArray<{ atMs: number; units: number }>): number {
  const rates = rateByTenth(completions);
  return rates.length < 2 ? NaN : (rates.at(-1) as number) / (rates[0] as number);
}
