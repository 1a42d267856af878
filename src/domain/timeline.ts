// Timeline events: the append-only record of an incident, each with its time, actor and typed data.
import type { Actor } from './actor';
import type { LoadObservation } from './capacity/observed-load';
import type { IncidentStatus } from './incident';
import type { Severity } from './severity';

export interface TimelineData {
  'alert.fired': { fingerprint: string; title: string; severity: Severity; summary?: string; refired?: boolean };
  'alert.resolved': { fingerprint: string; title: string; allResolved: boolean };
  'incident.declared': {
    title: string;
    severity: Severity;
    service: string;
    source: 'alert' | 'manual' | 'pager';
    /** A test incident: no page, no announcement, kept out of metrics. */
    test?: boolean;
  };
  'incident.status_changed': { from: IncidentStatus; to: IncidentStatus; message?: string };
  'incident.severity_changed': { from: Severity; to: Severity };
  'incident.lead_assigned': { userId: string; previous: string | null };
  /** `via`: the paging service's name ("PagerDuty"); `key`: the page's key there. */
  'page.sent': { key: string; via: string; message?: string; count?: number };
  'page.acknowledged': { by?: string };
  'page.escalated': { to?: string };
  'page.reassigned': { to?: string };
  'page.resolved': { by?: string };
  'page.unacknowledged': { minutes: number };
  'page.failed': { message: string };
  'responder.joined': { userId: string };
  'note.added': { text: string };
  /** `messageId` is the chat platform's id of the message (stored as `ts` before it was neutral). */
  /**
   * The event's `at` is the message's own time (when it was posted), not when it was pinned; `permalink` opens it
   * in the chat platform.
   */
  'message.pinned': { channelId: string; messageId: string; text?: string; author?: string; permalink?: string };
  /** A pinned message was edited: its entry now reads `text` (the timeline is append-only, so this is a new event). */
  'message.edited': { channelId: string; messageId: string; text: string };
  'scale.requested': { target: string; from?: number; to: number; reason?: string };
  'scale.started': { target: string; instanceIds?: string[] };
  'scale.completed': { target: string; capacity: number; dryRun?: boolean; message?: string };
  'scale.failed': { target: string; code: string; message: string };
  'scale.refused': { target: string; rule: string; message: string };
  'incident.mitigated': { message?: string };
  /** What people said when resolving: the postmortem's summary, impact, root cause, resolution and tasks. */
  'incident.resolved': {
    summary?: string;
    impact?: string;
    rootCause?: string;
    resolution?: string;
    followUps?: string[];
  };
  'postmortem.drafted': { url?: string };
  /** Another team brought in (`key`: its own page's key); who asked is the event's actor. */
  /** `notPaged`: why the team was not paged (its people were only invited), with what to configure. */
  'team.escalated': { team: string; message?: string; key: string; notPaged?: string };
  'team.acknowledged': { team: string; by?: string };
  /** The team's responder declined its responder request (`by`: as the pager named them). */
  'team.declined': { team: string; by?: string };
  /** A scale request over the target's approval threshold, waiting for a member of `approvers`. */
  'scale.approval_requested': {
    approvalId: number;
    target: string;
    from: number;
    to: number;
    approvers: string;
    /** ISO time. */
    expiresAt: string;
    reason?: string;
  };
  'scale.approved': { approvalId: number; target: string; from: number; to: number };
  'scale.denied': { approvalId: number; target: string; from: number; to: number };
  'scale.approval_expired': { approvalId: number; target: string; from: number; to: number };
  /** A stakeholder update: said in the channel, under the announcement and to subscribers. */
  'incident.update_posted': { text: string };
  /**
   * A target scaled out by hand, observed once at resolution (issue 17): its load over the incident (when it has a
   * watch), the instances then, and where its capacity lives; the postmortem's auto-scaling proposal reads it.
   */
  'capacity.load_observed': LoadObservation;
}

export type TimelineEventType = keyof TimelineData;
export const TIMELINE_EVENT_TYPES = [
  'alert.fired',
  'alert.resolved',
  'incident.declared',
  'incident.status_changed',
  'incident.severity_changed',
  'incident.lead_assigned',
  'page.sent',
  'page.acknowledged',
  'page.escalated',
  'page.reassigned',
  'page.resolved',
  'page.unacknowledged',
  'page.failed',
  'responder.joined',
  'note.added',
  'message.pinned',
  'scale.requested',
  'scale.started',
  'scale.completed',
  'scale.failed',
  'scale.refused',
  'incident.mitigated',
  'incident.resolved',
  'postmortem.drafted',
  'message.edited',
  'team.escalated',
  'team.acknowledged',
  'team.declined',
  'scale.approval_requested',
  'scale.approved',
  'scale.denied',
  'scale.approval_expired',
  'incident.update_posted',
  'capacity.load_observed',
] as const satisfies readonly TimelineEventType[];

/** A timeline event not yet stored. Discriminated on `type` so `data` is typed. */
export type NewTimelineEvent = {
  [T in TimelineEventType]: { incidentId: number; at: Date; type: T; actor: Actor; data: TimelineData[T] };
}[TimelineEventType];

export type TimelineEvent = NewTimelineEvent & { id: number };

export function timelineEvent<T extends TimelineEventType>(
  incidentId: number,
  at: Date,
  type: T,
  actor: Actor,
  data: TimelineData[T],
): NewTimelineEvent {
  return { incidentId, at, type, actor, data } as NewTimelineEvent;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A timeline event for an incident whose id may not be assigned yet. */
export type TimelineEventDraft = DistributiveOmit<NewTimelineEvent, 'incidentId'>;

export function forIncident(draft: TimelineEventDraft, incidentId: number): NewTimelineEvent {
  // Adding the same field to each member of the union keeps it a valid member; TS cannot see that.
  return { ...draft, incidentId } as NewTimelineEvent;
}
