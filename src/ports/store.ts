// Durable storage the flows need. One interface, implemented over SQLite and PostgreSQL.
import type { NewScaleOperation, ScaleOperation } from '../domain/scaling';
import type {
  CapacityPlan,
  CapacityPlanState,
  CapacityPlanStep,
  NewCapacityPlan,
} from '../domain/capacity/planned-event';
import type { AlertRecord } from '../domain/alert';
import type { Incident, NewIncident } from '../domain/incident';
import type { NewScaleApproval, ScaleApproval, ScaleApprovalStatus } from '../domain/scale-approval';
import type { NewTeamEscalation, TeamEscalation } from '../domain/team-escalation';
import type { NudgeKind, NudgeRecord } from '../domain/nudges';
import type { CapacityWarning, NewCapacityWarning } from '../domain/capacity/capacity-warning';
import type { NewTimelineEvent, TimelineEvent, TimelineEventType } from '../domain/timeline';

export type NewAlertRecord = Omit<AlertRecord, 'id'>;

export interface IncidentRepository {
  insert(incident: NewIncident): Promise<Incident>;
  update(id: number, changes: Partial<NewIncident>): Promise<Incident>;
  findById(id: number): Promise<Incident | null>;
  findByChannel(channelId: string): Promise<Incident | null>;
  /** The open incident (not resolved) grouping alerts under this key, if any. */
  findOpenByGroupKey(groupKey: string): Promise<Incident | null>;
  listOpen(): Promise<Incident[]>;
  /**
   * `listOpen` read at once, when the store can answer without waiting for anything (SQLite, with no
   * transaction holding its connection); undefined when it cannot. Absent where reads always go over the
   * network (PostgreSQL).
   */
  listOpenAtOnce?(): Incident[] | undefined;
  listRecent(limit: number): Promise<Incident[]>;
}

export interface AlertRepository {
  insert(alert: NewAlertRecord): Promise<AlertRecord>;
  update(id: number, changes: Partial<Omit<AlertRecord, 'id' | 'incidentId'>>): Promise<void>;
  find(incidentId: number, fingerprint: string): Promise<AlertRecord | null>;
  listByIncident(incidentId: number): Promise<AlertRecord[]>;
  /** The incident's first `limit` firing alerts, oldest first (their counts are on the incident). */
  listFiring(incidentId: number, limit: number): Promise<AlertRecord[]>;
  /** The incident's alerts with these fingerprints (a storm's postmortem names a few of thousands). */
  listByFingerprints(incidentId: number, fingerprints: readonly string[]): Promise<AlertRecord[]>;
  /** When the incident's earliest alert started, and when its first alert was seen; null without alerts. */
  firstTimes(incidentId: number): Promise<AlertFirstTimes>;
}

export interface AlertFirstTimes {
  startedAt: Date | null;
  seenAt: Date | null;
}

export interface TimelineRepository {
  append(event: NewTimelineEvent): Promise<TimelineEvent>;
  /**
   * Oldest first; with `latest`, only the last N events (still oldest first); with `afterId`, only the events
   * whose id is greater (the ones appended since an earlier read, when ids were handed out in commit order).
   */
  list(incidentId: number, options?: { latest?: number; afterId?: number }): Promise<TimelineEvent[]>;
  count(incidentId: number): Promise<number>;
  /** The incident's newest event of any of these types, or null. */
  latestOfTypes(incidentId: number, types: readonly TimelineEventType[]): Promise<TimelineEvent | null>;
}

/**
 * pending: waiting to run; running: claimed by a worker under a lease (a crashed worker's lease expires
 * and the job runs again); done; dead: refused for good (kept, with the error, for operators).
 */
export type OutboxStatus = 'pending' | 'running' | 'done' | 'dead';

export interface OutboxJob {
  id: number;
  kind: string;
  incidentId: number | null;
  /** Jobs sharing a coalesce key while pending collapse into one (card edits). */
  coalesceKey: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  status: OutboxStatus;
  nextAttemptAt: Date;
  lastError: string | null;
  /** Jobs of one lane run in order by one worker at a time. */
  lane: string;
  /** Enqueued as urgent (NewOutboxJob.urgent): claimed first, and other work waits briefly while it runs. */
  urgent: boolean;
  /**
   * Set (markSending) just before a call that must take effect once, such as posting the card; cleared when
   * the service answered that call with a refusal. Set on a later attempt: a crash or a lost
   * answer may have left the effect behind, so look for it before doing it again.
   */
  sendingSince: Date | null;
  createdAt: Date;
}

export interface NewOutboxJob {
  kind: string;
  incidentId?: number | null;
  coalesceKey?: string | null;
  payload?: Record<string, unknown>;
  notBefore?: Date;
  /** Claimed before other work (opening an incident's channel, paging): after an outage, incidents reach people first. */
  urgent?: boolean;
}

/** A lane a worker holds, with its due jobs in the order they were enqueued. */
export interface ClaimedLane {
  lane: string;
  jobs: OutboxJob[];
}

export interface LaneClaim {
  /** The worker claiming: a process's own id, renewed by its heartbeat. */
  owner: string;
  now: Date;
  /** How long the lanes are the owner's unless renewed: a dead owner's work is taken back after this. */
  leaseMs: number;
  maxLanes: number;
  maxJobsPerLane: number;
  /**
   * `first`: when any lane has urgent work due, take only those lanes (the rest at the next claim);
   * `only`: take only lanes with urgent work due. Without it, every lane due, urgent ones first.
   */
  urgent?: 'first' | 'only';
}

export interface OutboxRepository {
  /**
   * Adds a job; when `coalesceKey` matches a *pending* job, returns that job instead of adding one.
   * A running job does not absorb new work: what changed after it rendered needs a job of its own.
   * The job's lane is `payload.lane` (one Slack channel, one pager incident); without one it is alone.
   */
  enqueue(job: NewOutboxJob, now: Date): Promise<OutboxJob>;
  /**
   * Takes whole lanes, so one lane's jobs run by one worker at a time, in order, at the lane's pace — across
   * replicas. A lane is free when no live owner holds it (its lease lapsed) and its pace allows a write.
   * Its due jobs (and any a dead owner left running) are marked running for the owner, their attempt counted.
   */
  claimLanes(claim: LaneClaim): Promise<ClaimedLane[]>;
  /** Extends the leases of the lanes `owner` holds (its heartbeat); returns how many it still holds. */
  renewLeases(owner: string, now: Date, leaseMs: number): Promise<number>;
  /** Lets go of a lane; its next job may not start before `readyAt` (the channel's write pace). */
  releaseLane(lane: string, owner: string, readyAt: Date): Promise<void>;
  /**
   * Frees every lane and running job at once: only for a store no other process shares (SQLite), at start.
   * The lanes it frees wait until `laneReadyAt` for their next paced write (the dead process may just have
   * written to their channel).
   */
  reclaimAll(now: Date, laneReadyAt?: Date): Promise<number>;
  /**
   * The same for the work of owners whose name starts with `ownerPrefix` only: a replica restarted under its
   * stable instance name takes back what its dead predecessor held, without waiting out the lease, while
   * the other replicas' lanes stay theirs.
   */
  reclaimOwnedBy(ownerPrefix: string, now: Date, laneReadyAt?: Date): Promise<number>;
  /** Hands a claimed job back unattempted (its attempt is not counted), due again at `at`. */
  release(id: number, at: Date): Promise<void>;
  /**
   * Schedules a claimed job for later on purpose (its handler said "not yet": a nudge not due, a channel not
   * there yet). It is not failing: its attempts and last error are cleared, so it is not backlog (depth) nor
   * retried early when Slack comes back, however often it was claimed before (a crash under its claim).
   */
  defer(id: number, until: Date): Promise<void>;
  /**
   * Records that the job is about to make a call that must take effect once (see OutboxJob.sendingSince), or,
   * with null, that the call surely did not take effect (the service answered and refused).
   */
  markSending(id: number, since: Date | null): Promise<void>;
  complete(id: number, now: Date): Promise<void>;
  /**
   * Due again at `at` after a failure. `countAttempt: false` for a rate limit: Slack said when, and waiting
   * for it is not a failure, so it neither lengthens the backoff nor brings the job closer to being buried.
   */
  retryLater(id: number, at: Date, error: string, options?: { countAttempt?: boolean }): Promise<void>;
  bury(id: number, error: string, now: Date): Promise<void>;
  /**
   * Makes every job waiting out a failure's backoff due now (not those waiting for a rate limit, which were
   * not counted as attempts), and their lanes free by `laneReadyAt` at the latest (a lane's pace still
   * holds): the service is back, so channels come within seconds, not after the backoff. Returns how many.
   */
  retryFailedNow(now: Date, laneReadyAt: Date): Promise<number>;
  /**
   * Makes an incident's pending jobs of these kinds due now (they were waiting for something that just
   * happened); with `dueBy`, only those due by then (the others wait for something else).
   */
  bringForward(incidentId: number, kinds: readonly string[], now: Date, dueBy?: Date): Promise<void>;
  /** The backlog, for the metric: jobs running, due, or failed and waiting to retry (not those scheduled for later). */
  depth(): Promise<number>;
  /** The earliest time a pending job becomes due, to sleep until then. */
  nextDueAt(): Promise<Date | null>;
  /** When the longest-waiting pending job became due, if that was before `cutoff`: for readiness, deliveries falling behind. */
  overdueSince(cutoff: Date): Promise<Date | null>;
  list(filter?: { status?: OutboxStatus; incidentId?: number }): Promise<OutboxJob[]>;
  /** Deletes delivered jobs last touched before `before` (dead ones stay, for operators), and idle lanes; returns how many jobs. */
  purgeDone(before: Date): Promise<number>;
}

/** Slack's rate tiers as a budget every replica draws from (a token bucket per key, kept in the store). */
export interface RateBudgetRepository {
  /**
   * Takes one call from the bucket `key` (refilled at `perMinute`, holding at most `burst`): granted, or
   * the time the next call may be made.
   */
  take(
    key: string,
    now: Date,
    limits: { perMinute: number; burst: number },
  ): Promise<{ granted: true } | { granted: false; retryAt: Date }>;
  /** Nothing from the bucket until `until` (the service said to wait), then one call: every replica waits, none asks first. */
  hold(key: string, until: Date): Promise<void>;
  /** Gives one call back (it never reached the service), up to `burst`. */
  refund(key: string, burst: number): Promise<void>;
}

/** Channel names claimed by incidents before the chat platform is asked to create them. */
export interface ChannelNameRepository {
  /**
   * `claimed`: the name is now this incident's; `ours`: it already was (claimed by an earlier attempt, which
   * may have created the channel before a crash); `taken`: another incident's.
   */
  claim(name: string, incidentId: number, now: Date): Promise<'claimed' | 'ours' | 'taken'>;
}

export interface ScaleOperationRepository {
  /** Stores a new operation; throws STORE_CONFLICT when its request key exists or its target is already being scaled. */
  insert(op: NewScaleOperation): Promise<ScaleOperation>;
  update(
    id: number,
    changes: Partial<Pick<ScaleOperation, 'status' | 'instanceIds' | 'error' | 'startedAt' | 'finishedAt'>>,
  ): Promise<ScaleOperation>;
  /**
   * The same, only while the operation is still `status`: null when it is not (it moved on, e.g. a late answer
   * started it), so a give-up never overwrites a success.
   */
  updateIf(
    id: number,
    status: ScaleOperation['status'],
    changes: Partial<Pick<ScaleOperation, 'status' | 'error' | 'finishedAt'>>,
  ): Promise<ScaleOperation | null>;
  findById(id: number): Promise<ScaleOperation | null>;
  findByRequestKey(key: string): Promise<ScaleOperation | null>;
  /** The newest operation on a target that did something or is doing it (not refused, not dry runs). */
  latestForTarget(target: string): Promise<ScaleOperation | null>;
  listByIncident(incidentId: number): Promise<ScaleOperation[]>;
}

export interface TeamEscalationRepository {
  /** Stores a team's escalation; throws STORE_CONFLICT when the incident already escalated to that team. */
  insert(escalation: NewTeamEscalation): Promise<TeamEscalation>;
  update(
    id: number,
    changes: Partial<
      Pick<
        TeamEscalation,
        | 'status'
        | 'pagedAt'
        | 'acknowledgedAt'
        | 'acknowledgedBy'
        | 'error'
        | 'pagerIncidentId'
        | 'declinedAt'
        | 'declinedBy'
      >
    >,
  ): Promise<TeamEscalation>;
  findById(id: number): Promise<TeamEscalation | null>;
  findByKey(key: string): Promise<TeamEscalation | null>;
  listByIncident(incidentId: number): Promise<TeamEscalation[]>;
  /** The escalations whose responder request went to this incident in the paging service. */
  listByPagerIncident(pagerIncidentId: string): Promise<TeamEscalation[]>;
}

export interface ScaleApprovalRepository {
  /** Stores a request for approval; throws STORE_CONFLICT when its request key exists. */
  insert(approval: NewScaleApproval): Promise<ScaleApproval>;
  findById(id: number): Promise<ScaleApproval | null>;
  findByRequestKey(key: string): Promise<ScaleApproval | null>;
  /**
   * Moves a pending request to `status` (with who and when), only if it is still pending: the database decides
   * which of two clicks (or a click and the expiry) wins. Null when it was no longer pending.
   */
  decide(
    id: number,
    status: Exclude<ScaleApprovalStatus, 'pending'>,
    decided: { by: ScaleApproval['decidedBy']; at: Date },
  ): Promise<ScaleApproval | null>;
  setMessage(id: number, messageId: string): Promise<void>;
  listByIncident(incidentId: number): Promise<ScaleApproval[]>;
}

export interface DeliveryRepository {
  /** The stored response of a delivery already processed, or null. */
  find(key: string): Promise<{ response: unknown; receivedAt: Date } | null>;
  record(key: string, response: unknown, now: Date): Promise<void>;
  /**
   * Records `key` unless it is already stored; true when this call stored it. One atomic insert, so of
   * several replicas claiming one key at once exactly one wins (an SNS subscription is confirmed once).
   */
  claim(key: string, now: Date): Promise<boolean>;
  /** Forgets deliveries older than `before`, so identical re-notifications much later count as repeats. */
  prune(before: Date): Promise<number>;
  /** Forgets one delivery, so the same bytes arriving now count as new (an alert firing again later). */
  forget(key: string): Promise<void>;
}

/** The prompt each nudge posted in an incident's channel: one per incident and kind. */
export interface NudgeRepository {
  find(incidentId: number, kind: NudgeKind): Promise<NudgeRecord | null>;
  /** Stores the record, replacing the incident's record of that kind. */
  save(record: NudgeRecord): Promise<void>;
}

/** Who gets an incident's stakeholder updates as a direct message. */
export interface SubscriberRepository {
  /** True when this call subscribed them; false when they already were. */
  add(incidentId: number, userId: string, now: Date): Promise<boolean>;
  /** True when they were subscribed. */
  remove(incidentId: number, userId: string): Promise<boolean>;
  /** In the order they subscribed. */
  list(incidentId: number): Promise<string[]>;
}

/** Planned capacity for known events (migration 014). */
export interface CapacityPlanRepository {
  /**
   * Holds `target`'s plans until the transaction ends: called first, so that of proposals made at once (several
   * replicas, concurrent requests) each reads the target's active plans only after the one before it stored its
   * own, and an overlap check and its insert are one step. Another transaction holding it waits its turn.
   */
  lockTarget(target: string): Promise<void>;
  insert(plan: NewCapacityPlan): Promise<CapacityPlan>;
  findById(id: number): Promise<CapacityPlan | null>;
  /** Plans in these states, soonest first (all targets, or one). */
  listInStates(states: readonly CapacityPlanState[], target?: string): Promise<CapacityPlan[]>;
  /**
   * Moves a plan out of one of `from` with `changes` and one more step, only if it is still in one of them: the
   * database decides which of two clicks (or a click and a due job) wins. Null when it no longer was.
   */
  transition(
    id: number,
    from: readonly CapacityPlanState[],
    changes: Partial<Omit<CapacityPlan, 'id' | 'steps'>>,
    step: CapacityPlanStep,
  ): Promise<CapacityPlan | null>;
  /** Records the scale-back's operation once: null when another click recorded it first. */
  recordScaleBack(id: number, operationId: number, step: CapacityPlanStep): Promise<CapacityPlan | null>;
  /** Changes that need no state check (where a message was posted, the scale-back's operation), with a step if given. */
  update(
    id: number,
    changes: Partial<Omit<CapacityPlan, 'id' | 'steps'>>,
    step?: CapacityPlanStep,
  ): Promise<CapacityPlan>;
}

/** Capacity warnings (issue 17): at most one open per target, every one kept with its outcome. */
export interface CapacityWarningRepository {
  /** Stores a new open warning; throws STORE_CONFLICT when the target already has one open. */
  insert(warning: NewCapacityWarning): Promise<CapacityWarning>;
  findById(id: number): Promise<CapacityWarning | null>;
  findOpen(target: string): Promise<CapacityWarning | null>;
  /** Every open warning, of every target. */
  listOpen(): Promise<CapacityWarning[]>;
  update(id: number, changes: Partial<NewCapacityWarning>): Promise<CapacityWarning>;
  /** Newest first. */
  listByTarget(target: string, limit: number): Promise<CapacityWarning[]>;
}

/** Slack requests already served, remembered for the replay guard in the store every replica shares. */
export interface SlackRequestClaimRepository {
  /**
   * Records a signed request (its X-Slack-Request-Timestamp, in seconds, and its X-Slack-Signature) unless it
   * is already recorded; true when this call recorded it. One atomic insert, so of several replicas claiming one
   * request at once exactly one wins.
   */
  claim(signedAtSeconds: number, signature: string): Promise<boolean>;
  /** Forgets requests signed before `before`: too old to be accepted again, so nothing to refuse. */
  prune(before: Date): Promise<number>;
}

export interface StoreTransaction {
  incidents: IncidentRepository;
  alerts: AlertRepository;
  timeline: TimelineRepository;
  outbox: OutboxRepository;
  deliveries: DeliveryRepository;
  slackRequestClaims: SlackRequestClaimRepository;
  scaleOperations: ScaleOperationRepository;
  rateBudgets: RateBudgetRepository;
  channelNames: ChannelNameRepository;
  teamEscalations: TeamEscalationRepository;
  scaleApprovals: ScaleApprovalRepository;
  nudges: NudgeRepository;
  subscribers: SubscriberRepository;
  capacityPlans: CapacityPlanRepository;
  capacityWarnings: CapacityWarningRepository;
}

/** A repository's methods as they are when nothing they do waits: the same calls, answered at once. */
type Synchronous<R> = {
  [K in keyof R]: R[K] extends (...args: infer A) => Promise<infer T> ? (...args: A) => T : never;
};

/** What storing alerts into incidents already open writes, synchronously (see Store.synchronousTransaction). */
export interface AlertIntakeTransaction {
  incidents: Pick<Synchronous<IncidentRepository>, 'findOpenByGroupKey' | 'update'>;
  alerts: Pick<Synchronous<AlertRepository>, 'find' | 'insert' | 'update'>;
  timeline: Pick<Synchronous<TimelineRepository>, 'append'>;
  outbox: {
    /** Queues a job without reading it back: true when queued, false when its pending twin was there already. */
    enqueue(job: NewOutboxJob, now: Date): boolean;
    /** The same for several jobs at once (a batch's card edits): true when any was queued. */
    enqueueAll(jobs: readonly NewOutboxJob[], now: Date): boolean;
  };
  deliveries: Pick<Synchronous<DeliveryRepository>, 'find' | 'record' | 'forget'>;
}

export interface Store extends StoreTransaction {
  /** Runs `work` atomically: everything it writes is stored, or nothing is. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Where the database answers without waiting (SQLite, in process): runs `work` as one transaction with no
   * await inside, so an alert storm's batch costs no promise per statement. `work` returning undefined
   * rolls it back (it met something only `transaction` can do) and so does a throw. Undefined without
   * running `work` when called inside `transaction`. Absent on PostgreSQL.
   */
  synchronousTransaction?<T>(work: (tx: AlertIntakeTransaction) => T | undefined): Promise<T | undefined>;
  /** Reachable and migrated — the readiness check. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
