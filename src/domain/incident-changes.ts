// The changes people make to an incident (declare, status, severity, lead, note), as pure plans:
// what to store on the incident and which timeline events record it.
import type { Actor } from './actor';
import { mention, type RichText } from './rich-text';
import type { TimelineEventDraft } from './timeline';
import type { Incident, IncidentStatus, NewIncident } from './incident';
import type { Severity } from './severity';

export interface IncidentChange {
  changes: Partial<NewIncident>;
  events: TimelineEventDraft[];
}

/** A change that would do nothing is refused with a reason the user sees; it may name people. */
export type ChangeResult = { ok: true; change: IncidentChange } | { ok: false; reason: RichText };

export function declareIncident(
  input: {
    title: string;
    severity: Severity;
    service: string;
    test?: boolean;
    /** Where it was declared: by hand (the default) or by the paging service, where it opened first. */
    source?: 'manual' | 'pager';
  },
  actor: Actor,
  now: Date,
): { incident: NewIncident; events: TimelineEventDraft[] } {
  const test = input.test === true ? { test: true } : {};
  return {
    incident: {
      title: input.title,
      severity: input.severity,
      status: 'investigating',
      service: input.service,
      groupKey: null,
      leadUserId: actor.kind === 'user' ? actor.id : null,
      declaredBy: actor,
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
      ...test,
    },
    events: [
      {
        at: now,
        type: 'incident.declared',
        actor,
        data: {
          title: input.title,
          severity: input.severity,
          service: input.service,
          source: input.source ?? 'manual',
          ...test,
        },
      },
      ...(actor.kind === 'user'
        ? [{ at: now, type: 'incident.lead_assigned', actor, data: { userId: actor.id, previous: null } } as const]
        : []),
    ],
  };
}

export function changeStatus(
  incident: Incident,
  to: IncidentStatus,
  actor: Actor,
  now: Date,
  message?: string,
): ChangeResult {
  if (incident.status === to) return { ok: false, reason: `The incident is already ${to}.` };
  const changes: Partial<NewIncident> = { status: to };
  const events: TimelineEventDraft[] = [
    {
      at: now,
      type: 'incident.status_changed',
      actor,
      data: { from: incident.status, to, ...(message ? { message } : {}) },
    },
  ];
  if (to === 'resolved') {
    changes.resolvedAt = now;
    events.push({ at: now, type: 'incident.resolved', actor, data: message ? { summary: message } : {} });
  } else if (to === 'mitigated') {
    changes.mitigatedAt = incident.mitigatedAt ?? now;
    events.push({ at: now, type: 'incident.mitigated', actor, data: message ? { message } : {} });
  }
  // Reopened: it is no longer resolved, so its resolution time no longer holds.
  if (to !== 'resolved' && incident.status === 'resolved') changes.resolvedAt = null;
  return { ok: true, change: { changes, events } };
}

/** What people know that the timeline does not, given when resolving; every part optional. */
export interface ResolutionAnswers {
  summary?: string;
  impact?: string;
  rootCause?: string;
  resolution?: string;
  followUps?: string[];
}

/** Resolves with the people's answers, which the postmortem draft uses (and marks as missing when absent). */
export function resolveIncident(incident: Incident, answers: ResolutionAnswers, actor: Actor, now: Date): ChangeResult {
  if (incident.status === 'resolved') return { ok: false, reason: 'The incident is already resolved.' };
  const given = Object.fromEntries(
    Object.entries(answers).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : Boolean(v && String(v).trim()))),
  );
  return {
    ok: true,
    change: {
      changes: { status: 'resolved', resolvedAt: now },
      events: [
        {
          at: now,
          type: 'incident.status_changed',
          actor,
          data: { from: incident.status, to: 'resolved', ...(answers.summary ? { message: answers.summary } : {}) },
        },
        { at: now, type: 'incident.resolved', actor, data: given },
      ],
    },
  };
}

export function changeSeverity(incident: Incident, to: Severity, actor: Actor, now: Date): ChangeResult {
  if (incident.severity === to) return { ok: false, reason: `The incident is already ${to}.` };
  return {
    ok: true,
    change: {
      changes: { severity: to },
      events: [{ at: now, type: 'incident.severity_changed', actor, data: { from: incident.severity, to } }],
    },
  };
}

export function assignLead(incident: Incident, userId: string, actor: Actor, now: Date): ChangeResult {
  if (incident.leadUserId === userId) return { ok: false, reason: [mention(userId), ' already leads this incident.'] };
  return {
    ok: true,
    change: {
      changes: { leadUserId: userId },
      events: [{ at: now, type: 'incident.lead_assigned', actor, data: { userId, previous: incident.leadUserId } }],
    },
  };
}

export function addNote(text: string, actor: Actor, now: Date): IncidentChange {
  return { changes: {}, events: [{ at: now, type: 'note.added', actor, data: { text } }] };
}
