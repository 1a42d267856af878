// The record of every Web API call the app made, for tests to assert on (including how fast it posted).
import type { Args } from './args';

export interface RecordedCall {
  method: string;
  args: Args;
  /** Clock time (ms) the call arrived. */
  at: number;
  ok: boolean;
  error?: string;
}

interface Entry extends RecordedCall {
  /** The channel id the call acted on, resolved from an id or a name; undefined for calls without one. */
  channelId?: string;
}

export class CallLog {
  private entries: Entry[] = [];

  add(call: RecordedCall, channelId: string | undefined): void {
    this.entries.push({ ...call, ...(channelId ? { channelId } : {}) });
  }

  calls(method?: string): RecordedCall[] {
    return this.entries
      .filter((e) => method === undefined || e.method === method)
      .map(({ channelId: _channelId, ...call }) => call);
  }

  /** Successful calls of `methods` that acted on a channel, oldest first, with that channel's id. */
  channelCalls(methods: readonly string[]): Array<{ channelId: string; method: string; at: number }> {
    const wanted = new Set(methods);
    return this.entries
      .filter((e) => e.ok && e.channelId && wanted.has(e.method))
      .map((e) => ({ channelId: e.channelId as string, method: e.method, at: e.at }));
  }

  /** The most successful calls of `methods` against one channel inside any 1-second sliding window. */
  maxCallsPerChannelPerSecond(methods: string[]): number {
    const wanted = new Set(methods);
    const byChannel = new Map<string, number[]>();
    for (const e of this.entries) {
      if (!e.ok || !e.channelId || !wanted.has(e.method)) continue;
      const times = byChannel.get(e.channelId) ?? [];
      times.push(e.at);
      byChannel.set(e.channelId, times);
    }
    let max = 0;
    for (const times of byChannel.values()) {
      times.sort((a, b) => a - b);
      let start = 0;
      for (let end = 0; end < times.length; end++) {
        while ((times[end] as number) - (times[start] as number) >= 1000) start++;
        max = Math.max(max, end - start + 1);
      }
    }
    return max;
  }

  clear(): void {
    this.entries = [];
  }
}
