// Injected failures as the local fakes keep them: per name (a Web API method, an AWS action), each queued
// for a number of calls and used in the order queued; "*" matches every name, after the name's own.

export class FaultQueues<F> {
  private pending = new Map<string, Array<{ fault: F; remaining: number }>>();

  add(name: string, fault: F, times: number): void {
    const queue = this.pending.get(name) ?? [];
    queue.push({ fault, remaining: times });
    this.pending.set(name, queue);
  }

  /** The fault this call of `name` should suffer, if any; consumes one use of it. */
  take(name: string): F | undefined {
    return this.takeFrom(name) ?? this.takeFrom('*');
  }

  clear(): void {
    this.pending.clear();
  }

  private takeFrom(key: string): F | undefined {
    const queue = this.pending.get(key);
    const next = queue?.[0];
    if (!queue || !next) return undefined;
    next.remaining -= 1;
    if (next.remaining === 0) queue.shift();
    if (queue.length === 0) this.pending.delete(key);
    return next.fault;
  }
}
