// Injected failures: the next N calls of an action answer with an AWS error instead of doing anything.
import { CloudError, defaultMessage, defaultStatus } from './errors';

export interface FaultOptions {
  /** AWS's error code, e.g. InsufficientInstanceCapacity, UnauthorizedOperation, RequestLimitExceeded, Throttling, InternalError. */
  code: string;
  /** HTTP status; by default the one AWS sends with `code` (500 capacity/internal, 503 RequestLimitExceeded, 400 Throttling, 403 unauthorized, else 400). */
  status?: number;
  /** By default AWS's usual message for `code`. */
  message?: string;
  /** How many calls fail; 1 by default. */
  times?: number;
}

interface Pending {
  error: { code: string; status: number; message: string };
  remaining: number;
}

export class Faults {
  private pending = new Map<string, Pending[]>();

  /** Queues a fault for `action` ("*" matches every action); faults for one action fire in the order queued. */
  add(action: string, options: FaultOptions): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`FakeCloud.fail: times must be a positive integer, got ${times}`);
    if (!options.code) throw new Error('FakeCloud.fail: code is required');
    const status = options.status ?? defaultStatus(options.code);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`FakeCloud.fail: status ${status} is not an HTTP error status`);
    const queue = this.pending.get(action) ?? [];
    queue.push({ error: { code: options.code, status, message: options.message ?? defaultMessage(options.code) }, remaining: times });
    this.pending.set(action, queue);
  }

  /** The error this call of `action` should answer with, if any; consumes one use of it. */
  take(action: string): CloudError | undefined {
    const pending = this.takeFrom(action) ?? this.takeFrom('*');
    return pending && new CloudError(pending.error.code, pending.error.message, pending.error.status);
  }

  clear(): void {
    this.pending.clear();
  }

  private takeFrom(key: string): Pending | undefined {
    const queue = this.pending.get(key);
    const next = queue?.[0];
    if (!queue || !next) return undefined;
    next.remaining -= 1;
    if (next.remaining === 0) queue.shift();
    if (queue.length === 0) this.pending.delete(key);
    return next;
  }
}
