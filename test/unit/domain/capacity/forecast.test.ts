// The capacity forecast on generated series: the seed's flash sale is flagged well before the web tier
// saturates, an ordinary noisy week never is, and the plan's numbers (needed, +N, saturation) are right.
import { planCapacity } from '../../../../src/domain/capacity/capacity-plan';
import { forecastLoad, type LoadForecast } from '../../../../src/domain/capacity/forecast';
import { fitSurge, SURGE_MAX_GROWTH, surgeCeiling, surgeExcessAt } from '../../../../src/domain/capacity/surge';
import {
  FLASH_SALE_START,
  flashSaleDay,
  flashSaleExtra,
  noiseAt,
  usualLoad,
  usualWeek,
} from '../../../../src/sandbox/load-curves';

const MINUTE = 60_000;
// The seed's web tier: 4 servers of 250 requests per second each, to be kept under 70 %.
const WEB = { instances: 4, perInstance: 250, targetUtilization: 0.7 };
const LOOKAHEAD = 20;
const INTERVAL_MINUTES = 1;

const at = (iso: string) => new Date(iso);
const trueLoad = (t: number) => usualLoad(new Date(t)) + flashSaleExtra(new Date(t));
// An offer may exceed what the load's true peak needs (at the target utilization) by at most half.
const MAX_OVERSHOOT = 1.5;
const neededFor = (load: number) => Math.ceil(load / (WEB.perInstance * WEB.targetUtilization));
function truePeak(load: (t: number) => number, from: number, to: number): number {
  let peak = 0;
  for (let t = from; t <= to; t += MINUTE) peak = Math.max(peak, load(t));
  return peak;
}

function plan(points: Parameters<typeof forecastLoad>[0], now: Date) {
  const forecast = forecastLoad(points, { now, lookaheadMinutes: LOOKAHEAD }) as LoadForecast;
  return { forecast, plan: planCapacity({ forecast, ...WEB }) };
}

describe('forecastLoad + planCapacity', () => {
  describe.each([7, 11, 23])('the seed flash sale (noise seed %i), three days of history', (seed) => {
    const points = flashSaleDay({ start: at('2023-02-12T00:00:00Z'), end: at('2023-02-15T14:00:00Z'), seed });
    const capacity = WEB.instances * WEB.perInstance;
    // Minute by minute from two hours before the sale, as the watcher would read it every interval.
    const evaluations: Array<{ t: number; needed: number; warn: boolean; method: string; sizedOn: string }> = [];
    let saturation: number | undefined;
    for (
      let t = FLASH_SALE_START.getTime() - 120 * MINUTE;
      t <= FLASH_SALE_START.getTime() + 60 * MINUTE;
      t += MINUTE
    ) {
      const { forecast, plan: p } = plan(points, new Date(t));
      evaluations.push({ t, needed: p.needed, warn: p.warn, method: forecast.method, sizedOn: p.sizedOn });
      if (saturation === undefined && trueLoad(t) > capacity) saturation = t;
    }
    const firstWarning = evaluations.find((e) => e.warn);

    it('uses the daily seasonal baseline', () => {
      expect(new Set(evaluations.map((e) => e.method))).toEqual(new Set(['trend+daily']));
    });

    it('warns at least 10 minutes before the load exceeds the capacity', () => {
      expect(saturation).toBeDefined();
      expect(firstWarning).toBeDefined();
      const leadMinutes = ((saturation as number) - (firstWarning as { t: number }).t) / MINUTE;
      expect(leadMinutes).toBeGreaterThanOrEqual(10);
    });

    it('warns nearly every interval from then until the load saturates, each +N keeping utilization under the target', () => {
      const shown = evaluations.filter(
        (e) => e.t >= (firstWarning as { t: number }).t && e.t <= (saturation as number),
      );
      // A noisy minute may dip under the threshold; the later watcher closes a warning only when the load falls back.
      expect(shown.filter((e) => e.warn).length / shown.length).toBeGreaterThanOrEqual(0.9);
      // The offer is updated in place every interval: what it shows at t must carry the load until the next update.
      for (const e of shown.filter((w) => w.warn)) {
        const utilization = trueLoad(e.t + INTERVAL_MINUTES * MINUTE) / (e.needed * WEB.perInstance);
        expect({ at: new Date(e.t).toISOString(), utilization }).toEqual({
          at: new Date(e.t).toISOString(),
          utilization: expect.any(Number),
        });
        expect(utilization).toBeLessThanOrEqual(WEB.targetUtilization);
      }
    });

    it('sizes every offer on the surge model, never asking for more than 1.5× what the sale at its height needs', () => {
      const offers = evaluations.filter((e) => e.warn);
      expect(new Set(offers.map((e) => e.sizedOn))).toEqual(new Set(['surge']));
      const peakNeeds = neededFor(
        truePeak(trueLoad, FLASH_SALE_START.getTime(), FLASH_SALE_START.getTime() + 180 * MINUTE),
      );
      expect(peakNeeds).toBe(18);
      const largest = Math.max(...offers.map((e) => e.needed));
      expect(largest).toBeLessThanOrEqual(MAX_OVERSHOOT * peakNeeds);
    });
  });

  // Issue 17's criterion on many noise seeds: the first offer, accepted, carries the load under the target for the
  // whole lookahead. Looks from 11:15 (the sale's extra load is then ~17 req/s, far under the noise; the ordinary
  // week below never warns) up to the first warning only, so forty seeds stay fast.
  it('on 40 noise seeds, the first offer keeps utilization under the target for the whole lookahead, >= 10 min before saturation', () => {
    const capacity = WEB.instances * WEB.perInstance;
    let saturation = FLASH_SALE_START.getTime();
    while (trueLoad(saturation) <= capacity) saturation += MINUTE;
    const peakNeeds = neededFor(
      truePeak(trueLoad, FLASH_SALE_START.getTime(), FLASH_SALE_START.getTime() + 180 * MINUTE),
    );
    const short: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const points = flashSaleDay({ start: at('2023-02-12T10:00:00Z'), end: at('2023-02-15T12:30:00Z'), seed });
      let t = at('2023-02-15T11:15:00Z').getTime();
      let first = plan(points, new Date(t)).plan;
      while (!first.warn && t < saturation) {
        t += MINUTE;
        first = plan(points, new Date(t)).plan;
      }
      const lead = (saturation - t) / MINUTE;
      let worst = 0;
      for (let k = 1; k <= LOOKAHEAD; k++)
        worst = Math.max(worst, trueLoad(t + k * MINUTE) / ((WEB.instances + first.scaleOut) * WEB.perInstance));
      if (
        !first.warn ||
        lead < 10 ||
        worst > WEB.targetUtilization ||
        WEB.instances + first.scaleOut > MAX_OVERSHOOT * peakNeeds
      )
        short.push(
          `seed ${seed}: warned ${first.warn}, lead ${lead} min, +${first.scaleOut}, max utilization ${worst.toFixed(2)}`,
        );
    }
    expect(short).toEqual([]);
  });

  // Slower, milder climbs than the sale. Their first minutes may look like a sale's (a steep start from nothing),
  // so the first offer is what those minutes allow; it still covers the lookahead, and later looks bring it back
  // to what the climb needs once its shape shows.
  describe.each([
    ['a ramp doubling the load over 15 minutes', 15, 1],
    ['+30 % over an hour', 60, 0.3],
  ])('%s', (_name, rampMinutes, extra) => {
    const start = at('2023-02-15T10:00:00Z').getTime();
    const load = (t: number) =>
      usualLoad(new Date(t)) * (1 + extra * Math.min(1, Math.max(0, (t - start) / (rampMinutes * MINUTE))));
    const neededAhead = (t: number) => {
      let peak = 0;
      for (let k = 1; k <= LOOKAHEAD; k++) peak = Math.max(peak, load(t + k * MINUTE));
      return neededFor(peak);
    };
    it.each([1, 2, 3])(
      'noise seed %i: the first offer covers the lookahead, no offer is wild, and it settles on what the climb needs',
      (seed) => {
        const points: Array<{ at: Date; value: number }> = [];
        for (let t = at('2023-02-12T00:00:00Z').getTime(); t <= start + 150 * MINUTE; t += MINUTE)
          points.push({ at: new Date(t), value: load(t) * noiseAt(new Date(t), { seed }) });
        const offers: Array<{ t: number; needed: number; ceiling: number }> = [];
        for (let t = start; t <= start + 90 * MINUTE; t += MINUTE) {
          const { forecast, plan: p } = plan(points, new Date(t));
          if (p.warn) offers.push({ t, needed: p.needed, ceiling: forecast.surge?.ceiling ?? 0 });
        }
        expect(offers.length).toBeGreaterThan(0);
        const first = offers[0] as (typeof offers)[number];
        for (let k = 1; k <= LOOKAHEAD; k++)
          expect(load(first.t + k * MINUTE) / (first.needed * WEB.perInstance)).toBeLessThanOrEqual(
            WEB.targetUtilization,
          );
        const height = neededFor(truePeak(load, start, start + 150 * MINUTE));
        for (const o of offers) {
          // Never more than the assumed ceiling allows (the usual load plus its ceiling, at the target utilization),
          // and, for a climb that ends within the hour, never more than 3.5× what its height needs.
          expect(o.needed).toBeLessThanOrEqual(
            neededFor(usualLoad(new Date(o.t + LOOKAHEAD * MINUTE)) + o.ceiling) + 1,
          );
          expect(o.needed).toBeLessThanOrEqual(3.5 * height);
          // Half an hour after the climb ends, the offer is what the next lookahead needs, give or take one.
          if (o.t >= start + (rampMinutes + 30) * MINUTE) expect(o.needed).toBeLessThanOrEqual(neededAhead(o.t) + 1);
        }
      },
    );
  });

  describe.each([1, 2, 3])('a launch that doubles traffic over three hours (noise seed %i)', (seed) => {
    const start = at('2023-02-15T10:00:00Z').getTime();
    const load = (t: number) => usualLoad(new Date(t)) * (1 + Math.min(1, Math.max(0, (t - start) / (180 * MINUTE))));
    const points: Array<{ at: Date; value: number }> = [];
    for (let t = at('2023-02-12T00:00:00Z').getTime(); t <= start + 300 * MINUTE; t += MINUTE)
      points.push({ at: new Date(t), value: load(t) * noiseAt(new Date(t), { seed }) });
    const offers: Array<{ t: number; needed: number }> = [];
    for (let t = start; t <= start + 240 * MINUTE; t += MINUTE) {
      const { plan: p } = plan(points, new Date(t));
      if (p.warn) offers.push({ t, needed: p.needed });
    }

    it('warns, each offer carrying the next interval under the target and none more than 1.5× the peak needs', () => {
      expect(offers.length).toBeGreaterThan(0);
      for (const o of offers)
        expect(load(o.t + INTERVAL_MINUTES * MINUTE) / (o.needed * WEB.perInstance)).toBeLessThanOrEqual(
          WEB.targetUtilization,
        );
      const peakNeeds = neededFor(truePeak(load, start, start + 300 * MINUTE));
      expect(Math.max(...offers.map((o) => o.needed))).toBeLessThanOrEqual(MAX_OVERSHOOT * peakNeeds);
    });
  });

  it('never warns on an ordinary week with daily seasonality, quieter weekends and 5 % noise', () => {
    const points = usualWeek({ start: at('2023-03-01T00:00:00Z'), end: at('2023-03-15T00:00:00Z'), seed: 3 });
    const warnings: string[] = [];
    let methods = new Set<string>();
    for (let t = at('2023-03-08T00:00:00Z').getTime(); t < at('2023-03-15T00:00:00Z').getTime(); t += 2 * MINUTE) {
      const { forecast, plan: p } = plan(points, new Date(t));
      methods = methods.add(forecast.method);
      if (p.warn) warnings.push(new Date(t).toISOString());
    }
    expect(warnings).toEqual([]);
    expect(methods).toEqual(new Set(['trend+daily']));
  });

  it('falls back to the trend alone with less than two days of history, and still sees a surge', () => {
    const points = flashSaleDay({ start: at('2023-02-15T09:00:00Z'), end: at('2023-02-15T12:00:00Z'), seed: 5 });
    const { forecast, plan: p } = plan(points, at('2023-02-15T11:35:00Z'));
    expect(forecast.method).toBe('trend');
    expect(forecast.growthPerHour).toBeGreaterThan(2);
    expect(p.warn).toBe(true);
  });

  it('is undefined when there are no recent points', () => {
    expect(forecastLoad([], { now: at('2023-02-15T11:00:00Z'), lookaheadMinutes: 20 })).toBeUndefined();
  });

  it('forecasts a flat load as flat, one point per step up to the lookahead', () => {
    const points = Array.from({ length: 61 }, (_, i) => ({ at: new Date(Date.UTC(2023, 1, 15, 10, i)), value: 400 }));
    const forecast = forecastLoad(points, { now: at('2023-02-15T11:00:00Z'), lookaheadMinutes: 20 }) as LoadForecast;
    expect(forecast.path).toHaveLength(20);
    expect(forecast.path[0]?.at).toEqual(at('2023-02-15T11:01:00Z'));
    expect(forecast.path[19]?.at).toEqual(at('2023-02-15T11:20:00Z'));
    for (const p of forecast.path) expect(p.value).toBeCloseTo(400, 6);
    expect(forecast.growthPerHour).toBeCloseTo(1, 9);
  });

  it('extrapolates steady growth by its factor, gaps included', () => {
    // 1 % a minute for an hour, every other minute missing.
    const points = Array.from({ length: 31 }, (_, i) => ({
      at: new Date(Date.UTC(2023, 1, 15, 10, 2 * i)),
      value: 100 * 1.01 ** (2 * i),
    }));
    const forecast = forecastLoad(points, {
      now: at('2023-02-15T11:00:00Z'),
      lookaheadMinutes: 10,
      alpha: 0.9,
      beta: 0.9,
    }) as LoadForecast;
    expect(forecast.now).toBeCloseTo(100 * 1.01 ** 60, 0);
    expect(forecast.path[9]?.value).toBeCloseTo(100 * 1.01 ** 70, -1);
  });
});

describe("a watch's surgeCeiling", () => {
  // The team says how high its surges go: on the seed's sale (which reached ~5x), at the first warning, a ceiling
  // of 3x the usual load sizes a smaller offer than the default 8x, and one of 20x a larger one.
  const points = flashSaleDay({ start: at('2023-02-12T00:00:00Z'), end: at('2023-02-15T14:00:00Z'), seed: 7 });
  const firstWarningAt = (() => {
    for (let t = FLASH_SALE_START.getTime() - 30 * MINUTE; ; t += MINUTE)
      if (plan(points, new Date(t)).plan.warn) return t;
  })();
  const offerWith = (surgeCeiling?: number) => {
    const forecast = forecastLoad(points, {
      now: new Date(firstWarningAt),
      lookaheadMinutes: LOOKAHEAD,
      ...(surgeCeiling === undefined ? {} : { surgeCeiling }),
    }) as LoadForecast;
    return planCapacity({ forecast, ...WEB }).scaleOut;
  };

  it('sizes the offer on the ceiling the watch gives, the default being 8x the usual load', () => {
    expect(offerWith(8)).toBe(offerWith());
    expect(offerWith(3)).toBeLessThan(offerWith());
    expect(offerWith(20)).toBeGreaterThan(offerWith());
  });
});

describe('fitSurge', () => {
  const minutes = Array.from({ length: 30 }, (_, i) => i - 29);

  it('recovers an exact exponential excess, and extrapolates it as a logistic levelling off at the ceiling', () => {
    const fit = fitSurge(minutes.map((m) => ({ minutes: m, excess: 100 * Math.exp(0.1 * m) })));
    expect(fit?.growthPerMinute).toBeCloseTo(0.1, 6);
    expect(fit?.excessNow).toBeCloseTo(100, 3);
    const f = fit as NonNullable<typeof fit>;
    // The ceiling: 8× a usual load of 500, or twice the excess now when that is more.
    expect(surgeCeiling(f, 500)).toBeCloseTo(4000, 6);
    expect(surgeCeiling(f, 5)).toBeCloseTo(200, 3);
    // Early on it is the exponential; it never passes the ceiling.
    expect(surgeExcessAt(f, 5, 1e9)).toBeCloseTo(100 * Math.exp(0.5), 3);
    expect(surgeExcessAt(f, 20, 4000)).toBeCloseTo(4000 / (1 + 39 * Math.exp(-2)), 3);
    expect(surgeExcessAt(f, 600, 4000)).toBeCloseTo(4000, 3);
  });

  it('assumes no growth faster than doubling every 4 minutes', () => {
    const fit = fitSurge(minutes.map((m) => ({ minutes: m, excess: 100 * Math.exp(0.5 * m) })));
    expect(fit?.growthPerMinute).toBeLessThanOrEqual(SURGE_MAX_GROWTH);
    expect(SURGE_MAX_GROWTH).toBeCloseTo(Math.LN2 / 4, 9);
  });

  it('takes the upper end of the growth interval when the excess is noisy', () => {
    const noisy = minutes.map((m, i) => ({ minutes: m, excess: 100 * Math.exp(0.1 * m) + (i % 2 === 0 ? 15 : -15) }));
    expect(fitSurge(noisy)?.growthPerMinute).toBeGreaterThan(0.1);
  });

  it('sees no growth in a flat excess, and needs three points', () => {
    expect(fitSurge(minutes.map((m) => ({ minutes: m, excess: 50 })))?.growthPerMinute).toBe(0);
    expect(fitSurge([{ minutes: 0, excess: 1 }])).toBeUndefined();
  });
});

describe('planCapacity', () => {
  const forecast = (now: number, path: number[]): LoadForecast => ({
    method: 'trend',
    at: at('2023-02-15T11:00:00Z'),
    now,
    path: path.map((value, i) => ({ at: new Date(Date.UTC(2023, 1, 15, 11, i + 1)), value })),
    growthPerHour: 1,
  });

  it('needs ceil(peak / (perInstance × targetUtilization)) and offers the difference', () => {
    const p = planCapacity({ forecast: forecast(600, [800, 1100, 1400]), ...WEB });
    expect(p.needed).toBe(Math.ceil(1400 / 175)); // 8
    expect(p.scaleOut).toBe(4);
    expect(p.warn).toBe(true);
    expect(p.saturatesAt).toEqual(at('2023-02-15T11:02:00Z'));
    expect(p.peak).toEqual({ at: at('2023-02-15T11:03:00Z'), value: 1400 });
    expect(p.utilizationNow).toBeCloseTo(0.6);
    expect(p.utilizationAtPeak).toBeCloseTo(1.4);
  });

  it('does not warn while the forecast stays under the target utilization', () => {
    const p = planCapacity({ forecast: forecast(500, [600, 650, 700]), ...WEB });
    expect(p).toMatchObject({ needed: 4, scaleOut: 0, warn: false, saturatesAt: null, beyondMax: false });
  });

  it('takes the peak now when the load is falling', () => {
    const p = planCapacity({ forecast: forecast(900, [800, 700]), ...WEB });
    expect(p.peak).toEqual({ at: at('2023-02-15T11:00:00Z'), value: 900 });
    expect(p.needed).toBe(6);
  });

  it('sizes a warning on the surge path when there is one, and decides to warn on the trend path', () => {
    const surged = {
      ...forecast(600, [800, 1100, 1400]),
      surge: {
        path: [2000, 2500, 2800].map((value, i) => ({ at: new Date(Date.UTC(2023, 1, 15, 11, i + 1)), value })),
        growthPerHour: 5,
        ceiling: 4000,
      },
    };
    const p = planCapacity({ forecast: surged, ...WEB });
    expect(p).toMatchObject({ sizedOn: 'surge', needed: 16, scaleOut: 12, warn: true });
    expect(p.peak.value).toBe(2800);
    const quiet = planCapacity({ forecast: { ...surged, path: forecast(500, [600, 650, 700]).path }, ...WEB });
    expect(quiet).toMatchObject({ sizedOn: 'trend', needed: 4, scaleOut: 0, warn: false });
  });

  it('never offers beyond the target max, and says so', () => {
    const p = planCapacity({ forecast: forecast(600, [3000]), ...WEB, max: 10 });
    expect(p).toMatchObject({ needed: 18, scaleOut: 6, warn: true, beyondMax: true });
  });
});
