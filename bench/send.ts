// The one sender every figure uses, floor and Firebreak alike: HTTP over a keep-alive pool, and a closed
// loop that keeps a fixed number of requests in flight and records each one's latency and completion.
import { Agent, request } from 'node:http';

// Like Alertmanager, a sender keeps connections open rather than a socket per request (thousands of
// connects would measure the kernel's accept queue, not the server). Sized above the highest concurrency.
// One pool per kind of client, as in life: Slack, a monitor and a browser do not share connections, and
// sharing one pool once queued slash commands behind a storm's webhooks for seconds on the bench's side.
const pools = new Map<string, Agent>();

function pool(client: Client): Agent {
  let agent = pools.get(client);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 128 });
    pools.set(client, agent);
  }
  return agent;
}

/** Who is sending: each has its own connections. */
export type Client = 'monitor' | 'slack' | 'browser';

export interface Reply {
  status: number;
  text: string;
}

export function send(
  client: Client,
  method: 'GET' | 'POST',
  url: URL,
  body = '',
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: pool(client),
        headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Closes the pooled connections, so the bench process can exit. */
export function closeSender(): void {
  for (const agent of pools.values()) agent.destroy();
  pools.clear();
}

/** What one request achieved: `units` accepted (alerts, commands…), or why it was refused. */
export type Outcome = { ok: true; units: number } | { ok: false; why: string };

export interface LoadOptions {
  concurrency: number;
  /** How many requests to send; or, without it, keep sending until `until()` is true. */
  requests?: number;
  until?: () => boolean;
  /** Sends request number `i` and says what it achieved. */
  one(i: number): Promise<Outcome>;
}

export interface LoadResult {
  requests: number;
  /** Units accepted (alerts stored, commands acknowledged). */
  units: number;
  refused: number;
  /** Why requests were refused ("HTTP 503", "ECONNRESET"), with counts. */
  refusals: Record<string, number>;
  seconds: number;
  /** Per request, in ms, refused ones included. */
  latencies: number[];
  /** Accepted requests in completion order: when (ms since the start) and how many units. */
  completions: Array<{ atMs: number; units: number }>;
}

/** Runs `one` from `concurrency` workers, each sending its next request as soon as its last is answered. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.requests === undefined && options.until === undefined) throw new Error('runLoad needs requests or until');
  const result: LoadResult = {
    requests: 0,
    units: 0,
    refused: 0,
    refusals: {},
    seconds: 0,
    latencies: [],
    completions: [],
  };
  const refuse = (why: string): void => {
    result.refused += 1;
    result.refusals[why] = (result.refusals[why] ?? 0) + 1;
  };
  let next = 0;
  const more = (): boolean =>
    options.requests !== undefined ? next < options.requests : !(options.until as () => boolean)();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (more()) {
      const i = next++;
      const sent = performance.now();
      let outcome: Outcome;
      try {
        outcome = await options.one(i);
      } catch (error) {
        outcome = { ok: false, why: (error as { code?: string }).code ?? (error as Error).message };
      }
      const done = performance.now();
      result.requests += 1;
      result.latencies.push(done - sent);
      if (outcome.ok) {
        result.units += outcome.units;
        result.completions.push({ atMs: done - started, units: outcome.units });
      } else {
        refuse(outcome.why);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/**
 * Several runs of one thing (the floor before and after Firebreak) as one: samples pooled, time summed.
 * Completions are left out: each run's storm grows its own store from empty, so tenths are per run.
 */
export function pooled(runs: readonly LoadResult[]): LoadResult {
  const result: LoadResult = {
    requests: 0,
    units: 0,
    refused: 0,
    refusals: {},
    seconds: 0,
    latencies: [],
    completions: [],
  };
  for (const run of runs) {
    result.requests += run.requests;
    result.units += run.units;
    result.refused += run.refused;
    for (const [why, n] of Object.entries(run.refusals)) result.refusals[why] = (result.refusals[why] ?? 0) + n;
    result.latencies = result.latencies.concat(run.latencies);
    result.seconds += run.seconds;
  }
  return result;
}
