// Delivers outbox jobs: claims due jobs, runs them lane by lane at a paced rate, and reschedules failures.
// Rate limits and outages only delay a job (honouring Retry-After); only a job refused for good is buried.
import { errorMessage, FirebreakError } from '../errors';
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
  leaseMs?: number;
  batchSize?: number;
  /** Longest sleep between looks at the outbox, in case a wake-up was missed (another replica wrote). */
  pollMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unexpected errors (not coded as retryable) are tried this often before the job is buried. */
  maxUnexpectedAttempts?: number;
}

const WAKE_BATCH_MS = 5;
/** When a job's lane is busy, it is looked at again this much later (the lane also wakes the worker when done). */
const BUSY_LANE_RETRY_MS = 250;

function laneOf(job: OutboxJob): string {
  const lane = job.payload['lane'];
  return typeof lane === 'string' ? lane : `job:${job.id}`;
}

export class OutboxWorker {
  private readonly laneReadyAt = new Map<string, number>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  /** Lanes with a batch in progress. Each lane runs on its own, so a slow Slack call never holds up a page. */
  private readonly activeLanes = new Map<string, Promise<void>>();
  private readonly options: Required<Omit<OutboxWorkerOptions, 'observer'>> & { observer: OutboxObserver };

  constructor(options: OutboxWorkerOptions) {
    this.options = {
      laneIntervalMs: 1100,
      leaseMs: 60_000,
      batchSize: 25,
      pollMs: 1000,
      baseBackoffMs: 1000,
      maxBackoffMs: 5 * 60_000,
      maxUnexpectedAttempts: 8,
      isPaced: () => true,
      observer: {},
      ...options,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming; resolves once the jobs in hand are finished (their outcome stored). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.pendingWake = true;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
    await Promise.all(this.activeLanes.values());
  }

  /**
   * There is new work. Wakes within a few milliseconds rather than at once: an alert storm calls this
   * thousands of times a second, and one look at the outbox serves every wake-up in that moment.
   */
  wake(): void {
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.pendingWake = true;
      this.wakeUp?.();
    }, WAKE_BATCH_MS);
  }

  /**
   * Claims the due jobs and starts each lane's batch without waiting for it. A job whose lane is still busy
   * is handed back, due a moment later, so the lane keeps its order. Returns how many jobs were started.
   */
  private async claimAndStart(): Promise<number> {
    const { store, clock, batchSize, leaseMs, logger } = this.options;
    const now = clock.now();
    const jobs = await store.outbox.claimDue(now, batchSize, leaseMs);
    const lanes = new Map<string, OutboxJob[]>();
    for (const job of jobs) lanes.set(laneOf(job), [...(lanes.get(laneOf(job)) ?? []), job]);
    let started = 0;
    for (const [lane, laneJobs] of lanes) {
      if (this.activeLanes.has(lane)) {
        for (const job of laneJobs) await store.outbox.release(job.id, new Date(now.getTime() + BUSY_LANE_RETRY_MS));
        continue;
      }
      started += laneJobs.length;
      const run = this.runLane(lane, laneJobs)
        .catch((error: unknown) => logger.error({ lane, err: errorMessage(error) }, 'outbox: a lane failed; its jobs run again when their lease lapses'))
        .finally(() => {
          this.activeLanes.delete(lane);
          if (this.running) this.wake();
        });
      this.activeLanes.set(lane, run);
    }
    return started;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      let claimed = 0;
      try {
        claimed = await this.claimAndStart();
      } catch (error) {
        this.options.logger.error({ err: errorMessage(error) }, 'outbox: could not claim jobs; retrying');
      }
      if (claimed === 0 && this.running && !this.pendingWake) await this.sleepUntilDue();
    }
  }

  private async sleepUntilDue(): Promise<void> {
    const { store, clock, pollMs } = this.options;
    let delay = pollMs;
    try {
      const next = await store.outbox.nextDueAt();
      if (next) delay = Math.max(0, Math.min(pollMs, next.getTime() - clock.now().getTime()));
    } catch {
      // The next claim reports the store failure; here we only decide how long to sleep.
    }
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

  private async runLane(lane: string, jobs: OutboxJob[]): Promise<void> {
    let handedBack = false;
    for (const job of jobs) {
      const now = this.options.clock.now().getTime();
      const readyAt = this.laneReadyAt.get(lane) ?? 0;
      // Too soon for this channel: hand the job back, due when the lane is free (not a failure). Once one
      // job waits, the lane's later jobs wait behind it, so a channel's jobs keep their order.
      if (handedBack || (readyAt > now && this.options.isPaced(job))) {
        handedBack = true;
        await this.options.store.outbox.release(job.id, new Date(Math.max(readyAt, now)));
        continue;
      }
      await this.runJob(lane, job);
    }
  }

  private async runJob(lane: string, job: OutboxJob): Promise<void> {
    const { store, clock, handlers, logger, observer } = this.options;
    const handler = handlers[job.kind];
    if (!handler) {
      await store.outbox.bury(job.id, `no handler for job kind ${job.kind}`, clock.now());
      logger.error({ jobId: job.id, kind: job.kind }, 'outbox: unknown job kind; job buried');
      return;
    }
    try {
      const outcome = await handler(job);
      if ('deferred' in outcome) {
        await store.outbox.release(job.id, outcome.until);
        return;
      }
      if ('sent' in outcome && this.options.isPaced(job)) this.laneReadyAt.set(lane, clock.now().getTime() + this.options.laneIntervalMs);
      await store.outbox.complete(job.id, clock.now());
      observer.delivered?.(job, outcome);
    } catch (error) {
      await this.handleFailure(lane, job, error instanceof Error ? error : new Error(String(error)));
    }
  }

  private backoffMs(attempts: number): number {
    const { baseBackoffMs, maxBackoffMs } = this.options;
    const exponential = Math.min(maxBackoffMs, baseBackoffMs * 2 ** Math.max(0, attempts - 1));
    // Jitter keeps many jobs that failed together from retrying together.
    return Math.round(exponential * (0.75 + Math.random() * 0.5));
  }

  private async handleFailure(lane: string, job: OutboxJob, error: Error): Promise<void> {
    const { store, clock, logger, observer, maxUnexpectedAttempts } = this.options;
    const now = clock.now();
    const coded = error instanceof FirebreakError ? error : null;
    const retryable = coded ? coded.retryable : job.attempts < maxUnexpectedAttempts;
    const context = { jobId: job.id, kind: job.kind, incidentId: job.incidentId, attempts: job.attempts, code: coded?.code, err: error.message };
    if (!retryable) {
      await store.outbox.bury(job.id, error.message, now);
      logger.error(context, 'outbox: job refused for good; buried');
      observer.buried?.(job, error);
      return;
    }
    const retryAfterMs = coded?.details.retryAfterSeconds !== undefined ? coded.details.retryAfterSeconds * 1000 : null;
    const at = new Date(now.getTime() + (retryAfterMs ?? this.backoffMs(job.attempts)));
    if (retryAfterMs !== null) this.laneReadyAt.set(lane, at.getTime());
    await store.outbox.retryLater(job.id, at, error.message);
    logger.warn({ ...context, retryAt: at.toISOString() }, 'outbox: delivery failed; will retry');
    observer.retried?.(job, error);
  }
}
