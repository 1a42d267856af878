// Nudges that keep an incident moving: when to prompt for a lead and when to remind the lead to post an
// update. Pure decisions on the incident and its timeline; the flow stores and posts what they decide.
import { isOpen, type Incident } from './incident';
import type { TimelineEvent, TimelineEventType } from './timeline';

export const NUDGE_KINDS = ['lead', 'update'] as const;
export type NudgeKind = (typeof NUDGE_KINDS)[number];

export interface NudgePolicy {
  leadMinutes: number;
  updateMinutes: number;
}

/** What a nudge's prompt says once it no longer asks for anything (someone leads, an update went out…). */
export type NudgeSettlement =
  | { why: 'lead_assigned'; userId: string }
  | { why: 'update_posted'; at: Date }
  | { why: 'resolved' }
  | { why: 'superseded' };

/** A prompt posted in the channel and still standing, or settled (then it says why). */
export interface NudgeRecord {
  incidentId: number;
  kind: NudgeKind;
  /** The prompt's message, once posted. */
  channelId: string | null;
  messageId: string | null;
  postedAt: Date;
  settled: NudgeSettlement | null;
}

/** Events that show the incident is moving: any of them puts off the update reminder. */
export const ACTIVITY_EVENTS: readonly TimelineEventType[] = [
  'incident.update_posted',
  'note.added',
  'incident.status_changed',
];

export type NudgeDecision =
  /** Not yet: look again at `at` (the nudge is re-armed, never doubled). */
  | { action: 'wait'; at: Date }
  /** Nothing will be asked any more (a lead was named, the incident resolved). */
  | { action: 'stop'; why: string }
  | { action: 'fire' };

function minutesAfter(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * 60_000);
}

/** When the lead prompt is due for this incident. */
export function leadNudgeDueAt(incident: Pick<Incident, 'openedAt'>, policy: NudgePolicy): Date {
  return minutesAfter(incident.openedAt, policy.leadMinutes);
}

/**
 * When the update reminder is due: the policy's minutes after the latest of the opening, the last sign of
 * movement, and the last reminder (so reminders never come closer together than the policy says).
 */
export function updateNudgeDueAt(
  incident: Pick<Incident, 'openedAt'>,
  lastActivity: Pick<TimelineEvent, 'at'> | null,
  lastReminder: Pick<NudgeRecord, 'postedAt'> | null,
  policy: NudgePolicy,
): Date {
  const since = Math.max(
    incident.openedAt.getTime(),
    lastActivity?.at.getTime() ?? 0,
    lastReminder?.postedAt.getTime() ?? 0,
  );
  return minutesAfter(new Date(since), policy.updateMinutes);
}

/** Whether to prompt for a lead now. One prompt per incident: once posted, it is not posted again. */
export function decideLeadNudge(
  incident: Pick<Incident, 'openedAt' | 'status' | 'leadUserId'>,
  posted: NudgeRecord | null,
  now: Date,
  policy: NudgePolicy,
): NudgeDecision {
  if (!isOpen(incident.status)) return { action: 'stop', why: 'the incident is resolved' };
  if (incident.leadUserId) return { action: 'stop', why: 'the incident has a lead' };
  if (posted) return { action: 'stop', why: 'the lead prompt is already posted' };
  const due = leadNudgeDueAt(incident, policy);
  return now < due ? { action: 'wait', at: due } : { action: 'fire' };
}

/** Whether to remind the lead to post an update now, or when to look again. */
export function decideUpdateNudge(
  incident: Pick<Incident, 'openedAt' | 'status'>,
  lastActivity: Pick<TimelineEvent, 'at'> | null,
  lastReminder: Pick<NudgeRecord, 'postedAt'> | null,
  now: Date,
  policy: NudgePolicy,
): NudgeDecision {
  if (!isOpen(incident.status)) return { action: 'stop', why: 'the incident is resolved' };
  const due = updateNudgeDueAt(incident, lastActivity, lastReminder, policy);
  return now < due ? { action: 'wait', at: due } : { action: 'fire' };
}

/**
 * What an incident's change settles among its standing prompts: a lead named settles the lead prompt, a
 * resolution settles both, movement (an update, a note, a status change) settles the reminder.
 */
export function settlementsFor(
  before: Pick<Incident, 'leadUserId' | 'status'>,
  after: Pick<Incident, 'leadUserId' | 'status'>,
  moved: Date | null,
): Partial<Record<NudgeKind, NudgeSettlement>> {
  if (!isOpen(after.status) && isOpen(before.status)) return { lead: { why: 'resolved' }, update: { why: 'resolved' } };
  const settled: Partial<Record<NudgeKind, NudgeSettlement>> = {};
  if (after.leadUserId && after.leadUserId !== before.leadUserId)
    settled.lead = { why: 'lead_assigned', userId: after.leadUserId };
  if (moved) settled.update = { why: 'update_posted', at: moved };
  return settled;
}
