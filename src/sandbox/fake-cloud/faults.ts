// Injected failures: the next N calls of an action answer with an AWS error instead of doing anything.
import { FaultQueues } from '../fault-queues';
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

type InjectedError = { code: string; status: number; message: string };

export class Faults {
  private readonly queues = new FaultQueues<InjectedError>();

  /** Queues a fault for `action` ("*" matches every action); faults for one action fire in the order queued. */
  add(action: string, options: FaultOptions): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`FakeCloud.fail: times must be a positive integer, got ${times}`);
    if (!options.code) throw new Error('FakeCloud.fail: code is required');
    const status = options.status ?? defaultStatus(options.code);
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new Error(`FakeCloud.fail: status ${status} is not an HTTP error status`);
    this.queues.add(
      action,
      { code: options.code, status, message: options.message ?? defaultMessage(options.code) },
      times,
    );
  }

  /** The error this call of `action` should answer with, if any; consumes one use of it. */
  take(action: string): CloudError | undefined {
    const error = this.queues.take(action);
    return error && new CloudError(error.code, error.message, error.status);
  }

  clear(): void {
    this.queues.clear();
  }
}
