// Resource ids shaped like AWS's (i-, r-, 17 hex digits) and request ids, from a seed so runs can repeat.
import { createHash, randomBytes } from 'node:crypto';

export class Ids {
  private counter = 0;

  constructor(private seed: string = randomBytes(8).toString('hex')) {}

  /** The seed and how far it went, so ids restored from disk never repeat. */
  save(): { seed: string; counter: number } {
    return { seed: this.seed, counter: this.counter };
  }

  load(saved: { seed: string; counter: number }): void {
    this.seed = saved.seed;
    this.counter = saved.counter;
  }

  /** `${prefix}-` and 17 hex digits, the first a 0 as in AWS's long ids: i-0abc…, r-0abc…. */
  resource(prefix: string): string {
    return `${prefix}-0${this.next(prefix).slice(0, 16)}`;
  }

  /** A request id shaped like a UUID. */
  request(): string {
    const h = this.next('request');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  private next(kind: string): string {
    this.counter += 1;
    return createHash('sha256').update(`${this.seed}:${kind}:${this.counter}`).digest('hex');
  }
}
