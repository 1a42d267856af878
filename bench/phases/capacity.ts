// Issue 17's forecast, measured: on the seed's flash sale (replayed minute by minute, three noise seeds) the
// lead time between the first capacity warning and the moment the load exceeds the web tier's capacity, and on
// an ordinary week the number of minutes that would have warned (false warnings). Pure: no process, no network.
import { planCapacity } from '../../src/domain/capacity/capacity-plan';
import { forecastLoad } from '../../src/domain/capacity/forecast';
import { FLASH_SALE_START, flashSaleDay, flashSaleExtra, usualLoad, usualWeek } from '../../src/sandbox/load-curves';
import type { PhaseContext } from './common';

const MINUTE = 60_000;
// The seed's web tier: 4 servers of 250 requests per second, kept under 70 %, looking 20 minutes ahead.
const WEB = { instances: 4, perInstance: 250, targetUtilization: 0.7 };
const LOOKAHEAD_MINUTES = 20;
const MIN_LEAD_MINUTES = 10;

function warns(points: Parameters<typeof forecastLoad>[0], t: number): boolean {
  const forecast = forecastLoad(points, { now: new Date(t), lookaheadMinutes: LOOKAHEAD_MINUTES });
  return forecast !== undefined && planCapacity({ forecast, ...WEB }).warn;
}

/** Minutes between the first warning and the load exceeding capacity; undefined if either never happens. */
function leadMinutes(seed: number): number | undefined {
  const points = flashSaleDay({ start: new Date('2023-02-12T00:00:00Z'), end: new Date('2023-02-15T14:00:00Z'), seed });
  const capacity = WEB.instances * WEB.perInstance;
  let firstWarning: number | undefined;
  for (let t = FLASH_SALE_START.getTime() - 120 * MINUTE; t <= FLASH_SALE_START.getTime() + 60 * MINUTE; t += MINUTE) {
    if (firstWarning === undefined && warns(points, t)) firstWarning = t;
    if (usualLoad(new Date(t)) + flashSaleExtra(new Date(t)) > capacity)
      return firstWarning === undefined ? undefined : (t - firstWarning) / MINUTE;
  }
  return undefined;
}

export async function capacityForecast(ctx: PhaseContext): Promise<void> {
  console.log('Capacity forecast (issue 17): flash-sale lead time and false warnings on an ordinary week…');
  const leads = [7, 11, 23].map((seed) => ({ seed, lead: leadMinutes(seed) }));
  const worst = Math.min(...leads.map((l) => l.lead ?? Number.NEGATIVE_INFINITY));
  ctx.checks.check(
    `capacity forecast: warning >= ${MIN_LEAD_MINUTES} min before the flash sale saturates web`,
    worst >= MIN_LEAD_MINUTES,
    leads.map((l) => `seed ${l.seed}: ${l.lead === undefined ? 'no warning' : `${l.lead} min`}`).join(', '),
  );
  const week = usualWeek({ start: new Date('2023-03-01T00:00:00Z'), end: new Date('2023-03-15T00:00:00Z'), seed: 3 });
  let evaluated = 0;
  let falseWarnings = 0;
  for (let t = Date.parse('2023-03-08T00:00:00Z'); t < Date.parse('2023-03-15T00:00:00Z'); t += 2 * MINUTE) {
    evaluated++;
    if (warns(week, t)) falseWarnings++;
  }
  ctx.checks.check(
    'capacity forecast: no false warning on an ordinary week',
    falseWarnings === 0,
    `${falseWarnings} of ${evaluated} two-minute evaluations warned`,
  );
  ctx.report.record('capacityForecast', { leadMinutes: leads, falseWarnings, evaluated });
}
