// Slack's per-method rate tiers, off unless asked: each listed method allows so many calls per minute
// (a sliding 60-second window of the calls let through); over budget, the call is answered 429 with the
// seconds until the oldest call in the window leaves it as Retry-After. Refused calls do not spend budget.

const WINDOW_MS = 60_000;

export class RateLimits {
  private readonly perMinute = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  constructor(limits: Readonly<Record<string, number>> = {}) {
    this.set(limits);
  }

  /** Replaces the budget of each method named (0 or less removes its limit). */
  set(limits: Readonly<Record<string, number>>): void {
    for (const [method, budget] of Object.entries(limits)) {
      if (!Number.isFinite(budget))
        throw new Error(`FakeSlack rateLimits: ${method} needs a number of calls per minute, got ${budget}`);
      if (budget <= 0) this.perMinute.delete(method);
      else this.perMinute.set(method, Math.floor(budget));
    }
  }

  /** Records a call of `method` at `now` if within budget and returns undefined; else the Retry-After seconds. */
  take(method: string, now: number): number | undefined {
    const budget = this.perMinute.get(method);
    if (budget === undefined) return undefined;
    const times = (this.recent.get(method) ?? []).filter((t) => t > now - WINDOW_MS);
    this.recent.set(method, times);
    const oldest = times[0];
    if (times.length >= budget && oldest !== undefined)
      return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
    times.push(now);
    return undefined;
  }

  /** Forgets the calls counted so far (the budgets stay). */
  clear(): void {
    this.recent.clear();
  }
}
