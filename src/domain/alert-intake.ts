// What one received alert does to its incident: open it, add an alert, count a repeat, record a resolve.
// Pure: the flow reads the current state, asks for a plan, and stores the plan in one transaction.
import type { Actor } from './actor';
import type { AlertRecord, NormalizedAlert } from './alert';
import { groupingKey } from './grouping';
import type { AlertCounts, Incident, NewIncident } from './incident';
import { severityRank, worseOf, type Severity } from './severity';
import type { TimelineEventDraft } from './timeline';
export type AlertRecordDraft = Omit<AlertRecord, 'id' | 'incidentId'>;

export interface IntakePolicy {
  /** Overrides the alert's severity for a service (from the routing policy). */
  severityFor?(service: string): Severity | undefined;
}

export interface IntakeInput {
  alert: NormalizedAlert;
  /** The open incident for this alert's grouping key, if any. */
  incident: Incident | null;
  /** This alert's stored record within that incident, if seen before. */
  existing: AlertRecord | null;
  /** Firing alerts in the incident other than this one. */
  otherFiring: number;
  now: Date;
  policy?: IntakePolicy;
}

export type AlertChange =
  | { kind: 'insert'; record: AlertRecordDraft }
  | { kind: 'update'; id: number; changes: Partial<AlertRecordDraft> }
  | { kind: 'none' };

export interface IntakePlan {
  /** Set when the alert opens a new incident. */
  open: NewIncident | null;
  alert: AlertChange;
  incidentChanges: Partial<NewIncident>;
  events: TimelineEventDraft[];
  /** True when this alert was the last one firing: the card offers to resolve. */
  allAlertsResolved: boolean;
  /** False when the alert changes nothing (a resolve for an incident we never opened). */
  relevant: boolean;
}

function monitor(alert: NormalizedAlert): Actor {
  return { kind: 'monitor', id: alert.source };
}

function startedAt(alert: NormalizedAlert, now: Date): Date {
  return alert.startsAt ?? now;
}

function newRecord(alert: NormalizedAlert, now: Date): AlertRecordDraft {
  return {
    fingerprint: alert.fingerprint,
    source: alert.source,
    title: alert.title,
    service: alert.service,
    severity: alert.severity,
    status: alert.status,
    summary: alert.summary ?? null,
    labels: alert.labels,
    url: alert.url ?? null,
    links: alert.links ?? [],
    startsAt: startedAt(alert, now),
    endsAt: alert.status === 'resolved' ? (alert.endsAt ?? now) : null,
    firstSeenAt: now,
    lastSeenAt: now,
    count: 1,
  };
}

function firedEvent(alert: NormalizedAlert, at: Date, refired: boolean): TimelineEventDraft {
  const data = {
    fingerprint: alert.fingerprint,
    title: alert.title,
    severity: alert.severity,
    ...(alert.summary ? { summary: alert.summary } : {}),
    ...(refired ? { refired } : {}),
  };
  return { at, type: 'alert.fired', actor: monitor(alert), data };
}

function resolvedEvent(alert: NormalizedAlert, at: Date, allResolved: boolean): TimelineEventDraft {
  return {
    at,
    type: 'alert.resolved',
    actor: monitor(alert),
    data: { fingerprint: alert.fingerprint, title: alert.title, allResolved },
  };
}

function openIncident(alert: NormalizedAlert, severity: Severity, now: Date): NewIncident {
  return {
    title: alert.title,
    severity,
    status: 'investigating',
    service: alert.service,
    groupKey: groupingKey(alert),
    leadUserId: null,
    declaredBy: monitor(alert),
    channelId: null,
    channelName: null,
    cardMessageId: null,
    channelFailure: null,
    announcement: null,
    openedAt: now,
    mitigatedAt: null,
    resolvedAt: null,
    alertsResolvedAt: null,
    page: null,
    onCall: null,
    capacity: null,
  };
}

const NOTHING: IntakePlan = {
  open: null,
  alert: { kind: 'none' },
  incidentChanges: {},
  events: [],
  allAlertsResolved: false,
  relevant: false,
};

export function planAlertIntake(input: IntakeInput): IntakePlan {
  const { alert, incident, existing, now } = input;
  const severity = input.policy?.severityFor?.(alert.service) ?? alert.severity;
  const effective: NormalizedAlert = { ...alert, severity };

  if (!incident) {
    // A resolve for something we never opened is noise; a firing alert opens an incident.
    if (alert.status === 'resolved') return NOTHING;
    return {
      open: openIncident(effective, severity, now),
      alert: { kind: 'insert', record: newRecord(effective, now) },
      incidentChanges: {},
      events: [
        {
          at: now,
          type: 'incident.declared',
          actor: monitor(alert),
          data: { title: alert.title, severity, service: alert.service, source: 'alert' },
        },
        firedEvent(effective, now, false),
      ],
      allAlertsResolved: false,
      relevant: true,
    };
  }

  const events: TimelineEventDraft[] = [];
  const incidentChanges: Partial<NewIncident> = {};
  let change: AlertChange;
  let firingAfter = input.otherFiring;

  if (alert.status === 'firing') {
    firingAfter += 1;
    if (!existing) {
      change = { kind: 'insert', record: newRecord(effective, now) };
      events.push(firedEvent(effective, now, false));
    } else if (existing.status === 'resolved') {
      change = {
        kind: 'update',
        id: existing.id,
        changes: {
          status: 'firing',
          endsAt: null,
          startsAt: startedAt(alert, now),
          lastSeenAt: now,
          count: existing.count + 1,
          severity,
        },
      };
      events.push(firedEvent(effective, now, true));
    } else {
      // A repeat while firing: counted on the alert, not a timeline row.
      change = { kind: 'update', id: existing.id, changes: { lastSeenAt: now, count: existing.count + 1 } };
    }
    if (severityRank(severity) < severityRank(incident.severity)) {
      const raised = worseOf(severity, incident.severity);
      incidentChanges.severity = raised;
      events.push({
        at: now,
        type: 'incident.severity_changed',
        actor: monitor(alert),
        data: { from: incident.severity, to: raised },
      });
    }
    if (incident.alertsResolvedAt) incidentChanges.alertsResolvedAt = null;
  } else {
    if (!existing || existing.status === 'resolved') {
      return { ...NOTHING, relevant: existing !== null };
    }
    change = {
      kind: 'update',
      id: existing.id,
      changes: { status: 'resolved', endsAt: alert.endsAt ?? now, lastSeenAt: now },
    };
    events.push(resolvedEvent(alert, now, firingAfter === 0));
    if (firingAfter === 0) incidentChanges.alertsResolvedAt = now;
  }

  return {
    open: null,
    alert: change,
    incidentChanges,
    events,
    allAlertsResolved: alert.status === 'resolved' && firingAfter === 0,
    relevant: true,
  };
}

/**
 * The incident's alert counts once a plan's alert change is stored. The store keeps the same counts by
 * increments; this lets a batch of alerts for one incident go on from what it already knows.
 */
export function alertCountsAfter(counts: AlertCounts, change: AlertChange, existing: AlertRecord | null): AlertCounts {
  if (change.kind === 'insert') return { ...counts, [change.record.status]: counts[change.record.status] + 1 };
  const to = change.kind === 'update' ? change.changes.status : undefined;
  if (to === undefined || existing === null || existing.status === to) return counts;
  return { ...counts, [existing.status]: counts[existing.status] - 1, [to]: counts[to] + 1 };
}
