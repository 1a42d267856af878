// Durable storage the flows need. One interface, implemented over SQLite and PostgreSQL.
import type { NewScaleOperation, ScaleOperation } from '../domain/scaling';
import type { AlertRecord, AlertStatus } from '../domain/alert';
import type { Incident, NewIncident } from '../domain/incident';
import type { NewTimelineEvent, TimelineEvent } from '../domain/timeline';

export type NewAlertRecord = Omit<AlertRecord, 'id'>;

export interface IncidentRepository {
  insert(incident: NewIncident): Promise<Incident>;
  update(id: number, changes: Partial<Omit<Incident, 'id'>>): Promise<Incident>;
  findById(id: number): Promise<Incident | null>;
  findByChannel(channelId: string): Promise<Incident | null>;
  /** The open incident (not resolved) grouping alerts under this key, if any. */
  findOpenByGroupKey(groupKey: string): Promise<Incident | null>;
  listOpen(): Promise<Incident[]>;
  listRecent(limit: number): Promise<Incident[]>;
}

export interface AlertRepository {
  insert(alert: NewAlertRecord): Promise<AlertRecord>;
  update(id: number, changes: Partial<Omit<AlertRecord, 'id' | 'incidentId'>>): Promise<void>;
  find(incidentId: number, fingerprint: string): Promise<AlertRecord | null>;
  listByIncident(incidentId: number): Promise<AlertRecord[]>;
  countByStatus(incidentId: number): Promise<Record<AlertStatus, number>>;
}

export interface TimelineRepository {
  append(event: NewTimelineEvent): Promise<TimelineEvent>;
  /** Oldest first; with `latest`, only the last N events (still oldest first). */
  list(incidentId: number, options?: { latest?: number }): Promise<TimelineEvent[]>;
  count(incidentId: number): Promise<number>;
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
  createdAt: Date;
}

export interface NewOutboxJob {
  kind: string;
  incidentId?: number | null;
  coalesceKey?: string | null;
  payload?: Record<string, unknown>;
  notBefore?: Date;
}

export interface OutboxRepository {
  /**
   * Adds a job; when `coalesceKey` matches a *pending* job, returns that job instead of adding one.
   * A running job does not absorb new work: what changed after it rendered needs a job of its own.
   */
  enqueue(job: NewOutboxJob, now: Date): Promise<OutboxJob>;
  /**
   * Marks up to `limit` due jobs running, leased for `leaseMs` so no other worker (or replica) takes them,
   * and counts the attempt. Due: pending with next_attempt_at <= now, or running with an expired lease.
   */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxJob[]>;
  /** Hands a claimed job back unattempted (its attempt is not counted), due again at `at`. */
  release(id: number, at: Date): Promise<void>;
  complete(id: number, now: Date): Promise<void>;
  retryLater(id: number, at: Date, error: string): Promise<void>;
  bury(id: number, error: string, now: Date): Promise<void>;
  /** The backlog, for the metric: jobs running, due, or failed and waiting to retry (not those scheduled for later). */
  depth(): Promise<number>;
  /** The earliest time a pending job becomes due, to sleep until then. */
  nextDueAt(): Promise<Date | null>;
  list(filter?: { status?: OutboxStatus; incidentId?: number }): Promise<OutboxJob[]>;
  /** Deletes delivered jobs last touched before `before` (dead ones stay, for operators); returns how many. */
  purgeDone(before: Date): Promise<number>;
}

export interface ScaleOperationRepository {
  /** Stores a new operation; throws STORE_CONFLICT when its request key exists or its target is already being scaled. */
  insert(op: NewScaleOperation): Promise<ScaleOperation>;
  update(id: number, changes: Partial<Pick<ScaleOperation, 'status' | 'instanceIds' | 'error' | 'startedAt' | 'finishedAt'>>): Promise<ScaleOperation>;
  findById(id: number): Promise<ScaleOperation | null>;
  findByRequestKey(key: string): Promise<ScaleOperation | null>;
  /** The newest operation on a target that did something or is doing it (not refused, not dry runs). */
  latestForTarget(target: string): Promise<ScaleOperation | null>;
  listByIncident(incidentId: number): Promise<ScaleOperation[]>;
}

export interface DeliveryRepository {
  /** The stored response of a delivery already processed, or null. */
  find(key: string): Promise<{ response: unknown; receivedAt: Date } | null>;
  record(key: string, response: unknown, now: Date): Promise<void>;
  /** Forgets deliveries older than `before`, so identical re-notifications much later count as repeats. */
  prune(before: Date): Promise<number>;
  /** Forgets one delivery, so the same bytes arriving now count as new (an alert firing again later). */
  forget(key: string): Promise<void>;
}

export interface StoreTransaction {
  incidents: IncidentRepository;
  alerts: AlertRepository;
  timeline: TimelineRepository;
  outbox: OutboxRepository;
  deliveries: DeliveryRepository;
  scaleOperations: ScaleOperationRepository;
}

export interface Store extends StoreTransaction {
  /** Runs `work` atomically: everything it writes is stored, or nothing is. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Reachable and migrated — the readiness check. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
