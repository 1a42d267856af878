// What storing an alert writes, on SQLite, as synchronous statements (sqlite-hot-path.ts): the repositories'
// SQLite branches run them one by one, and `synchronousTransaction` runs a whole batch of them as one
// transaction with no await inside (issue 12: a storm's batch no longer pays a promise and an async-context
// hop per statement, nor Kysely's transaction machinery). PostgreSQL keeps the Kysely queries.
import type { Selectable } from 'kysely';
import type { AlertRecord } from '../../domain/alert';
import type { Incident, NewIncident } from '../../domain/incident';
import type { NewTimelineEvent, TimelineEvent } from '../../domain/timeline';
import { FirebreakError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { AlertIntakeTransaction, NewAlertRecord, NewOutboxJob, OutboxJob } from '../../ports/store';
import {
  ALERT_COLUMNS,
  ALERT_COLUMNS_BUT_LINKS,
  alertChangesToRow,
  alertToRow,
  fromJson,
  incidentChangesToRow,
  iso,
  outboxJobToRow,
  rowToAlert,
  rowToIncident,
  rowToOutboxJob,
  TIMELINE_EVENT_COLUMNS,
  timelineEventToRow,
  toJson,
} from './rows';
import type { AlertsTable, DeliveriesTable, IncidentsTable, OutboxTable } from './schema';
import type { SqliteHotPath } from './sqlite-hot-path';

const DELIVERY_COLUMNS = ['key', 'response', 'received_at'] as const;

const COUNT_ALERTS_SQL =
  'update incidents set alerts_firing = alerts_firing + ?, alerts_resolved = alerts_resolved + ? where id = ?';

export function findOpenIncident(q: SqliteHotPath, groupKey: string): Incident | null {
  const row = q.get<Selectable<IncidentsTable>>(
    `select * from incidents where group_key = ? and status <> 'resolved'`,
    groupKey,
  );
  return row === undefined ? null : rowToIncident(row);
}

export function updateIncident(q: SqliteHotPath, id: number, changes: Partial<NewIncident>, now: Date): Incident {
  const columns = { ...incidentChangesToRow(changes), updated_at: iso(now, 'now') };
  const row = q.updateReturning<Selectable<IncidentsTable>>('incidents', columns, 'where id = ? returning *', id);
  if (!row) throw new FirebreakError('NOT_FOUND', `incident ${id} does not exist`, { step: `updating incident ${id}` });
  return rowToIncident(row);
}

export function findAlert(q: SqliteHotPath, incidentId: number, fingerprint: string): AlertRecord | null {
  const row = q.get<Selectable<AlertsTable>>(
    'select * from alerts where incident_id = ? and fingerprint = ?',
    incidentId,
    fingerprint,
  );
  return row === undefined ? null : rowToAlert(row);
}

/**
 * Moves an incident's alert counts by the given amounts. Outside a batch, at once (one UPDATE); a batch
 * (`alertIntake`) adds them up per incident and writes them once, before its COMMIT.
 */
export type CountAlerts = (incidentId: number, firing: number, resolved: number) => void;

function countAtOnce(q: SqliteHotPath, incidentId: number, firing: number, resolved: number): void {
  q.exec(COUNT_ALERTS_SQL, firing, resolved, incidentId);
}

/** Stores the alert and counts it on its incident, in the same statement sequence. */
export function insertAlert(q: SqliteHotPath, alert: NewAlertRecord, count?: CountAlerts): AlertRecord {
  const columns = alert.links.length > 0 ? ALERT_COLUMNS : ALERT_COLUMNS_BUT_LINKS;
  const id = q.insertColumns('alerts', columns, alertToRow(alert));
  const firing = alert.status === 'firing' ? 1 : 0;
  if (count) count(alert.incidentId, firing, 1 - firing);
  else countAtOnce(q, alert.incidentId, firing, 1 - firing);
  return { ...alert, id };
}

export function updateAlert(
  q: SqliteHotPath,
  id: number,
  changes: Partial<Omit<AlertRecord, 'id' | 'incidentId'>>,
  count?: CountAlerts,
): void {
  const columns = alertChangesToRow(changes);
  if (Object.keys(columns).length === 0) return;
  const { status } = columns;
  if (status !== undefined) {
    // Only a real change of status moves the counts: firing to resolved, or back.
    const changed = q.updateReturning<{ incident_id: number }>(
      'alerts',
      { status },
      'where id = ? and status <> ? returning incident_id',
      id,
      status,
    );
    const firing = status === 'firing' ? 1 : -1;
    if (changed && count) count(changed.incident_id, firing, -firing);
    else if (changed) countAtOnce(q, changed.incident_id, firing, -firing);
  }
  if (q.update('alerts', columns, 'where id = ?', id) === 0)
    throw new FirebreakError('NOT_FOUND', `alert ${id} does not exist`, { step: `updating alert ${id}` });
}

export function appendEvent(q: SqliteHotPath, event: NewTimelineEvent): TimelineEvent {
  return {
    ...event,
    id: q.insertColumns('timeline_events', TIMELINE_EVENT_COLUMNS, timelineEventToRow(event)),
  } as TimelineEvent;
}

export function findDelivery(q: SqliteHotPath, key: string): { response: unknown; receivedAt: Date } | null {
  const row = q.get<Selectable<DeliveriesTable>>('select * from deliveries where key = ?', key);
  return row ? { response: fromJson<unknown>(row.response), receivedAt: new Date(row.received_at) } : null;
}

export function recordDelivery(q: SqliteHotPath, key: string, response: unknown, now: Date): void {
  q.insertColumns('deliveries', DELIVERY_COLUMNS, { key, response: toJson(response), received_at: iso(now, 'now') });
}

/**
 * Adds a job, or returns the pending job with the same coalesce key. One connection and no await between the
 * insert and the look-up, so there is no race to lose.
 */
export function enqueueJob(q: SqliteHotPath, job: NewOutboxJob, now: Date): OutboxJob {
  const row = outboxJobToRow(job, now);
  const key = row.coalesce_key;
  if (key === null || key === undefined) {
    const id = q.insert('outbox', row);
    const stored = q.get<Selectable<OutboxTable>>('select * from outbox where id = ?', id);
    if (!stored) throw new FirebreakError('STORE_UNAVAILABLE', `the ${job.kind} job just stored is gone`);
    return rowToOutboxJob(stored);
  }
  const inserted = q.insertReturning<Selectable<OutboxTable>>(
    'outbox',
    row,
    "on conflict (coalesce_key) where status = 'pending' do nothing",
  );
  const stored =
    inserted ??
    q.get<Selectable<OutboxTable>>("select * from outbox where coalesce_key = ? and status = 'pending'", key);
  if (!stored)
    throw new FirebreakError('STORE_CONFLICT', `enqueuing a ${job.kind} job: its pending twin vanished`, {
      step: 'enqueuing an outbox job',
    });
  return rowToOutboxJob(stored);
}

/**
 * Adds a job unless its pending twin (same coalesce key) is already there, without reading either back: a
 * batch's card edits only need to be queued, and the look-up `enqueueJob` makes after a conflict cost as
 * much as the insert. True when it added the job.
 */
export function enqueueJobQuietly(q: SqliteHotPath, job: NewOutboxJob, now: Date): boolean {
  const row = outboxJobToRow(job, now);
  if (row.coalesce_key === null || row.coalesce_key === undefined) {
    q.insert('outbox', row);
    return true;
  }
  return q.insertIgnoring('outbox', row, "on conflict (coalesce_key) where status = 'pending' do nothing");
}

// Probes the partial index of pending coalesce keys once per key. Written as `coalesce_key in (…)`, SQLite chose
// the (status, next_attempt_at) index and read every pending job of the storm instead (EXPLAIN QUERY PLAN).
const PENDING_KEYS_SQL =
  "select value as coalesce_key from json_each(?) where exists (select 1 from outbox where coalesce_key = value and status = 'pending')";

/**
 * `enqueueJobQuietly` for several jobs: one look-up finds which coalesce keys already have a pending job, and
 * only the others are inserted. A storm's batch touches most open incidents, whose card edits mostly still
 * wait out their channel's pace: one statement instead of an attempted insert per incident.
 */
export function enqueueJobsQuietly(q: SqliteHotPath, jobs: readonly NewOutboxJob[], now: Date): boolean {
  const keys = jobs.flatMap((job) => (job.coalesceKey ? [job.coalesceKey] : []));
  const pending =
    keys.length > 1
      ? new Set(q.all<{ coalesce_key: string }>(PENDING_KEYS_SQL, JSON.stringify(keys)).map((r) => r.coalesce_key))
      : null;
  let queued = false;
  for (const job of jobs) {
    if (job.coalesceKey && pending?.has(job.coalesceKey)) continue;
    queued = enqueueJobQuietly(q, job, now) || queued;
  }
  return queued;
}

/** The synchronous transaction's repositories, and what it does before its COMMIT or after its ROLLBACK. */
export interface AlertIntake {
  tx: AlertIntakeTransaction;
  /** Writes the alert counts the batch moved: one UPDATE per incident. Call before COMMIT. */
  writeCounts(): void;
  /** Forgets them. Call after ROLLBACK. */
  forgetCounts(): void;
}

/**
 * The statements above as the synchronous transaction's repositories. A storm's batch adds many alerts to
 * few incidents: their counts are added up per incident and written once, at the end (`writeCounts`), and an
 * incident read meanwhile (found, or updated) already shows them, as if each had been written at once.
 */
export function alertIntake(q: SqliteHotPath, clock: Clock): AlertIntake {
  const counted = new Map<number, { firing: number; resolved: number }>();
  const count: CountAlerts = (incidentId, firing, resolved) => {
    const moved = counted.get(incidentId);
    if (moved) {
      moved.firing += firing;
      moved.resolved += resolved;
    } else counted.set(incidentId, { firing, resolved });
  };
  const withCounted = (incident: Incident): Incident => {
    const moved = counted.get(incident.id);
    if (!moved) return incident;
    const { firing, resolved } = incident.alertCounts;
    return { ...incident, alertCounts: { firing: firing + moved.firing, resolved: resolved + moved.resolved } };
  };
  const tx: AlertIntakeTransaction = {
    incidents: {
      findOpenByGroupKey: (groupKey) => {
        const incident = findOpenIncident(q, groupKey);
        return incident && withCounted(incident);
      },
      update: (id, changes) => withCounted(updateIncident(q, id, changes, clock.now())),
    },
    alerts: {
      find: (incidentId, fingerprint) => findAlert(q, incidentId, fingerprint),
      insert: (alert) => insertAlert(q, alert, count),
      update: (id, changes) => updateAlert(q, id, changes, count),
    },
    timeline: { append: (event) => appendEvent(q, event) },
    outbox: {
      enqueue: (job, now) => enqueueJobQuietly(q, job, now),
      enqueueAll: (jobs, now) => enqueueJobsQuietly(q, jobs, now),
    },
    deliveries: {
      find: (key) => findDelivery(q, key),
      record: (key, response, now) => recordDelivery(q, key, response, now),
      forget: (key) => {
        q.exec('delete from deliveries where key = ?', key);
      },
    },
  };
  return {
    tx,
    writeCounts() {
      for (const [incidentId, { firing, resolved }] of counted)
        if (firing !== 0 || resolved !== 0) countAtOnce(q, incidentId, firing, resolved);
      counted.clear();
    },
    forgetCounts() {
      counted.clear();
    },
  };
}
