// The sandbox web tier's request rate, as its local Prometheus serves it: the usual daily load with its noise, plus
// a flash sale shaped as the seed's (load-curves' flashSaleExtra). By default the sale is the seed's own, live at
// 11:25 UTC on 15 February 2023, where the demo's scripted clock stands; in the live sandbox the console's
// "Start a flash sale" moves it to a few minutes from now. Kept across a restart with the sandbox's state.
import { FLASH_SALE_START, flashSaleExtra, noiseAt, usualLoad } from './load-curves';

/** The sandbox web target's load, as its `watch:` reads it from the local Prometheus. */
export const WEB_REQUEST_RATE_QUERY = 'sum(rate(http_requests_total{job="web"}[1m]))';
/** What one sandbox web server carries at 100 %, in requests per second (the seed's 250). */
export const WEB_PER_INSTANCE_RPS = 250;
/** A sale started from the console goes live this long after the click: the surge is seen building first. */
export const SALE_LEAD_MINUTES = 5;
const NOISE_SEED = 17;

export class WebTraffic {
  private saleLiveAt: Date = FLASH_SALE_START;

  /** When the sale goes (or went) live. */
  get saleStart(): Date {
    return this.saleLiveAt;
  }

  /** Requests per second at `at`: the usual load with its noise, plus the sale's surge, shifted to its start. */
  rateAt(at: Date): number {
    const shifted = new Date(at.getTime() - (this.saleLiveAt.getTime() - FLASH_SALE_START.getTime()));
    return Math.round((usualLoad(at) * noiseAt(at, { seed: NOISE_SEED }) + flashSaleExtra(shifted)) * 100) / 100;
  }

  /** The seed's flash sale from now: live `SALE_LEAD_MINUTES` later. Returns when it goes live. */
  startSale(now: Date): Date {
    this.saleLiveAt = new Date(now.getTime() + SALE_LEAD_MINUTES * 60_000);
    return this.saleLiveAt;
  }

  saveState(): { saleLiveAt: string } {
    return { saleLiveAt: this.saleLiveAt.toISOString() };
  }

  /** A state saved before the sandbox had traffic (undefined) keeps the seed's sale. */
  loadState(saved: unknown): void {
    if (saved === undefined) return;
    const at = (saved as { saleLiveAt?: unknown } | null)?.saleLiveAt;
    const parsed = typeof at === 'string' ? new Date(at) : null;
    if (!parsed || Number.isNaN(parsed.getTime())) throw new Error('the saved web traffic has no sale start');
    this.saleLiveAt = parsed;
  }
}
