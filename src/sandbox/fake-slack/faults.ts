// Injected failures: the next N calls of a method answer as Slack does when it rate-limits or breaks.
import { FaultQueues } from '../fault-queues';

export interface FaultOptions {
  /** 429: rate limited (with Retry-After); 5xx: that HTTP status. Left out with `error`: HTTP 200 `{ ok: false, error }`. */
  status?: number;
  /** A platform error, answered as HTTP 200 `{ ok: false, error }`. */
  error?: string;
  /** For 429: the Retry-After header, in seconds. */
  retryAfterSeconds?: number;
  /** How many calls fail; 1 by default. */
  times?: number;
}

export type Fault =
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'http'; status: number }
  | { kind: 'platform'; error: string };

/** `fail('x')` with neither status nor error: Slack's generic transient failure. */
const DEFAULT_ERROR = 'internal_error';

function faultFrom(options: FaultOptions): Fault {
  if (options.status === 429) return { kind: 'rate_limited', retryAfterSeconds: options.retryAfterSeconds ?? 1 };
  if (options.status !== undefined && options.status !== 200) {
    if (options.status < 400 || options.status > 599)
      throw new Error(`FakeSlack.fail: status ${options.status} is not an HTTP error status`);
    return { kind: 'http', status: options.status };
  }
  return { kind: 'platform', error: options.error ?? DEFAULT_ERROR };
}

export class Faults {
  private readonly queues = new FaultQueues<Fault>();

  /** Queues a fault for `method` ("*" matches every method); faults for one method fire in the order queued. */
  add(method: string, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`FakeSlack.fail: times must be a positive integer, got ${times}`);
    this.queues.add(method, faultFrom(options), times);
  }

  /** The fault this call of `method` should suffer, if any; consumes one use of it. */
  take(method: string): Fault | undefined {
    return this.queues.take(method);
  }

  clear(): void {
    this.queues.clear();
  }
}
