// The outbox worker driven step by step (runOnce) on a clock that moves only when told, over a real SQLite
// store: leases, retries and their backoff, Retry-After, deferred jobs, burying, and each lane's pace; and
// started (start/stop) for the lease heartbeat and for taking back a previous process's work.
import { FirebreakError } from '../../../src/errors';
import {
  deferred,
  type JobHandler,
  OutboxWorker,
  type OutboxWorkerOptions,
  sent,
  skipped,
} from '../../../src/outbox/outbox-worker';
import type { OutboxJob, Store } from '../../../src/ports/store';
import { T0 } from '../../support/builders';
import { eventually } from '../../support/eventually';
import { freshSqliteStore } from '../../support/sqlite-store';

/** A clock that moves only when told to, or when the worker sleeps out a lane's pace on it. */
function fakeClock(start: Date) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number): void {
      now += ms;
    },
    set(at: Date): void {
      now = at.getTime();
    },
    /** The worker's sleep: the time passes on this clock, at once. */
    sleep: async (ms: number): Promise<void> => {
      now += ms;
    },
  };
}

type TestClock = ReturnType<typeof fakeClock>;

/**
 * A clock in step with real time, from `start` on: the heartbeat renews leases on real timers, so the time
 * leases are given and compared on must pass with them. Its sleep is real too.
 */
function realTimeClock(start: Date): TestClock {
  let offset = start.getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms: number): void {
      offset += ms;
    },
    set(at: Date): void {
      offset = at.getTime() - Date.now();
    },
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
}

const ms = (date: Date): number => date.getTime() - T0.getTime();

let store: Store;
let remove: () => Promise<void>;
let clock: TestClock;
let logged: Array<{ level: 'info' | 'warn' | 'error'; msg: string }>;
let seen: { delivered: number[]; retried: number[]; buried: number[] };
/** Each handler call: the job's kind and id, its attempt, and the clock's time (ms after T0). */
let ran: Array<{ kind: string; id: number; attempts: number; at: number }>;
/** Workers a test started, stopped after it; and its hanging calls, let go first so that stop() can finish. */
let started: OutboxWorker[];
let hung: Array<() => void>;

beforeEach(async () => {
  ({ store, remove } = await freshSqliteStore('outbox-unit'));
  clock = fakeClock(T0);
  logged = [];
  seen = { delivered: [], retried: [], buried: [] };
  ran = [];
  started = [];
  hung = [];
});
afterEach(async () => {
  for (const letGo of hung) letGo();
  await Promise.all(started.map((w) => w.stop()));
  jest.restoreAllMocks();
  await remove();
});

function worker(handlers: Record<string, JobHandler>, options: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  return new OutboxWorker({
    store,
    clock,
    sleep: clock.sleep,
    handlers,
    logger: {
      info: (_obj, msg) => void logged.push({ level: 'info', msg }),
      warn: (_obj, msg) => void logged.push({ level: 'warn', msg }),
      error: (_obj, msg) => void logged.push({ level: 'error', msg }),
    },
    observer: {
      delivered: (job) => void seen.delivered.push(job.id),
      retried: (job) => void seen.retried.push(job.id),
      buried: (job) => void seen.buried.push(job.id),
    },
    laneIntervalMs: 1000,
    baseBackoffMs: 1000,
    maxBackoffMs: 8000,
    ...options,
  });
}

/** A worker running on its own (its loop and its heartbeat), stopped after the test. */
function startWorker(handlers: Record<string, JobHandler>, options: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  const w = worker(handlers, options);
  started.push(w);
  w.start();
  return w;
}

/** A handler that records each call, then answers with the next of `outcomes` (the last one repeats). */
function scripted(...outcomes: JobHandler[]): JobHandler {
  let call = 0;
  return async (j) => {
    ran.push({ kind: j.kind, id: j.id, attempts: j.attempts, at: ms(clock.now()) });
    const next = outcomes[Math.min(call, outcomes.length - 1)] as JobHandler;
    call += 1;
    return next(j);
  };
}

/**
 * A handler whose call does not answer (a hung Slack call, a frozen process) until the test lets it go; it
 * records each call under `kind` and says when the first has started.
 */
function hangingHandler(kind?: string): { handler: JobHandler; inHand: Promise<void>; letGo(): void } {
  let letGo = (): void => undefined;
  const hanging = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  hung.push(letGo);
  let started = (): void => undefined;
  const inHand = new Promise<void>((resolve) => {
    started = resolve;
  });
  const handler: JobHandler = async (j) => {
    ran.push({ kind: kind ?? j.kind, id: j.id, attempts: j.attempts, at: ms(clock.now()) });
    started();
    await hanging;
    return sent('late');
  };
  return { handler, inHand, letGo };
}

const ok: JobHandler = async (j) => sent(j.kind);
const unavailable: JobHandler = async () => {
  throw new FirebreakError('CHAT_UNAVAILABLE', 'Slack answered HTTP 503');
};

async function job(id: number): Promise<OutboxJob> {
  const found = (await store.outbox.list()).find((j) => j.id === id);
  if (!found) throw new Error(`no outbox job ${id}`);
  return found;
}

const enqueue = async (kind: string, options: { lane?: string; notBefore?: Date } = {}) =>
  (
    await store.outbox.enqueue(
      {
        kind,
        ...(options.lane ? { payload: { lane: options.lane } } : {}),
        ...(options.notBefore ? { notBefore: options.notBefore } : {}),
      },
      clock.now(),
    )
  ).id;

describe('running jobs', () => {
  it('runs a due job once; a job enqueued for later waits for its time', async () => {
    const w = worker({ post: scripted(ok) });
    const now = await enqueue('post');
    const later = await enqueue('post', { notBefore: new Date(T0.getTime() + 5000) });

    expect(await w.runOnce()).toBe(1);
    expect(ran).toEqual([{ kind: 'post', id: now, attempts: 1, at: 0 }]);
    expect((await job(now)).status).toBe('done');
    expect(await w.runOnce()).toBe(0);

    clock.advance(4999);
    expect(await w.runOnce()).toBe(0);
    clock.advance(1);
    expect(await w.runOnce()).toBe(1);
    expect(ran.map((r) => [r.id, r.at])).toEqual([
      [now, 0],
      [later, 5000],
    ]);
    expect(seen.delivered).toEqual([now, later]);
  });
});

describe('leases', () => {
  it('leaves a lane to the worker holding it until its lease lapses, then another worker runs the job again', async () => {
    // The first worker's call never answers until the test lets it.
    const { handler, inHand, letGo } = hangingHandler('first');
    const first = worker({ post: handler }, { leaseMs: 3000 });
    const second = worker({ post: scripted(ok) }, { leaseMs: 3000 });
    const id = await enqueue('post', { lane: 'incident:1' });

    const firstRun = first.runOnce();
    await inHand;
    expect(await second.runOnce()).toBe(0);
    clock.advance(3000);
    expect(await second.runOnce()).toBe(0); // the lease runs to 3 s exactly
    clock.advance(1);
    expect(await second.runOnce()).toBe(1);
    expect(ran).toEqual([
      { kind: 'first', id, attempts: 1, at: 0 },
      { kind: 'post', id, attempts: 2, at: 3001 },
    ]);
    expect((await job(id)).status).toBe('done');

    letGo();
    await firstRun;
    expect((await job(id)).status).toBe('done');
  });
});

describe('lease heartbeat', () => {
  // The heartbeat renews every leaseMs / 4 on a real timer: a short real lease, on a clock that keeps real time.
  // Short, but not so short that a loaded machine's stall (GC, a busy core under parallel jest workers) outlasts
  // it: at 300 ms such a stall could let the second worker take a lane still at work (one unexplained failure
  // under a loaded machine was seen at 300 ms).
  const LEASE = 600;
  const RENEW_FAILED = 'outbox: could not renew lane leases; another replica may take them over';

  beforeEach(() => {
    clock = realTimeClock(T0);
  });

  /** Passes the first worker's renewals through to the store, noting when each was, until its database is cut off. */
  function renewals(): { at: number[]; cutOff(): void } {
    const renew = store.outbox.renewLeases;
    const at: number[] = [];
    let reachable = true;
    jest.spyOn(store.outbox, 'renewLeases').mockImplementation(async (owner, now, leaseMs) => {
      if (!reachable) throw new FirebreakError('STORE_UNAVAILABLE', 'database unreachable');
      at.push(ms(now));
      return renew(owner, now, leaseMs);
    });
    return {
      at,
      cutOff: () => {
        reachable = false;
      },
    };
  }

  it("keeps a long job's lane its own for many leases; another worker takes it one lease after the renewals stop", async () => {
    const renewed = renewals();
    const { handler, inHand } = hangingHandler('first');
    const id = await enqueue('post', { lane: 'incident:1' });
    // Its loop looks no more after its claim, so the only one to take the lapsed lane is the second worker.
    startWorker({ post: handler }, { leaseMs: LEASE, pollMs: 60_000 });
    const second = worker({ post: scripted(ok) }, { leaseMs: LEASE });
    await inHand;

    let taken = 0;
    await eventually(async () => {
      taken += await second.runOnce();
      return ms(clock.now()) > 3 * LEASE;
    }, 'three leases with the first worker at work');
    expect(taken).toBe(0);
    expect(ran.map((r) => r.kind)).toEqual(['first']);
    expect(renewed.at.length).toBeGreaterThanOrEqual(5);

    // The first worker loses its database: its job hangs on, but its lease is no longer renewed.
    renewed.cutOff();
    await eventually(() => second.runOnce(), 'the second worker taking the lane');
    const lastLease = (renewed.at.at(-1) as number) + LEASE;
    expect(ran).toEqual([
      { kind: 'first', id, attempts: 1, at: expect.any(Number) },
      { kind: 'post', id, attempts: 2, at: expect.any(Number) },
    ]);
    // Not before the last lease the first worker was given had run out.
    expect(ran[1]?.at).toBeGreaterThan(lastLease);
    expect((await job(id)).status).toBe('done');
    expect(logged).toContainEqual({ level: 'warn', msg: RENEW_FAILED });
  });

  it('logs a failed renewal as a warning and carries on: the lane stays its own, its job ends, the next one runs', async () => {
    const renew = jest
      .spyOn(store.outbox, 'renewLeases')
      .mockRejectedValueOnce(new FirebreakError('STORE_UNAVAILABLE', 'database is locked'));
    const { handler, inHand, letGo } = hangingHandler('first');
    const id = await enqueue('post', { lane: 'incident:1' });
    const first = startWorker({ post: handler, invite: scripted(ok) }, { leaseMs: LEASE, pollMs: 50 });
    const second = worker({ post: scripted(ok) }, { leaseMs: LEASE });
    await inHand;

    await eventually(() => logged.some((l) => l.msg === RENEW_FAILED), 'the failed renewal');
    const failedAt = ms(clock.now());
    let taken = 0;
    await eventually(async () => {
      taken += await second.runOnce();
      return ms(clock.now()) > failedAt + 3 * LEASE;
    }, 'three leases after the failed renewal');
    expect(taken).toBe(0);
    expect(renew.mock.calls.length).toBeGreaterThan(3);

    letGo();
    await eventually(async () => (await job(id)).status === 'done', 'the long job done');
    const next = await enqueue('invite', { lane: 'incident:2' });
    first.wake();
    await eventually(async () => (await job(next)).status === 'done', 'the next job done');
    expect(ran.map((r) => [r.kind, r.id])).toEqual([
      ['first', id],
      ['invite', next],
    ]);
    expect(logged).toEqual([{ level: 'warn', msg: RENEW_FAILED }]);
  });

  it('keeps renewing while stop() waits for the job in hand, and renews nothing once stopped', async () => {
    const renewed = renewals();
    const stuck = hangingHandler('first');
    const late = hangingHandler('after stop');
    const id = await enqueue('post', { lane: 'incident:1' });
    const first = startWorker({ post: stuck.handler, invite: late.handler }, { leaseMs: LEASE });
    const second = worker({ post: scripted(ok), invite: scripted(ok) }, { leaseMs: LEASE });
    await stuck.inHand;

    // Stopping: no new claims, but the job in hand finishes first, its lane still this worker's.
    const stopping = first.stop();
    const stopAt = ms(clock.now());
    let taken = 0;
    await eventually(async () => {
      taken += await second.runOnce();
      return ms(clock.now()) > stopAt + 3 * LEASE;
    }, 'three leases into the stop');
    expect(taken).toBe(0);
    expect(renewed.at.filter((at) => at > stopAt).length).toBeGreaterThanOrEqual(3);
    stuck.letGo();
    await stopping;
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 1 });

    // Stopped, the worker has no heartbeat: a lane it is handed now (runOnce) is another's one lease later.
    const renewalsWhenStopped = renewed.at.length;
    const lateId = await enqueue('invite', { lane: 'incident:2' });
    const before = ms(clock.now());
    const look = first.runOnce();
    await late.inHand;
    await eventually(() => second.runOnce(), 'the second worker taking the lane');
    expect(ran.slice(1).map((r) => [r.kind, r.id, r.attempts])).toEqual([
      ['after stop', lateId, 1],
      ['invite', lateId, 2],
    ]);
    expect(ran[2]?.at).toBeGreaterThan(before + LEASE);
    expect(renewed.at).toHaveLength(renewalsWhenStopped);
    late.letGo();
    await look;
  });
});

describe("taking back a previous process's work at start (reclaimOnStart)", () => {
  const PREVIOUS = 'previous-process:1:dead';
  const TOOK_BACK = 'outbox: took back the jobs a previous process was running';
  const RECLAIM_FAILED =
    "outbox: could not take back a previous process's jobs; they run again when their lease lapses";

  /** What a process that died mid-job leaves behind: its lane held and its job running, under a 60 s lease. */
  async function leftBehind(): Promise<number> {
    const id = await enqueue('post', { lane: 'incident:1' });
    const claimed = await store.outbox.claimLanes({
      owner: PREVIOUS,
      now: clock.now(),
      leaseMs: 60_000,
      maxLanes: 1,
      maxJobsPerLane: 25,
    });
    expect(claimed.map((c) => c.jobs.map((j) => j.id))).toEqual([[id]]);
    expect(await job(id)).toMatchObject({ status: 'running', attempts: 1 });
    return id;
  }

  it('takes back the lane and the running job at once: the job runs one lane interval later, not after its lease', async () => {
    const id = await leftBehind();
    startWorker({ post: scripted(ok) }, { reclaimOnStart: true, pollMs: 50 });

    await eventually(() => logged.some((l) => l.msg === TOOK_BACK), 'the take-back');
    expect(await job(id)).toMatchObject({ status: 'pending', attempts: 1 });
    // The previous process may have written to the channel a moment ago: its lane waits out one pace.
    clock.advance(1000);
    await eventually(async () => (await job(id)).status === 'done', 'the job left behind done');
    expect(ran).toEqual([{ kind: 'post', id, attempts: 2, at: 1000 }]);
  });

  it('without it, leaves the lane and its job to the previous owner until their lease lapses', async () => {
    const id = await leftBehind();
    startWorker({ post: scripted(ok), invite: scripted(ok) }, { pollMs: 50 });

    clock.advance(60_000); // the lease runs to 60 s exactly
    // Another lane's job, due only now, runs: the worker has looked at the outbox at this time.
    const other = await enqueue('invite', { lane: 'incident:2' });
    await eventually(async () => (await job(other)).status === 'done', "the other lane's job done");
    expect(await job(id)).toMatchObject({ status: 'running', attempts: 1 });

    clock.advance(1);
    await eventually(async () => (await job(id)).status === 'done', 'the job left behind done');
    expect(ran).toEqual([
      { kind: 'invite', id: other, attempts: 1, at: 60_000 },
      { kind: 'post', id, attempts: 2, at: 60_001 },
    ]);
    expect(logged.map((l) => l.msg)).not.toContain(TOOK_BACK);
  });

  it('logs a failed take-back and starts anyway; the jobs left behind run when their lease lapses', async () => {
    const id = await leftBehind();
    jest
      .spyOn(store.outbox, 'reclaimAll')
      .mockRejectedValueOnce(new FirebreakError('STORE_UNAVAILABLE', 'database is locked'));
    startWorker({ post: scripted(ok), invite: scripted(ok) }, { reclaimOnStart: true, pollMs: 50 });

    await eventually(() => logged.some((l) => l.msg === RECLAIM_FAILED), 'the failed take-back');
    expect(logged).toEqual([{ level: 'error', msg: RECLAIM_FAILED }]);
    const other = await enqueue('invite', { lane: 'incident:2' });
    await eventually(async () => (await job(other)).status === 'done', "the other lane's job done");
    expect(await job(id)).toMatchObject({ status: 'running', attempts: 1 });

    clock.advance(60_001);
    await eventually(async () => (await job(id)).status === 'done', 'the job left behind done');
    expect(ran).toEqual([
      { kind: 'invite', id: other, attempts: 1, at: 0 },
      { kind: 'post', id, attempts: 2, at: 60_001 },
    ]);
  });
});

describe("a replica restarted under its stable name (instanceId) takes back its predecessor's work at start", () => {
  /** A lane held and its job running under a 60 s lease, as `owner` left them. */
  async function heldBy(owner: string, lane: string): Promise<number> {
    const id = await enqueue('post', { lane });
    const claimed = await store.outbox.claimLanes({
      owner,
      now: clock.now(),
      leaseMs: 60_000,
      maxLanes: 1,
      maxJobsPerLane: 25,
    });
    expect(claimed.map((c) => c.lane)).toEqual([lane]);
    return id;
  }

  it("its own predecessor's lane runs one lane interval later; another replica's stays that replica's until its lease lapses", async () => {
    // `webx1` would match `web_1` as a LIKE pattern: the name is compared as it is.
    const ours = await heldBy('web_1@host-a:41:dead', 'incident:1');
    const theirs = await heldBy('webx1@host-b:42:live', 'incident:2');
    const w = startWorker({ post: scripted(ok) }, { instanceId: 'web_1', pollMs: 50 });
    expect(w.owner.startsWith('web_1@')).toBe(true);

    await eventually(
      () => logged.some((l) => l.msg === 'outbox: took back the jobs a previous process was running'),
      'the take-back',
    );
    clock.advance(1000);
    await eventually(async () => (await job(ours)).status === 'done', "the predecessor's job done");
    expect(await job(theirs)).toMatchObject({ status: 'running', attempts: 1 });
    expect(ran).toEqual([{ kind: 'post', id: ours, attempts: 2, at: 1000 }]);
  });
});

describe('one run per lane', () => {
  it('a lane claimed again by its own worker, its lease lapsed while the first run is at work, is left to that run', async () => {
    // A stalled process or a clock that jumps (the demo's does) lets the lease lapse under a run still at work.
    const { handler, inHand, letGo } = hangingHandler();
    const w = worker({ post: handler }, { leaseMs: 3000 });
    const id = await enqueue('post', { lane: 'incident:1' });

    const firstLook = w.runOnce();
    await inHand;
    clock.advance(3001);
    const secondLook = w.runOnce();
    const leftToFirst = 'outbox: claimed a lane this worker is already running; leaving it to that run';
    // The second look has claimed: it either left the lane to the run in hand or started another.
    await eventually(() => logged.some((l) => l.msg === leftToFirst) || ran.length > 1, 'the second claim');

    // The job ran once: the second claim was left to the run in hand, which its runOnce waits for.
    expect(ran).toEqual([{ kind: 'post', id, attempts: 1, at: 0 }]);
    expect(logged.map((l) => l.msg)).toContain(leftToFirst);
    letGo();
    await Promise.all([firstLook, secondLook]);
    expect((await job(id)).status).toBe('done');
    expect(ran).toHaveLength(1);
  });
});

describe('failures', () => {
  it('retries an outage with a doubling backoff, capped, counting each attempt', async () => {
    // No jitter: each wait is exactly the backoff.
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const w = worker(
      { post: scripted(unavailable, unavailable, unavailable, unavailable, unavailable, ok) },
      {
        maxBackoffMs: 5000,
      },
    );
    const id = await enqueue('post');

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const before = clock.now().getTime();
      expect(await w.runOnce()).toBe(1);
      const failed = await job(id);
      expect(failed).toMatchObject({ status: 'pending', attempts: attempt, lastError: 'Slack answered HTTP 503' });
      waits.push(failed.nextAttemptAt.getTime() - before);
      // Nothing runs before its time.
      clock.set(new Date(failed.nextAttemptAt.getTime() - 1));
      expect(await w.runOnce()).toBe(0);
      clock.advance(1);
    }
    expect(waits).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(await w.runOnce()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 6 });
    expect(seen).toEqual({ delivered: [id], retried: [id, id, id, id, id], buried: [] });
    expect(logged.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(
      Array(5).fill('outbox: delivery failed; will retry'),
    );
  });

  it('spreads retries of jobs that failed together by a quarter of the backoff either way', async () => {
    const w = worker({ post: scripted(unavailable) });
    const random = jest.spyOn(Math, 'random');
    const waits: number[] = [];
    for (const r of [0, 0.999_999]) {
      random.mockReturnValue(r);
      const id = await enqueue('post');
      await w.runOnce();
      waits.push((await job(id)).nextAttemptAt.getTime() - clock.now().getTime());
    }
    expect(waits).toEqual([750, 1250]);
  });

  it('waits exactly as long as Retry-After says, without counting it as an attempt', async () => {
    const rateLimited: JobHandler = async () => {
      throw new FirebreakError('CHAT_RATE_LIMITED', 'ratelimited', { retryAfterSeconds: 2.5 });
    };
    const w = worker({ post: scripted(rateLimited, rateLimited, rateLimited, ok) });
    const id = await enqueue('post');

    for (let limited = 1; limited <= 3; limited++) {
      expect(await w.runOnce()).toBe(1);
      const waiting = await job(id);
      expect(waiting).toMatchObject({ status: 'pending', attempts: 0, lastError: 'ratelimited' });
      expect(waiting.nextAttemptAt.getTime() - clock.now().getTime()).toBe(2500);
      clock.advance(2499);
      expect(await w.runOnce()).toBe(0);
      clock.advance(1);
    }
    expect(await w.runOnce()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(ran.map((r) => r.at)).toEqual([0, 2500, 5000, 7500]);
    // Waiting as told is pacing, not trouble: logged as info, never as a warning.
    expect(logged.map((l) => l.level)).toEqual(['info', 'info', 'info']);
  });

  it('buries a job refused for good at once', async () => {
    const refused: JobHandler = async () => {
      throw new FirebreakError('CHAT_REJECTED', 'invalid_blocks');
    };
    const w = worker({ post: scripted(refused) });
    const id = await enqueue('post');

    expect(await w.runOnce()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'invalid_blocks' });
    clock.advance(24 * 60 * 60_000);
    expect(await w.runOnce()).toBe(0);
    expect(seen.buried).toEqual([id]);
    expect(logged).toEqual([{ level: 'error', msg: 'outbox: job refused for good; buried' }]);
  });

  it('buries a job failing unexpectedly after its last allowed attempt', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const broken: JobHandler = async () => {
      throw new Error('undefined is not a function');
    };
    const w = worker({ post: scripted(broken) }, { maxUnexpectedAttempts: 3 });
    const id = await enqueue('post');

    for (let attempt = 1; attempt <= 2; attempt++) {
      await w.runOnce();
      const failed = await job(id);
      expect(failed).toMatchObject({ status: 'pending', attempts: attempt });
      clock.set(failed.nextAttemptAt);
    }
    await w.runOnce();
    expect(await job(id)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'undefined is not a function' });
    expect(ran).toHaveLength(3);
    expect(seen).toMatchObject({ retried: [id, id], buried: [id] });
  });

  it('buries a job still failing a day after it was enqueued, however retryable its error', async () => {
    const w = worker({ post: scripted(unavailable) }, { giveUpAfterMs: 24 * 60 * 60_000 });
    const id = await enqueue('post');
    await w.runOnce();
    expect((await job(id)).status).toBe('pending');

    clock.set(new Date(T0.getTime() + 24 * 60 * 60_000 + 1));
    await w.runOnce();
    expect(await job(id)).toMatchObject({
      status: 'dead',
      lastError: 'gave up after 24 h of failures: Slack answered HTTP 503',
    });
    expect(logged.at(-1)).toEqual({ level: 'error', msg: 'outbox: job still failing after its time; buried' });
  });

  it('buries a job no handler knows', async () => {
    const w = worker({});
    const id = await enqueue('mystery');
    await w.runOnce();
    expect(await job(id)).toMatchObject({ status: 'dead', lastError: 'no handler for job kind mystery' });
  });
});

describe('deferred jobs', () => {
  it('runs a deferred job again at the time it named, its attempt not counted, and not as a delivery', async () => {
    const until = new Date(T0.getTime() + 30_000);
    const w = worker({ 'channel.notice': scripted(async () => deferred('no channel yet', until), ok) });
    const id = await enqueue('channel.notice');

    expect(await w.runOnce()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: until, lastError: null });
    expect(seen.delivered).toEqual([]);
    clock.advance(29_999);
    expect(await w.runOnce()).toBe(0);
    clock.advance(1);
    expect(await w.runOnce()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(ran.map((r) => [r.attempts, r.at])).toEqual([
      [1, 0],
      [1, 30_000],
    ]);
    expect(seen.delivered).toEqual([id]);
  });
});

describe("a lane's pace", () => {
  it('spaces the messages of one channel by the lane interval; other jobs of the lane go in turn, unpaced', async () => {
    const record = scripted(ok);
    const w = worker({ post: record, invite: record }, { isPaced: (j) => j.kind === 'post' });
    for (const kind of ['post', 'post', 'invite', 'post']) await enqueue(kind, { lane: 'incident:1' });

    expect(await w.runOnce()).toBe(1);
    expect(ran.map((r) => [r.kind, r.at])).toEqual([
      ['post', 0],
      ['post', 1000],
      ['invite', 1000],
      ['post', 2000],
    ]);
    // The lane is let go with its next write a pace after the last one, for whichever worker claims it next.
    await enqueue('post', { lane: 'incident:1' });
    expect(await w.runOnce()).toBe(0);
    clock.set(new Date(T0.getTime() + 3000));
    expect(await w.runOnce()).toBe(1);
    expect(ran.at(-1)).toMatchObject({ kind: 'post', at: 3000 });
  });

  it('does not spend the pace on a message that was not sent', async () => {
    const w = worker({ post: scripted(async () => skipped('nothing changed'), ok) });
    await enqueue('post', { lane: 'incident:1' });
    await enqueue('post', { lane: 'incident:1' });
    await w.runOnce();
    expect(ran.map((r) => r.at)).toEqual([0, 0]);
  });

  it('paces each channel on its own: two lanes write at the same moment', async () => {
    const w = worker({ post: scripted(ok) });
    await enqueue('post', { lane: 'incident:1' });
    await enqueue('post', { lane: 'incident:2' });
    expect(await w.runOnce()).toBe(2);
    expect(ran.map((r) => r.at)).toEqual([0, 0]);
  });

  it("holds back a lane's later jobs until a failed one is retried, so a channel's messages never overtake", async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const w = worker({ post: scripted(unavailable, ok) });
    const first = await enqueue('post', { lane: 'incident:1' });
    const second = await enqueue('post', { lane: 'incident:1' });

    expect(await w.runOnce()).toBe(1);
    expect(ran.map((r) => r.id)).toEqual([first]);
    // Handed back unattempted, due with the failed one's retry.
    expect(await job(second)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(ms((await job(second)).nextAttemptAt)).toBe(1000);
    clock.advance(999);
    expect(await w.runOnce()).toBe(0);
    clock.advance(1);
    expect(await w.runOnce()).toBe(1);
    expect(ran.map((r) => [r.id, r.at])).toEqual([
      [first, 0],
      [first, 1000],
      [second, 2000],
    ]);
  });
});

describe('urgent work first', () => {
  const enqueueUrgent = async (kind: string, lane: string) =>
    (await store.outbox.enqueue({ kind, urgent: true, payload: { lane } }, clock.now())).id;

  it('claims the lanes with urgent work alone, and the rest once that work is done', async () => {
    const { handler, inHand, letGo } = hangingHandler('open');
    const w = worker({ open: handler, post: scripted(ok) }, { urgentHoldMs: 60_000 });
    const post = await enqueue('post', { lane: 'incident:1' });
    const open = await enqueueUrgent('open', 'incident:2');

    const first = w.runOnce();
    await inHand;
    expect(ran.map((r) => r.id)).toEqual([open]);
    letGo();
    expect(await first).toBe(1);
    expect(await w.runOnce()).toBe(1);
    expect(ran.map((r) => r.id)).toEqual([open, post]);
  });

  it("holds a running lane's next job while urgent work is in hand, and lets it go when that is done", async () => {
    clock = realTimeClock(T0);
    const busy = hangingHandler('post');
    const opening = hangingHandler('open');
    let postCalls = 0;
    const post: JobHandler = async (j) => (postCalls++ === 0 ? busy.handler(j) : scripted(ok)(j));
    const w = startWorker({ post, open: opening.handler }, { urgentHoldMs: 60_000, isPaced: () => false });
    const firstPost = await enqueue('post', { lane: 'incident:1' });
    const secondPost = await enqueue('post', { lane: 'incident:1' });
    w.wake(true);
    await busy.inHand;
    const open = await enqueueUrgent('open', 'incident:2');
    w.wake(true);
    await opening.inHand;

    // The channel's first post ends while the new incident's channel is still being opened: its second waits.
    busy.letGo();
    await eventually(async () => (await job(firstPost)).status === 'done', 'the first post is done');
    expect(ran.map((r) => r.id)).toEqual([firstPost, open]);
    opening.letGo();
    await eventually(async () => (await job(secondPost)).status === 'done', 'the second post is done');
    expect(ran.map((r) => r.id)).toEqual([firstPost, open, secondPost]);
  });
});
