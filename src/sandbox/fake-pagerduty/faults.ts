// Injected failures: the next N requests to a path answer with an HTTP error, as PagerDuty does when it throttles or breaks.

export interface FaultOptions {
  /** 429 (throttled / rate limited), 400, 500, 503, or any other 4xx/5xx. */
  status: number;
  /** How many requests fail; 1 by default. */
  times?: number;
  /** Replaces the default message in the error body. */
  message?: string;
  /**
   * The request takes effect and only its answer is the error: an answer lost on the way back. Honoured by
   * POST /incidents/{id}/responder_requests; elsewhere the request fails as usual.
   */
  applied?: boolean;
}

export interface Fault {
  status: number;
  message?: string;
  applied?: boolean;
}

export class Faults {
  private pending: Array<{ path: string; fault: Fault; remaining: number }> = [];

  /**
   * Queues a fault for `path`: exact ('/v2/enqueue', '/oncalls', '/users/PUSR0ALICE'), a prefix ending in '*'
   * ('/users/*'), or '*' for every path. Faults fire in the order queued.
   */
  add(path: string, options: FaultOptions): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`FakePagerDuty.fail: times must be a positive integer, got ${times}`);
    if (!Number.isInteger(options.status) || options.status < 400 || options.status > 599) {
      throw new Error(`FakePagerDuty.fail: status ${options.status} is not an HTTP error status`);
    }
    this.pending.push({
      path,
      fault: {
        status: options.status,
        ...(options.message !== undefined ? { message: options.message } : {}),
        ...(options.applied ? { applied: true } : {}),
      },
      remaining: times,
    });
  }

  /** The fault this request to `path` should suffer, if any; consumes one use of it. */
  take(path: string): Fault | undefined {
    const index = this.pending.findIndex((p) => matches(p.path, path));
    const entry = this.pending[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.pending.splice(index, 1);
    return entry.fault;
  }

  clear(): void {
    this.pending = [];
  }
}

function matches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}
