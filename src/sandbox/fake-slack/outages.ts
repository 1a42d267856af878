// Outage windows: for a span of time every Web API call fails as Slack fails when it is down or throttling
// the whole app (429 with Retry-After, or an edge 5xx), whatever the method; then Slack is back.

export interface OutageSpec {
  /** 429 (rate limited, with Retry-After) or a 5xx. */
  status: number;
  /** How long the window lasts, from its start. */
  forMs: number;
  /** For 429: the Retry-After header, in seconds; 1 by default. */
  retryAfterSeconds?: number;
  /** For 5xx: Slack's edge answers an HTML page (the default) or, from the API tier, JSON `{ ok: false, error }`. */
  body?: 'html' | 'json';
}

export interface OutageWindow {
  status: number;
  retryAfterSeconds: number;
  body: 'html' | 'json';
  /** Clock times (ms): failing from `startsAt` (inclusive) until `endsAt` (exclusive). */
  startsAt: number;
  endsAt: number;
}

function windowFrom(spec: OutageSpec, startsAt: number): OutageWindow {
  if (spec.status !== 429 && (spec.status < 500 || spec.status > 599))
    throw new Error(`FakeSlack.outage: status must be 429 or 5xx, got ${spec.status}`);
  if (!(spec.forMs > 0)) throw new Error(`FakeSlack.outage: forMs must be positive, got ${spec.forMs}`);
  return {
    status: spec.status,
    retryAfterSeconds: spec.retryAfterSeconds ?? 1,
    body: spec.body ?? 'html',
    startsAt,
    endsAt: startsAt + spec.forMs,
  };
}

export class Outages {
  private list: OutageWindow[] = [];

  /** Windows back to back, the first starting at `startsAt`; returns them. */
  schedule(specs: OutageSpec[], startsAt: number): OutageWindow[] {
    let at = startsAt;
    const added = specs.map((spec) => {
      const window = windowFrom(spec, at);
      at = window.endsAt;
      return window;
    });
    this.list.push(...added);
    return added.map((w) => ({ ...w }));
  }

  /** The window `now` falls in, if any (the earliest scheduled when windows overlap). */
  at(now: number): OutageWindow | undefined {
    return this.list.find((w) => w.startsAt <= now && now < w.endsAt);
  }

  all(): OutageWindow[] {
    return this.list.map((w) => ({ ...w }));
  }

  /** Ends every window still running or scheduled at `now`; Slack answers normally from then on. */
  endAll(now: number): void {
    this.list = this.list.filter((w) => w.startsAt < now).map((w) => ({ ...w, endsAt: Math.min(w.endsAt, now) }));
  }

  clear(): void {
    this.list = [];
  }
}
