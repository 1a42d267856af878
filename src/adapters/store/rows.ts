// Row ↔ domain mapping, in one place: dates as ISO-8601 UTC text, JSON as text, absent values as NULL.
import { randomUUID } from 'node:crypto';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Actor } from '../../domain/actor';
import type { AlertLink, AlertRecord, AlertStatus } from '../../domain/alert';
import { INCIDENT_STATUSES, type Incident, type NewIncident, type MessageRef } from '../../domain/incident';
import type { OnCallState, PageState } from '../../domain/paging';
import type { CapacitySnapshot } from '../../domain/scale-target';
import {
  SCALE_OPERATION_STATUSES,
  type NewScaleOperation,
  type ScaleError,
  type ScaleOperation,
} from '../../domain/scaling';
import { SEVERITIES } from '../../domain/severity';
import { TIMELINE_EVENT_TYPES, type NewTimelineEvent, type TimelineEvent } from '../../domain/timeline';
import { FirebreakError } from '../../errors';
import type { NewAlertRecord, NewOutboxJob, OutboxJob, OutboxStatus } from '../../ports/store';
import type { AlertsTable, IncidentsTable, OutboxTable, ScaleOperationsTable, TimelineEventsTable } from './schema';

const ALERT_STATUSES = ['firing', 'resolved'] as const satisfies readonly AlertStatus[];
export const OUTBOX_STATUSES = ['pending', 'running', 'done', 'dead'] as const satisfies readonly OutboxStatus[];

// ── values ───────────────────────────────────────────────────────────────────

/** The last time written and its text: a batch writes the same `now` into several columns of every row. */
let lastIso = { time: Number.NaN, text: '' };

export function iso(date: Date, field: string): string {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(time)) {
    throw new FirebreakError('INPUT_INVALID', `${field} is not a valid date`, { step: 'storing a date' });
  }
  if (time !== lastIso.time) lastIso = { time, text: date.toISOString() };
  return lastIso.text;
}

function isoOrNull(date: Date | null, field: string): string | null {
  return date === null ? null : iso(date, field);
}

function toDate(text: string): Date {
  return new Date(text);
}

function toDateOrNull(text: string | null): Date | null {
  return text === null ? null : new Date(text);
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** A stored word checked against the words the domain knows, so a bad row fails loudly, not deep in a flow. */
function oneOf<T extends string>(allowed: readonly T[], value: string, column: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`unexpected value "${value}" in ${column}`);
}

/** Maps only the fields present in `changes`: an absent field leaves its column alone, null clears it. */
function encodeChanges<D extends object, R>(changes: Partial<D>, encoders: { [K in keyof D]?: (value: D[K]) => R }): R {
  const row: Record<string, unknown> = {};
  for (const key of Object.keys(changes) as (keyof D)[]) {
    const value = changes[key];
    const encode = encoders[key];
    if (value === undefined || encode === undefined) continue;
    Object.assign(row, encode(value as D[typeof key]));
  }
  return row as R;
}

// ── incidents ────────────────────────────────────────────────────────────────

type IncidentColumns = Updateable<IncidentsTable>;

const incidentEncoders: { [K in keyof NewIncident]: (value: NewIncident[K]) => IncidentColumns } = {
  title: (title) => ({ title }),
  severity: (severity) => ({ severity }),
  status: (status) => ({ status }),
  service: (service) => ({ service }),
  groupKey: (group_key) => ({ group_key }),
  leadUserId: (lead_user_id) => ({ lead_user_id }),
  declaredBy: (actor) => ({ declared_by: toJson(actor) }),
  channelId: (channel_id) => ({ channel_id }),
  channelName: (channel_name) => ({ channel_name }),
  // The column keeps its first name; it holds the chat platform's message id (Slack's ts).
  cardMessageId: (card_ts) => ({ card_ts }),
  channelFailure: (channel_failure) => ({ channel_failure }),
  announcement: (posted) => ({ announcement: posted === null ? null : toJson(posted) }),
  openedAt: (date) => ({ opened_at: iso(date, 'incident.openedAt') }),
  mitigatedAt: (date) => ({ mitigated_at: isoOrNull(date, 'incident.mitigatedAt') }),
  resolvedAt: (date) => ({ resolved_at: isoOrNull(date, 'incident.resolvedAt') }),
  alertsResolvedAt: (date) => ({ alerts_resolved_at: isoOrNull(date, 'incident.alertsResolvedAt') }),
  page: (page) => ({ page: page === null ? null : toJson(page) }),
  onCall: (onCall) => ({ on_call: onCall === null ? null : toJson(onCall) }),
  capacity: (capacity) => ({ capacity: capacity === null ? null : toJson(capacity) }),
  test: (test) => ({ test_incident: test ? 1 : 0 }),
};

export function incidentChangesToRow(changes: Partial<NewIncident>): IncidentColumns {
  return encodeChanges<NewIncident, IncidentColumns>(changes, incidentEncoders);
}

export function incidentToRow(incident: NewIncident, updatedAt: Date): Insertable<IncidentsTable> {
  // Every field of a NewIncident is present, so every column is filled.
  return { ...(incidentChangesToRow(incident) as Insertable<IncidentsTable>), updated_at: iso(updatedAt, 'updatedAt') };
}

export function rowToIncident(row: Selectable<IncidentsTable>): Incident {
  return {
    id: row.id,
    title: row.title,
    severity: oneOf(SEVERITIES, row.severity, 'incidents.severity'),
    status: oneOf(INCIDENT_STATUSES, row.status, 'incidents.status'),
    service: row.service,
    groupKey: row.group_key,
    leadUserId: row.lead_user_id,
    declaredBy: actorFromJson(row.declared_by),
    channelId: row.channel_id,
    channelName: row.channel_name,
    cardMessageId: row.card_ts,
    channelFailure: row.channel_failure,
    announcement: row.announcement === null ? null : messageRefFromJson(row.announcement),
    openedAt: toDate(row.opened_at),
    mitigatedAt: toDateOrNull(row.mitigated_at),
    resolvedAt: toDateOrNull(row.resolved_at),
    alertsResolvedAt: toDateOrNull(row.alerts_resolved_at),
    page: row.page === null ? null : pageFromJson(row.page),
    onCall: row.on_call === null ? null : onCallFromJson(row.on_call),
    capacity: row.capacity === null ? null : capacityFromJson(row.capacity),
    alertCounts: { firing: Number(row.alerts_firing), resolved: Number(row.alerts_resolved) },
    // Only a test incident says so: real ones read exactly as they did before the flag existed.
    ...(Number(row.test_incident) === 1 ? { test: true } : {}),
  };
}

// Pages and pager actors stored before paging was vendor-neutral were all PagerDuty's.
const EARLIER_PAGER = 'PagerDuty';

/**
 * An actor as stored. Rows written before paging was vendor-neutral say `{kind: 'pagerduty', id?, name?}`:
 * they read as the pager actor they are.
 */
function actorFromStored(raw: Actor | { kind: 'pagerduty'; id?: string; name?: string }): Actor {
  if (raw.kind !== 'pagerduty') return raw;
  return {
    kind: 'pager',
    via: EARLIER_PAGER,
    ...(raw.id !== undefined ? { id: raw.id } : {}),
    ...(raw.name !== undefined ? { name: raw.name } : {}),
  };
}

function actorFromJson(text: string): Actor {
  return actorFromStored(fromJson(text));
}

/**
 * Who acknowledged a page, as stored: an actor, or (before paging was vendor-neutral) text: a Slack mention
 * `<@U…>` for someone who acknowledged in Slack, else the name PagerDuty gave ("Alice Archer", or "PagerDuty").
 */
function acknowledgerFromStored(raw: unknown): Actor | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'string') return actorFromStored(raw as Actor);
  const slackUser = /^<@([UW][A-Z0-9]+)>$/.exec(raw)?.[1];
  if (slackUser) return { kind: 'user', id: slackUser };
  return raw === EARLIER_PAGER
    ? { kind: 'pager', via: EARLIER_PAGER }
    : { kind: 'pager', via: EARLIER_PAGER, name: raw };
}

/** JSON turned the page's dates into ISO text; turn them back. Older pages named their key `dedupKey`. */
function pageFromJson(text: string): PageState {
  const raw = fromJson<Record<string, unknown>>(text);
  const date = (key: string): Date | null => (typeof raw[key] === 'string' ? toDate(raw[key] as string) : null);
  const { dedupKey, ...rest } = raw;
  return {
    ...(rest as unknown as PageState),
    key: typeof raw.key === 'string' ? raw.key : String(dedupKey),
    via: typeof raw.via === 'string' ? raw.via : EARLIER_PAGER,
    acknowledgedBy: acknowledgerFromStored(raw.acknowledgedBy),
    requestedAt: date('requestedAt') ?? new Date(0),
    sentAt: date('sentAt'),
    ackDueAt: date('ackDueAt'),
    acknowledgedAt: date('acknowledgedAt'),
  };
}

/** Older `page.sent` events named the page's key `dedupKey` and did not say which pager they went through. */
function timelineDataFromJson(type: string, text: string): unknown {
  const data = fromJson<unknown>(text);
  if (type === 'message.pinned') return pinnedFromStored(data as Record<string, unknown>);
  if (type !== 'page.sent' || data === null || typeof data !== 'object') return data;
  const { dedupKey, ...rest } = data as Record<string, unknown>;
  return {
    ...(dedupKey !== undefined ? { key: dedupKey } : {}),
    via: EARLIER_PAGER,
    ...rest,
  };
}

/** A pin stored before messages had neutral ids named its message by Slack's `ts`. */
function pinnedFromStored(data: Record<string, unknown>): unknown {
  const { ts, ...rest } = data;
  return ts !== undefined && rest.messageId === undefined ? { ...rest, messageId: ts } : data;
}

/** Where a posted message is; stored before messages had neutral ids, it named the message by Slack's `ts`. */
function messageRefFromJson(text: string): MessageRef {
  const raw = fromJson<{ channelId: string; messageId?: string; ts?: string }>(text);
  const messageId = raw.messageId ?? raw.ts;
  if (typeof raw.channelId !== 'string' || typeof messageId !== 'string')
    throw new Error(`unexpected message reference ${text} in incidents.announcement`);
  return { channelId: raw.channelId, messageId };
}

function capacityFromJson(text: string): Record<string, CapacitySnapshot> {
  const raw = fromJson<Record<string, CapacitySnapshot & { checkedAt: string }>>(text);
  return Object.fromEntries(
    Object.entries(raw).map(([target, snapshot]) => [target, { ...snapshot, checkedAt: toDate(snapshot.checkedAt) }]),
  );
}

function onCallFromJson(text: string): OnCallState {
  const raw = fromJson<OnCallState & { checkedAt: string }>(text);
  return { ...raw, checkedAt: toDate(raw.checkedAt) };
}

// ── alerts ───────────────────────────────────────────────────────────────────

type AlertColumns = Updateable<AlertsTable>;

const alertEncoders: { [K in keyof NewAlertRecord]: (value: NewAlertRecord[K]) => AlertColumns } = {
  incidentId: (incident_id) => ({ incident_id }),
  fingerprint: (fingerprint) => ({ fingerprint }),
  source: (source) => ({ source }),
  title: (title) => ({ title }),
  service: (service) => ({ service }),
  severity: (severity) => ({ severity }),
  status: (status) => ({ status }),
  summary: (summary) => ({ summary }),
  labels: (labels) => ({ labels: toJson(labels) }),
  url: (url) => ({ url }),
  // No links, no column written: it stays null (and rows stored before migration 008 are written the same way).
  links: (links) => (links.length > 0 ? { links: toJson(links) } : {}),
  startsAt: (date) => ({ starts_at: iso(date, 'alert.startsAt') }),
  endsAt: (date) => ({ ends_at: isoOrNull(date, 'alert.endsAt') }),
  firstSeenAt: (date) => ({ first_seen_at: iso(date, 'alert.firstSeenAt') }),
  lastSeenAt: (date) => ({ last_seen_at: iso(date, 'alert.lastSeenAt') }),
  count: (count) => ({ count }),
};

export function alertChangesToRow(changes: Partial<NewAlertRecord>): AlertColumns {
  return encodeChanges<NewAlertRecord, AlertColumns>(changes, alertEncoders);
}

/**
 * A new alert's row, every column written. A storm stores thousands a second: one object literal of one shape,
 * where mapping it field by field through `alertEncoders` cost about 5 % of a storm's CPU (issue 12).
 */
export function alertToRow(alert: NewAlertRecord): Insertable<AlertsTable> {
  return {
    incident_id: alert.incidentId,
    fingerprint: alert.fingerprint,
    source: alert.source,
    title: alert.title,
    service: alert.service,
    severity: alert.severity,
    status: alert.status,
    summary: alert.summary,
    labels: toJson(alert.labels),
    url: alert.url,
    // No links, no column written: it stays null (and rows stored before migration 008 are written the same way).
    ...(alert.links.length > 0 ? { links: toJson(alert.links) } : {}),
    starts_at: iso(alert.startsAt, 'alert.startsAt'),
    ends_at: isoOrNull(alert.endsAt, 'alert.endsAt'),
    first_seen_at: iso(alert.firstSeenAt, 'alert.firstSeenAt'),
    last_seen_at: iso(alert.lastSeenAt, 'alert.lastSeenAt'),
    count: alert.count,
  };
}

/** The columns `alertToRow` fills, in one order: the SQLite hot path's INSERT names them once. */
export const ALERT_COLUMNS = [
  'incident_id',
  'fingerprint',
  'source',
  'title',
  'service',
  'severity',
  'status',
  'summary',
  'labels',
  'url',
  'links',
  'starts_at',
  'ends_at',
  'first_seen_at',
  'last_seen_at',
  'count',
] as const satisfies readonly (keyof Insertable<AlertsTable>)[];

/** The same without `links`, which `alertToRow` leaves out when there are none. */
export const ALERT_COLUMNS_BUT_LINKS = ALERT_COLUMNS.filter((column) => column !== 'links');

/** The columns `timelineEventToRow` fills. */
export const TIMELINE_EVENT_COLUMNS = [
  'incident_id',
  'at',
  'type',
  'actor',
  'data',
] as const satisfies readonly (keyof Insertable<TimelineEventsTable>)[];

// Each list names every column of its table but the id: a column added to the table and not the list fails here.
type Unlisted<Row, Listed extends readonly PropertyKey[]> = Exclude<keyof Row, Listed[number] | 'id'>;
const everyAlertColumnListed: Unlisted<ReturnType<typeof alertToRow>, typeof ALERT_COLUMNS> extends never
  ? true
  : never = true;
const everyTimelineColumnListed: Unlisted<
  ReturnType<typeof timelineEventToRow>,
  typeof TIMELINE_EVENT_COLUMNS
> extends never
  ? true
  : never = true;
void everyAlertColumnListed;
void everyTimelineColumnListed;

export function rowToAlert(row: Selectable<AlertsTable>): AlertRecord {
  return {
    id: row.id,
    incidentId: row.incident_id,
    fingerprint: row.fingerprint,
    source: row.source,
    title: row.title,
    service: row.service,
    severity: oneOf(SEVERITIES, row.severity, 'alerts.severity'),
    status: oneOf(ALERT_STATUSES, row.status, 'alerts.status'),
    summary: row.summary,
    labels: fromJson<Record<string, string>>(row.labels),
    url: row.url,
    links: row.links == null ? [] : fromJson<AlertLink[]>(row.links),
    startsAt: toDate(row.starts_at),
    endsAt: toDateOrNull(row.ends_at),
    firstSeenAt: toDate(row.first_seen_at),
    lastSeenAt: toDate(row.last_seen_at),
    count: row.count,
  };
}

// ── timeline ─────────────────────────────────────────────────────────────────

export function timelineEventToRow(event: NewTimelineEvent): Insertable<TimelineEventsTable> {
  return {
    incident_id: event.incidentId,
    at: iso(event.at, 'timelineEvent.at'),
    type: event.type,
    actor: toJson(event.actor),
    data: toJson(event.data),
  };
}

const TIMELINE_TYPES: ReadonlySet<string> = new Set(TIMELINE_EVENT_TYPES);

function timelineEventFrom(row: Selectable<TimelineEventsTable>, actor: Actor): TimelineEvent {
  if (!TIMELINE_TYPES.has(row.type)) throw new Error(`unexpected value "${row.type}" in timeline_events.type`);
  // The type column was written together with its data, so the pair is one member of the union.
  return {
    id: row.id,
    incidentId: row.incident_id,
    at: toDate(row.at),
    type: row.type,
    actor,
    data: timelineDataFromJson(row.type, row.data),
  } as TimelineEvent;
}

export function rowToTimelineEvent(row: Selectable<TimelineEventsTable>): TimelineEvent {
  return timelineEventFrom(row, actorFromJson(row.actor));
}

/**
 * Turns the rows of one read into events. A long timeline names a few actors thousands of times (a storm's
 * monitor on every alert), so each stored actor is parsed once per read and shared by the events that name
 * it: nothing changes an event's actor in place.
 */
export function timelineRowsToEvents(rows: ReadonlyArray<Selectable<TimelineEventsTable>>): TimelineEvent[] {
  const actors = new Map<string, Actor>();
  return rows.map((row) => {
    let actor = actors.get(row.actor);
    if (actor === undefined) {
      actor = actorFromJson(row.actor);
      actors.set(row.actor, actor);
    }
    return timelineEventFrom(row, actor);
  });
}

// ── outbox ───────────────────────────────────────────────────────────────────

/** A job without a lane is a lane of its own. */
function laneOf(job: NewOutboxJob): string {
  const lane = job.payload?.lane;
  return typeof lane === 'string' && lane.length > 0 ? lane : `job:${randomUUID()}`;
}

export function outboxJobToRow(job: NewOutboxJob, now: Date): Insertable<OutboxTable> {
  const nowIso = iso(now, 'now');
  return {
    kind: job.kind,
    incident_id: job.incidentId ?? null,
    coalesce_key: job.coalesceKey ?? null,
    payload: toJson(job.payload ?? {}),
    attempts: 0,
    status: 'pending' satisfies OutboxStatus,
    next_attempt_at: job.notBefore ? iso(job.notBefore, 'job.notBefore') : nowIso,
    locked_until: null,
    last_error: null,
    lane: laneOf(job),
    owner: null,
    priority: job.urgent ? 0 : 1,
    sending_since: null,
    created_at: nowIso,
    updated_at: nowIso,
  };
}

export function rowToOutboxJob(row: Selectable<OutboxTable>): OutboxJob {
  return {
    id: row.id,
    kind: row.kind,
    incidentId: row.incident_id,
    coalesceKey: row.coalesce_key,
    payload: fromJson<Record<string, unknown>>(row.payload),
    attempts: row.attempts,
    status: oneOf(OUTBOX_STATUSES, row.status, 'outbox.status'),
    nextAttemptAt: toDate(row.next_attempt_at),
    lastError: row.last_error,
    lane: row.lane,
    urgent: row.priority === 0,
    sendingSince: row.sending_since === null ? null : toDate(row.sending_since),
    createdAt: toDate(row.created_at),
  };
}

// ── scale operations ─────────────────────────────────────────────────────────

export function scaleOperationToRow(op: NewScaleOperation): Insertable<ScaleOperationsTable> {
  return {
    incident_id: op.incidentId,
    target: op.target,
    requested_by: toJson(op.requestedBy),
    request_key: op.requestKey,
    from_size: op.from,
    to_size: op.to,
    reason: op.reason,
    status: op.status,
    instance_ids: toJson(op.instanceIds),
    error: op.error === null ? null : toJson(op.error),
    requested_at: iso(op.requestedAt, 'scale.requestedAt'),
    started_at: isoOrNull(op.startedAt, 'scale.startedAt'),
    finished_at: isoOrNull(op.finishedAt, 'scale.finishedAt'),
  };
}

export function scaleOperationChangesToRow(
  changes: Partial<Pick<ScaleOperation, 'status' | 'instanceIds' | 'error' | 'startedAt' | 'finishedAt'>>,
): Updateable<ScaleOperationsTable> {
  return {
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.instanceIds !== undefined ? { instance_ids: toJson(changes.instanceIds) } : {}),
    ...(changes.error !== undefined ? { error: changes.error === null ? null : toJson(changes.error) } : {}),
    ...(changes.startedAt !== undefined ? { started_at: isoOrNull(changes.startedAt, 'scale.startedAt') } : {}),
    ...(changes.finishedAt !== undefined ? { finished_at: isoOrNull(changes.finishedAt, 'scale.finishedAt') } : {}),
  };
}

export function rowToScaleOperation(row: Selectable<ScaleOperationsTable>): ScaleOperation {
  return {
    id: row.id,
    incidentId: row.incident_id,
    target: row.target,
    requestedBy: actorFromJson(row.requested_by),
    requestKey: row.request_key,
    from: row.from_size,
    to: row.to_size,
    reason: row.reason,
    status: oneOf(SCALE_OPERATION_STATUSES, row.status, 'scale_operations.status'),
    instanceIds: fromJson<string[]>(row.instance_ids),
    error: row.error === null ? null : fromJson<ScaleError>(row.error),
    requestedAt: toDate(row.requested_at),
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}
