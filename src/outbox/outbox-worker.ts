// Delivers outbox jobs: claims whole lanes (one Slack channel each), runs their jobs in order at the lane's
// pace, and reschedules failures. Rate limits wait exactly as told; outages back off briefly; a job refused for
// good, or still failing after a day, is buried. Lane leases are renewed while held, so a dead worker's lanes
// are taken back within one lease.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { FirebreakError } from '../errors';
import type { Clock } from '../ports/clock';
import type { OutboxJob, Store } from '../ports/store';

/**
 * What a handler did, in words for the log. `skipped`: nothing was sent, so the lane's pace is not spent.
 * `deferred`: not yet, by choice (not a failure): the job runs again at `until`, its attempt not counted.
 */
export type JobOutcome = { sent: string } | { skipped: string } | { deferred: string; until: Date };
export type JobHandler = (job: OutboxJob) => Promise<JobOutcome>;

export const sent = (what: string): JobOutcome => ({ sent: what });
export const skipped = (why: string): JobOutcome => ({ skipped: why });
export const deferred = (why: string, until: Date): JobOutcome => ({ deferred: why, until });

export interface OutboxLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxObserver {
  delivered?(job: OutboxJob, outcome: JobOutcome): void;
  retried?(job: OutboxJob, error: FirebreakError | Error): void;
  buried?(job: OutboxJob, error: Error): void;
}

export interface OutboxWorkerOptions {
  store: Store;
  clock: Clock;
  handlers: Readonly<Record<string, JobHandler>>;
  logger: OutboxLogger;
  observer?: OutboxObserver;
  /** Minimum time after a paced job before the next job of its lane (one Slack channel): Slack allows about one message write a second per channel. */
  laneIntervalMs?: number;
  /** Which jobs count against the lane's pace (message posts and edits); others run as soon as it is their turn. */
  isPaced?: (job: OutboxJob) => boolean;
  /**
   * How long a claimed lane stays this worker's without a heartbeat. The worker renews it several times a
   * lease, so a lane outlives its worker by at most this: a replica (or the restarted process) takes back a
   * dead worker's jobs within it.
   */
  leaseMs?: number;
  /**
   * The store is this process's alone (SQLite): at start, whatever a previous process held is taken back at
   * once instead of after its lease.
   */
  reclaimOnStart?: boolean;
  /**
   * This replica's stable name (FIREBREAK_INSTANCE_ID), kept across its restarts: at start it takes back
   * at once what an earlier process of the same name held, rather than after the lease. As with Kafka's
   * static membership, two processes running at once must never share a name.
   */
  instanceId?: string;
  /** Lanes running at once in this worker. */
  maxLanes?: number;
  /** Jobs taken from one lane per claim. */
  batchSize?: number;
  /**
   * How long other work waits, at most, while urgent work is in hand (a new incident's channel and card, a
   * page): those few calls go first, on an event loop and a store nothing else is using. Bounded, so a slow
   * Slack holding an urgent call never holds up the rest for longer than this, however many incidents open.
   */
  urgentHoldMs?: number;
  /** Longest sleep between looks at the outbox, in case a wake-up was missed (another replica wrote). */
  pollMs?: number;
  baseBackoffMs?: number;
  /**
   * Longest wait after an outage (Slack or PagerDuty answering 5xx or not at all). Short on purpose: when
   * the outage ends, every waiting channel must be created within seconds, not minutes.
   */
  maxBackoffMs?: number;
  /** Unexpected errors (not coded) back off up to this. */
  maxUnexpectedBackoffMs?: number;
  /** Unexpected errors (not coded as retryable) are tried this often before the job is buried. */
  maxUnexpectedAttempts?: number;
  /** A job still failing this long after it was enqueued is buried: nothing retries for ever. */
  giveUpAfterMs?: number;
  /**
   * Waits `ms` of the clock's time: how a lane waits out its channel's pace. Real time unless a test drives
   * the worker on a fake clock, whose sleep moves that clock instead.
   */
  sleep?: (ms: number) => Promise<void>;
}

const WAKE_BATCH_MS = 5;
/** A lane waiting for its pace looks at the clock (and at a stop) this often. */
const PACE_CHECK_MS = 100;
/** Shortest sleep after a claim found nothing to take. */
const MIN_IDLE_SLEEP_MS = 20;

/** How the owners of one instance's processes begin: its name and a separator no name contains. */
function instancePrefix(instanceId: string): string {
  return `${instanceId}@`;
}

function isRateLimit(error: FirebreakError | null): error is FirebreakError {
  return error !== null && error.details.retryAfterSeconds !== undefined;
}

export class OutboxWorker {
  /**
   * This worker's name on the lanes it holds; a restarted process is a new owner. Prefixed with the
   * instance's stable name, when it has one, so that its successor knows its lanes.
   */
  readonly owner: string;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Lanes with a batch in progress. Each lane runs on its own, so a slow Slack call never holds up a page. */
  private readonly activeLanes = new Map<string, Promise<void>>();
  /**
   * Of those, lanes only waiting out their channel's pace. They hold no Slack call, so they do not count
   * against `maxLanes`: after an outage, lanes pacing their card edits must not keep waiting channels from
   * being created.
   */
  private pacedLanes = 0;
  /** Urgent jobs running now; while there are, and for at most `urgentHoldMs`, other work is not started. */
  private urgentInHand = 0;
  /** When the current hold ends at the latest (performance.now()). */
  private holdUntil = 0;
  /** Lanes waiting for the hold to end before their next job; called when it does. */
  private holdWaiters: Array<() => void> = [];
  private holdTimer: NodeJS.Timeout | null = null;
  private readonly options: Required<Omit<OutboxWorkerOptions, 'observer'>> & { observer: OutboxObserver };

  constructor(options: OutboxWorkerOptions) {
    const thisProcess = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.owner = options.instanceId ? `${instancePrefix(options.instanceId)}${thisProcess}` : thisProcess;
    this.options = {
      laneIntervalMs: 1100,
      leaseMs: 3000,
      reclaimOnStart: false,
      instanceId: '',
      maxLanes: 20,
      batchSize: 25,
      urgentHoldMs: 250,
      pollMs: 1000,
      baseBackoffMs: 1000,
      maxBackoffMs: 8000,
      maxUnexpectedBackoffMs: 5 * 60_000,
      maxUnexpectedAttempts: 8,
      giveUpAfterMs: 24 * 60 * 60_000,
      isPaced: () => true,
      sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      observer: {},
      ...options,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { leaseMs } = this.options;
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(50, Math.floor(leaseMs / 4)));
    this.heartbeat.unref();
    this.loop = this.run();
  }

  /** Stops claiming; resolves once the jobs in hand are finished (their outcome stored) and their lanes let go. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.pendingWake = true;
    this.wakeUp?.();
    this.endHold();
    await this.loop;
    this.loop = null;
    // Until no lane is in hand: the store closes after this, and a lane still handing back its jobs would fail.
    while (this.activeLanes.size > 0) await Promise.all(this.activeLanes.values());
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /**
   * One look at the outbox without the loop, for a worker that was not started: claims the lanes due now and
   * runs them to the end, their pace waited out through `sleep`. Returns how many lanes it ran. Lets a test
   * drive the worker step by step on a fake clock.
   */
  async runOnce(): Promise<number> {
    if (this.loop) throw new Error('runOnce drives a worker that was not started');
    this.running = true;
    try {
      const { started } = await this.claimAndStart();
      await Promise.all(this.activeLanes.values());
      return started;
    } finally {
      this.running = false;
    }
  }

  /** Lanes in this worker's hands right now (a batch running or waiting out its pace); 0 when it is idle. */
  get lanesInHand(): number {
    return this.activeLanes.size;
  }

  /**
   * There is new work. Wakes within a few milliseconds rather than at once: an alert storm calls this
   * thousands of times a second, and one look at the outbox serves every wake-up in that moment. Urgent
   * work (a new incident: someone waits for its channel and card) wakes it at once.
   */
  wake(urgent = false): void {
    // No loop to wake (not started, or stopped): its first look, or runOnce, finds the work anyway.
    if (!this.loop) return;
    if (urgent) {
      if (this.wakeTimer) clearTimeout(this.wakeTimer);
      this.wakeTimer = null;
      this.pendingWake = true;
      this.wakeUp?.();
      return;
    }
    // Only urgent work is taken while other work is held back; the hold's end wakes the loop for the rest.
    if (this.wakeTimer || this.holding()) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.pendingWake = true;
      this.wakeUp?.();
    }, WAKE_BATCH_MS);
  }

  private async renewLeases(): Promise<void> {
    const { store, clock, leaseMs, logger } = this.options;
    if (this.activeLanes.size === 0) return;
    try {
      await store.outbox.renewLeases(this.owner, clock.now(), leaseMs);
    } catch (error) {
      logger.warn({ err: error }, 'outbox: could not renew lane leases; another replica may take them over');
    }
  }

  /**
   * Claims free lanes and starts each one's batch without waiting for it. Returns how many lanes started,
   * and whether claimable work may be left (the claim was full, or took urgent lanes only and no hold
   * keeps the rest back): only then is the next look taken at once. Otherwise the claim took all it could,
   * and another at once would find nothing, in the very moment a new incident's channel and card are on
   * their way; new work wakes the worker anyway.
   */
  private async claimAndStart(): Promise<{ started: number; more: boolean }> {
    const { store, clock, batchSize, leaseMs, logger, maxLanes } = this.options;
    const room = maxLanes - (this.activeLanes.size - this.pacedLanes);
    if (room <= 0) return { started: 0, more: false };
    const lanes = await store.outbox.claimLanes({
      owner: this.owner,
      now: clock.now(),
      leaseMs,
      maxLanes: room,
      maxJobsPerLane: batchSize,
      urgent: this.holding() ? 'only' : 'first',
    });
    for (const { lane, jobs } of lanes) {
      // Ours already: its lease lapsed while we ran it (a stalled event loop, a clock that jumped), so the claim
      // handed it to us again. One run per lane: the one in hand carries on, and what this claim took up runs
      // when that one lets the lane go. A second run would overtake the first in the channel, and stop() could
      // not wait for both.
      if (this.activeLanes.has(lane)) {
        logger.info({ lane }, 'outbox: claimed a lane this worker is already running; leaving it to that run');
        continue;
      }
      const run = this.runLane(lane, jobs)
        .catch((error: unknown) =>
          logger.error({ lane, err: error }, 'outbox: a lane failed; its jobs run again when its lease lapses'),
        )
        .finally(() => {
          // Only this run's entry: the lane, released a moment ago, may already be ours again in a newer run,
          // which stop() must still wait for.
          if (this.activeLanes.get(lane) === run) this.activeLanes.delete(lane);
          if (this.running) this.wake();
        });
      this.activeLanes.set(lane, run);
    }
    const onlyUrgentTaken = lanes.some(({ jobs }) => jobs.some((job) => job.urgent)) && !this.holding();
    return { started: lanes.length, more: lanes.length >= room || onlyUrgentTaken };
  }

  private async run(): Promise<void> {
    const { reclaimOnStart, instanceId } = this.options;
    if (reclaimOnStart || instanceId) {
      try {
        const now = this.options.clock.now();
        const laneReadyAt = new Date(now.getTime() + this.options.laneIntervalMs);
        const taken = reclaimOnStart
          ? await this.options.store.outbox.reclaimAll(now, laneReadyAt)
          : await this.options.store.outbox.reclaimOwnedBy(instancePrefix(instanceId), now, laneReadyAt);
        if (taken > 0)
          this.options.logger.info({ jobs: taken }, 'outbox: took back the jobs a previous process was running');
      } catch (error) {
        this.options.logger.error(
          { err: error },
          "outbox: could not take back a previous process's jobs; they run again when their lease lapses",
        );
      }
    }
    while (this.running) {
      this.pendingWake = false;
      let more = false;
      try {
        ({ more } = await this.claimAndStart());
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox: could not claim jobs; retrying');
      }
      if (!more && this.running && !this.pendingWake) await this.sleepUntilDue();
    }
  }

  private async sleepUntilDue(): Promise<void> {
    const { store, clock, pollMs } = this.options;
    let delay = pollMs;
    // Other work is held back: nothing to look for until the hold ends (which wakes the loop) or urgent work comes.
    if (this.holding()) delay = this.holdUntil - performance.now();
    else
      try {
        const next = await store.outbox.nextDueAt();
        if (next) delay = Math.max(0, Math.min(pollMs, next.getTime() - clock.now().getTime()));
      } catch {
        // The next claim reports the store failure; here we only decide how long to sleep.
      }
    // Nothing was claimed, yet a job is due: its lane is held or paced. Look again shortly rather than spin.
    delay = Math.max(delay, MIN_IDLE_SLEEP_MS);
    if (this.pendingWake) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = null;
  }

  /**
   * Runs a lane's jobs in order. A paced job waits for the lane's pace, holding the lane meanwhile (its lease
   * is renewed), so a busy channel is claimed once per batch rather than once per message; a failure holds
   * back the lane's later jobs until its retry, so a channel's messages never overtake each other. What is
   * not run (a failure, or a stop) is handed back, and the lane is let go with the time its next write may start.
   */
  private async runLane(lane: string, jobs: OutboxJob[]): Promise<void> {
    const { store, clock, isPaced, laneIntervalMs } = this.options;
    let readyAt = clock.now().getTime();
    let rest = 0;
    for (; rest < jobs.length; rest++) {
      const job = jobs[rest] as OutboxJob;
      if (isPaced(job) && readyAt > clock.now().getTime()) {
        this.pacedLanes += 1;
        // Its slot is free while it waits: look for other lanes' work.
        this.wake();
        try {
          await this.waitUntil(readyAt);
        } finally {
          this.pacedLanes -= 1;
        }
      }
      if (!job.urgent && this.holding()) await this.holdEnded();
      if (!this.running && rest > 0) break;
      const result = job.urgent ? await this.runUrgent(job) : await this.runJob(job);
      if (result.kind === 'sent' && isPaced(job)) readyAt = clock.now().getTime() + laneIntervalMs;
      if (result.kind === 'retry') {
        readyAt = Math.max(readyAt, result.at.getTime());
        rest++;
        break;
      }
    }
    for (const job of jobs.slice(rest))
      await store.outbox.release(job.id, new Date(Math.max(readyAt, clock.now().getTime())));
    await store.outbox.releaseLane(lane, this.owner, new Date(readyAt));
  }

  /** Other work is waiting for the urgent work in hand. */
  private holding(): boolean {
    return this.urgentInHand > 0 && performance.now() < this.holdUntil;
  }

  /** Resolves when the hold ends: the urgent work in hand is done, its time is up, or the worker stops. */
  private holdEnded(): Promise<void> {
    return new Promise<void>((resolve) => this.holdWaiters.push(resolve));
  }

  private endHold(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const waiters = this.holdWaiters;
    this.holdWaiters = [];
    for (const resolve of waiters) resolve();
    // What the hold kept back is claimed now.
    if (this.running) this.wake(true);
  }

  /** Runs an urgent job, holding other work back meanwhile (see `urgentHoldMs`). */
  private async runUrgent(job: OutboxJob): ReturnType<OutboxWorker['runJob']> {
    if (this.urgentInHand === 0) {
      const { urgentHoldMs } = this.options;
      this.holdUntil = performance.now() + urgentHoldMs;
      this.holdTimer = setTimeout(() => this.endHold(), urgentHoldMs);
      this.holdTimer.unref();
    }
    this.urgentInHand += 1;
    try {
      return await this.runJob(job);
    } finally {
      this.urgentInHand -= 1;
      if (this.urgentInHand === 0) this.endHold();
    }
  }

  /** Sleeps until `at` (clock time), or until the worker is stopped. */
  private async waitUntil(at: number): Promise<void> {
    for (;;) {
      const wait = at - this.options.clock.now().getTime();
      if (wait <= 0 || !this.running) return;
      await this.options.sleep(Math.min(wait, PACE_CHECK_MS));
    }
  }

  private async runJob(job: OutboxJob): Promise<{ kind: 'sent' | 'other' } | { kind: 'retry'; at: Date }> {
    const { store, clock, handlers, logger, observer } = this.options;
    const handler = handlers[job.kind];
    if (!handler) {
      await store.outbox.bury(job.id, `no handler for job kind ${job.kind}`, clock.now());
      logger.error({ jobId: job.id, kind: job.kind }, 'outbox: unknown job kind; job buried');
      return { kind: 'other' };
    }
    try {
      const outcome = await handler(job);
      if ('deferred' in outcome) {
        await store.outbox.defer(job.id, outcome.until);
        return { kind: 'other' };
      }
      await store.outbox.complete(job.id, clock.now());
      observer.delivered?.(job, outcome);
      return { kind: 'sent' in outcome ? 'sent' : 'other' };
    } catch (error) {
      const at = await this.handleFailure(job, error instanceof Error ? error : new Error(String(error)));
      return at ? { kind: 'retry', at } : { kind: 'other' };
    }
  }

  private backoffMs(failures: number, capMs: number): number {
    const exponential = Math.min(capMs, this.options.baseBackoffMs * 2 ** Math.max(0, failures - 1));
    // Jitter keeps many jobs that failed together from retrying together.
    return Math.round(exponential * (0.75 + Math.random() * 0.5));
  }

  /** Buries the job or schedules its retry; returns when it runs again (null when buried). */
  private async handleFailure(job: OutboxJob, error: Error): Promise<Date | null> {
    const { store, clock, logger, observer, maxUnexpectedAttempts, giveUpAfterMs } = this.options;
    const now = clock.now();
    const coded = error instanceof FirebreakError ? error : null;
    const tooOld = now.getTime() - job.createdAt.getTime() > giveUpAfterMs;
    const retryable = !tooOld && (coded ? coded.retryable : job.attempts < maxUnexpectedAttempts);
    const context = {
      jobId: job.id,
      kind: job.kind,
      incidentId: job.incidentId,
      attempts: job.attempts,
      code: coded?.code,
      err: error.message,
    };
    if (!retryable) {
      const why = tooOld
        ? `gave up after ${Math.round(giveUpAfterMs / 3_600_000)} h of failures: ${error.message}`
        : error.message;
      await store.outbox.bury(job.id, why, now);
      // Buried is rare and final: the whole error (stack, cause) is worth its lines here, unlike each retry's.
      logger.error(
        { ...context, err: error },
        tooOld ? 'outbox: job still failing after its time; buried' : 'outbox: job refused for good; buried',
      );
      observer.buried?.(job, error);
      return null;
    }
    // A rate limit says exactly when to come back, and is not a failure: the attempt is not counted.
    const at = isRateLimit(coded)
      ? new Date(now.getTime() + Math.ceil((coded.details.retryAfterSeconds ?? 1) * 1000))
      : new Date(
          now.getTime() +
            this.backoffMs(job.attempts, coded ? this.options.maxBackoffMs : this.options.maxUnexpectedBackoffMs),
        );
    await store.outbox.retryLater(job.id, at, error.message, { countAttempt: !isRateLimit(coded) });
    // Waiting as Slack asked is pacing, not trouble: a storm meets hundreds of rate limits, and as warnings
    // they read as failure. A real failure (5xx, network) stays a warning.
    if (isRateLimit(coded))
      logger.info({ ...context, retryAt: at.toISOString() }, 'outbox: rate-limited; will retry when told');
    else logger.warn({ ...context, retryAt: at.toISOString() }, 'outbox: delivery failed; will retry');
    observer.retried?.(job, error);
    return at;
  }
}
