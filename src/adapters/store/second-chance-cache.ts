// A bounded cache that keeps what is used: on a hit it only marks the entry (no reordering, so a hit costs one
// map look-up), and when full it evicts the oldest entry not used since it was last passed over (the CLOCK or
// "second chance" approximation of least-recently-used). The SQLite statement cache runs it several times per
// stored alert: an exact LRU's delete-and-reinsert on every hit was ~2 % of a 6-alert storm's CPU.

interface Entry<V> {
  value: V;
  used: boolean;
}

export class SecondChanceCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`a cache holds at least one entry, not ${capacity}`);
  }

  /** The value cached for `key`, or `create()`'s, cached (evicting one entry if full). */
  get(key: string, create: () => V): V {
    const hit = this.entries.get(key);
    if (hit) {
      hit.used = true;
      return hit.value;
    }
    const value = create();
    if (this.entries.size >= this.capacity) this.evictOne();
    this.entries.set(key, { value, used: false });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** From the oldest: an entry used since it was last passed over goes to the back, unmarked; the first unused one goes. */
  private evictOne(): void {
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.entries.set(key, entry);
    }
  }
}
