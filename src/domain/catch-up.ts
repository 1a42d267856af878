// What someone arriving in an incident needs to know, decided from the stored incident and its timeline alone:
// what is broken since when, who is on it, capacity now, what happened last and what everyone is waiting for.
import type { Actor } from './actor';
import type { Incident, IncidentStatus } from './incident';
import { withPinEdits } from './pinned-messages';
import type { Severity } from './severity';
import type { TimelineEvent } from './timeline';

/** How many of the latest significant events a catch-up tells. */
export const CATCH_UP_EVENTS = 5;

/** Something the response is waiting for: what a newcomer could help with, or should not repeat. */
export type AwaitedItem =
  | { kind: 'lead' }
  | { kind: 'page_acknowledgement'; via: string; since: Date }
  | { kind: 'page_delivery'; via: string }
  | { kind: 'scaling'; target: string; to: number; since: Date }
  | { kind: 'alerts_firing'; count: number };

export interface CapacityNow {
  target: string;
  capacity: number;
  /** When the timeline last said so. */
  at: Date;
}

export interface CatchUp {
  incidentId: number;
  title: string;
  service: string;
  severity: Severity;
  status: IncidentStatus;
  test: boolean;
  /** The first alert's firing, or the opening when none fired before it. */
  brokenSince: Date;
  openedAt: Date;
  resolvedAt: Date | null;
  leadUserId: string | null;
  /** People who acted in the incident or joined it, lead first, each once; chat user ids. */
  engaged: string[];
  capacity: CapacityNow[];
  /** The latest significant events, oldest first. */
  recent: TimelineEvent[];
  awaiting: AwaitedItem[];
}

/** Events that tell a newcomer nothing about the response itself. */
function significant(event: TimelineEvent): boolean {
  switch (event.type) {
    case 'responder.joined':
    case 'postmortem.drafted':
    case 'page.resolved':
    case 'capacity.load_observed':
      return false;
    case 'alert.fired':
      return event.data.refired !== true;
    case 'alert.resolved':
      return event.data.allResolved;
    default:
      return true;
  }
}

function person(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.id : null;
}

function engagedPeople(incident: Incident, events: readonly TimelineEvent[]): string[] {
  const people: string[] = [];
  const add = (id: string | null | undefined): void => {
    if (id && !people.includes(id)) people.push(id);
  };
  add(incident.leadUserId);
  add(person(incident.declaredBy));
  for (const event of events) {
    add(person(event.actor));
    if (event.type === 'responder.joined') add(event.data.userId);
    if (event.type === 'incident.lead_assigned') add(event.data.userId);
  }
  for (const p of incident.onCall?.people ?? []) add(p.slackUserId);
  return people;
}

/** Each target's capacity as the timeline last told it; targets only seen on the incident's snapshot follow. */
function capacityNow(incident: Incident, events: readonly TimelineEvent[]): CapacityNow[] {
  const byTarget = new Map<string, CapacityNow>();
  for (const event of events)
    if (event.type === 'scale.completed' && !event.data.dryRun)
      byTarget.set(event.data.target, { target: event.data.target, capacity: event.data.capacity, at: event.at });
  for (const [target, snapshot] of Object.entries(incident.capacity ?? {})) {
    const told = byTarget.get(target);
    if (!told || snapshot.checkedAt > told.at)
      byTarget.set(target, { target, capacity: snapshot.running + snapshot.pending, at: snapshot.checkedAt });
  }
  return [...byTarget.values()].sort((a, b) => a.target.localeCompare(b.target));
}

/** Scale requests with no outcome yet, by target (the latest request of each). */
function scalingInProgress(events: readonly TimelineEvent[]): AwaitedItem[] {
  const open = new Map<string, { to: number; since: Date }>();
  for (const event of events) {
    if (event.type === 'scale.requested') open.set(event.data.target, { to: event.data.to, since: event.at });
    if (event.type === 'scale.completed' || event.type === 'scale.failed' || event.type === 'scale.refused')
      open.delete(event.data.target);
  }
  return [...open].map(([target, { to, since }]) => ({ kind: 'scaling', target, to, since }));
}

function awaited(incident: Incident, events: readonly TimelineEvent[]): AwaitedItem[] {
  if (incident.status === 'resolved') return [];
  const items: AwaitedItem[] = [];
  if (!incident.leadUserId) items.push({ kind: 'lead' });
  const page = incident.page;
  if (page?.status === 'pending') items.push({ kind: 'page_delivery', via: page.via });
  if (page?.status === 'triggered')
    items.push({ kind: 'page_acknowledgement', via: page.via, since: page.sentAt ?? page.requestedAt });
  items.push(...scalingInProgress(events));
  if (incident.alertCounts.firing > 0) items.push({ kind: 'alerts_firing', count: incident.alertCounts.firing });
  return items;
}

/** The catch-up on `incident` from its whole timeline (oldest first), as of now. */
export function catchUp(incident: Incident, events: readonly TimelineEvent[]): CatchUp {
  const firstAlert = events.find((e) => e.type === 'alert.fired');
  const brokenSince = firstAlert && firstAlert.at < incident.openedAt ? firstAlert.at : incident.openedAt;
  return {
    incidentId: incident.id,
    title: incident.title,
    service: incident.service,
    severity: incident.severity,
    status: incident.status,
    test: incident.test === true,
    brokenSince,
    openedAt: incident.openedAt,
    resolvedAt: incident.resolvedAt,
    leadUserId: incident.leadUserId,
    engaged: engagedPeople(incident, events),
    capacity: capacityNow(incident, events),
    recent: withPinEdits(events).filter(significant).slice(-CATCH_UP_EVENTS),
    awaiting: awaited(incident, events),
  };
}
