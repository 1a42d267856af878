// Issue 17's forecast, measured: on the seed's flash sale (replayed minute by minute, noise seeds 7, 11, 23 and
// 1–40) the lead time between the first capacity warning and the moment the load exceeds the web tier's capacity, how far
// the first offer would carry the load if accepted, and the largest offer during the sale against what the sale's
// true peak needs; on an ordinary week the number of minutes that would have warned (false warnings). Pure: no
// process, no network.
import { planCapacity } from '../../src/domain/capacity/capacity-plan';
import { forecastLoad } from '../../src/domain/capacity/forecast';
import { FLASH_SALE_START, flashSaleDay, flashSaleExtra, usualLoad, usualWeek } from '../../src/sandbox/load-curves';
import type { PhaseContext } from './common';

const MINUTE = 60_000;
// The seed's web tier: 4 servers of 250 requests per second, kept under 70 %, looking 20 minutes ahead.
const WEB = { instances: 4, perInstance: 250, targetUtilization: 0.7 };
const LOOKAHEAD_MINUTES = 20;
const MIN_LEAD_MINUTES = 10;

const trueLoad = (t: number) => usualLoad(new Date(t)) + flashSaleExtra(new Date(t));

function plan(points: Parameters<typeof forecastLoad>[0], t: number) {
  const forecast = forecastLoad(points, { now: new Date(t), lookaheadMinutes: LOOKAHEAD_MINUTES });
  return forecast === undefined ? undefined : planCapacity({ forecast, ...WEB });
}

interface SaleRun {
  seed: number;
  /** Minutes between the first warning and the load exceeding capacity; undefined if either never happens. */
  lead?: number;
  firstWarningAt?: string;
  /** Instances the first offer would give (instances + scaleOut). */
  firstOffer?: number;
  /** Minutes of the lookahead, from the first warning, that the first offer keeps at or under the target utilization (consecutive, from the start). */
  firstOfferCoveredMinutes?: number;
  /** The highest utilization within the lookahead on the first offer's instances. */
  firstOfferMaxUtilization?: number;
  /** The largest number of instances offered while the warning was up (the sale's first hour). */
  largestOffer?: number;
}

function saleRun(seed: number): SaleRun {
  const points = flashSaleDay({ start: new Date('2023-02-12T00:00:00Z'), end: new Date('2023-02-15T14:00:00Z'), seed });
  const capacity = WEB.instances * WEB.perInstance;
  const run: SaleRun = { seed };
  let firstWarning: number | undefined;
  let saturation: number | undefined;
  let largest = 0;
  for (let t = FLASH_SALE_START.getTime() - 120 * MINUTE; t <= FLASH_SALE_START.getTime() + 60 * MINUTE; t += MINUTE) {
    const p = plan(points, t);
    if (p?.warn) {
      const offered = WEB.instances + p.scaleOut;
      largest = Math.max(largest, offered);
      if (firstWarning === undefined) {
        firstWarning = t;
        run.firstOffer = offered;
      }
    }
    if (saturation === undefined && trueLoad(t) > capacity) saturation = t;
  }
  if (firstWarning !== undefined && run.firstOffer !== undefined) {
    run.firstWarningAt = new Date(firstWarning).toISOString().slice(11, 16);
    if (saturation !== undefined) run.lead = (saturation - firstWarning) / MINUTE;
    let covered = 0;
    let maxUtilization = 0;
    for (let k = 1; k <= LOOKAHEAD_MINUTES; k++) {
      const utilization = trueLoad(firstWarning + k * MINUTE) / (run.firstOffer * WEB.perInstance);
      maxUtilization = Math.max(maxUtilization, utilization);
      if (utilization <= WEB.targetUtilization && covered === k - 1) covered = k;
    }
    run.firstOfferCoveredMinutes = covered;
    run.firstOfferMaxUtilization = Math.round(maxUtilization * 100) / 100;
    run.largestOffer = largest;
  }
  return run;
}

/** Instances the sale's true peak needs at the target utilization (the sale's first three hours, minute by minute). */
function peakNeeded(): number {
  let peak = 0;
  for (let t = FLASH_SALE_START.getTime(); t <= FLASH_SALE_START.getTime() + 180 * MINUTE; t += MINUTE)
    peak = Math.max(peak, trueLoad(t));
  return Math.ceil(peak / (WEB.perInstance * WEB.targetUtilization));
}

export async function capacityForecast(ctx: PhaseContext): Promise<void> {
  console.log(
    'Capacity forecast (issue 17): flash-sale lead time, first offer and false warnings on an ordinary week…',
  );
  // Seeds 7, 11 and 23 (those the unit tests follow minute by minute) and 1–40 (the unit test's forty).
  const seeds = [7, 11, 23, ...Array.from({ length: 40 }, (_, i) => i + 1).filter((s) => ![7, 11, 23].includes(s))];
  const runs = seeds.map(saleRun);
  const worst = Math.min(...runs.map((r) => r.lead ?? Number.NEGATIVE_INFINITY));
  ctx.checks.check(
    `capacity forecast: warning >= ${MIN_LEAD_MINUTES} min before the flash sale saturates web`,
    worst >= MIN_LEAD_MINUTES,
    runs.some((r) => r.lead === undefined)
      ? `no warning on seeds ${runs
          .filter((r) => r.lead === undefined)
          .map((r) => r.seed)
          .join(', ')}`
      : `${Math.min(...runs.map((r) => r.lead as number))}–${Math.max(...runs.map((r) => r.lead as number))} min over ${runs.length} noise seeds`,
  );
  // Issue 17's criterion: the first offer, accepted, keeps utilization under the target through the lookahead.
  const needed = peakNeeded();
  const short = runs.filter((r) => (r.firstOfferCoveredMinutes ?? 0) < LOOKAHEAD_MINUTES);
  const offers = runs.map((r) => r.firstOffer ?? 0);
  const largest = runs.map((r) => r.largestOffer ?? 0);
  ctx.checks.check(
    `capacity forecast: the first offer keeps web <= ${WEB.targetUtilization * 100} % for the whole ${LOOKAHEAD_MINUTES}-min lookahead`,
    short.length === 0,
    `${runs.length - short.length} of ${runs.length} noise seeds; first offers ${Math.min(...offers)}–${Math.max(...offers)} instances` +
      (short.length > 0
        ? `; short: ${short.map((r) => `seed ${r.seed} ${r.firstOfferCoveredMinutes ?? 0} min`).join(', ')}`
        : ''),
  );
  ctx.checks.check(
    `capacity forecast: no offer during the sale above 1.5× what its height needs (${needed})`,
    Math.max(...largest) <= 1.5 * needed,
    `largest offers ${Math.min(...largest)}–${Math.max(...largest)}`,
  );
  for (const r of runs.slice(0, 3))
    console.log(
      `  seed ${r.seed}: first warning ${r.firstWarningAt ?? '—'} offers ${r.firstOffer ?? '—'} instances, ` +
        `keeping utilization <= ${WEB.targetUtilization * 100} % for ${r.firstOfferCoveredMinutes ?? 0} of ` +
        `${LOOKAHEAD_MINUTES} min (max ${Math.round((r.firstOfferMaxUtilization ?? 0) * 100)} % within the lookahead); ` +
        `largest offer ${r.largestOffer ?? '—'} (the sale's true peak needs ${needed})`,
    );
  const week = usualWeek({ start: new Date('2023-03-01T00:00:00Z'), end: new Date('2023-03-15T00:00:00Z'), seed: 3 });
  let evaluated = 0;
  let falseWarnings = 0;
  for (let t = Date.parse('2023-03-08T00:00:00Z'); t < Date.parse('2023-03-15T00:00:00Z'); t += 2 * MINUTE) {
    evaluated++;
    if (plan(week, t)?.warn) falseWarnings++;
  }
  ctx.checks.check(
    'capacity forecast: no false warning on an ordinary week',
    falseWarnings === 0,
    `${falseWarnings} of ${evaluated} two-minute evaluations warned`,
  );
  ctx.report.record('capacityForecast', {
    leadMinutes: runs.map((r) => ({ seed: r.seed, lead: r.lead })),
    firstOffer: runs.map(({ lead: _lead, ...rest }) => rest),
    firstOfferCoversLookahead: `${runs.length - short.length}/${runs.length}`,
    peakNeeded: needed,
    falseWarnings,
    evaluated,
  });
}
