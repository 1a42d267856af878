// Nudges that keep an incident moving: a stored `nudge.check` job per incident and kind, due when the
// prompt would be, which looks at the incident when it runs (plan, then apply): not yet → it waits again
// (re-armed, never doubled: one job per kind, by its coalesce key); no longer needed → it stops; due → it
// posts the prompt. A change that answers a standing prompt (a lead named, an update, resolution) settles
// it, and a `nudge.settle` job edits it to say so.
import type { Actor } from '../domain/actor';
import { channelRefused, incidentRef, type Incident } from '../domain/incident';
import { assignLead } from '../domain/incident-changes';
import {
  ACTIVITY_EVENTS,
  decideLeadNudge,
  decideUpdateNudge,
  leadNudgeDueAt,
  NUDGE_KINDS,
  settlementsFor,
  updateNudgeDueAt,
  type NudgeKind,
  type NudgePolicy,
  type NudgeRecord,
} from '../domain/nudges';
import { mention } from '../domain/rich-text';
import { deferred, sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { Chat } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { Store, StoreTransaction } from '../ports/store';
import { CHANNEL_RECHECK_MS, incidentLane } from './outbox-jobs';
import { postMarkedOnce } from './post-once';
import { updateIncident, type IncidentFlowDeps, type UpdateResult } from './update-incident';

export const NUDGE_JOB = { check: 'nudge.check', settle: 'nudge.settle' } as const;

function isNudgeKind(value: unknown): value is NudgeKind {
  return typeof value === 'string' && (NUDGE_KINDS as readonly string[]).includes(value);
}

async function enqueueCheck(
  tx: StoreTransaction,
  incidentId: number,
  nudge: NudgeKind,
  at: Date,
  now: Date,
): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: NUDGE_JOB.check,
      incidentId,
      // One pending check per incident and kind: a second arming is absorbed by the first.
      coalesceKey: `nudge:${nudge}:${incidentId}`,
      payload: { lane: incidentLane(incidentId), nudge },
      notBefore: at,
    },
    now,
  );
}

async function enqueueSettle(tx: StoreTransaction, incidentId: number, nudge: NudgeKind, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: NUDGE_JOB.settle,
      incidentId,
      coalesceKey: `nudge-settle:${nudge}:${incidentId}`,
      payload: { lane: incidentLane(incidentId), nudge },
    },
    now,
  );
}

/** When an incident opens: both nudges are armed, due when the policy says. */
export function nudgesOnOpen(policy: NudgePolicy) {
  return async (tx: StoreTransaction, incident: Incident, now: Date): Promise<void> => {
    await enqueueCheck(tx, incident.id, 'lead', leadNudgeDueAt(incident, policy), now);
    await enqueueCheck(tx, incident.id, 'update', updateNudgeDueAt(incident, null, null, policy), now);
  };
}

/**
 * When an incident changes (or something is added to its timeline): a standing prompt that the change
 * answers is settled, and its message edited to say so. Two keyed reads when nothing stands.
 */
export async function nudgesOnChange(
  tx: StoreTransaction,
  before: Incident,
  after: Incident,
  now: Date,
): Promise<void> {
  const standing: NudgeRecord[] = [];
  for (const kind of NUDGE_KINDS) {
    const record = await tx.nudges.find(after.id, kind);
    if (record && !record.settled) standing.push(record);
  }
  if (standing.length === 0) return;
  const reminder = standing.find((r) => r.kind === 'update');
  const activity = reminder ? await tx.timeline.latestOfTypes(after.id, ACTIVITY_EVENTS) : null;
  const moved = reminder && activity && activity.at >= reminder.postedAt ? activity.at : null;
  const settled = settlementsFor(before, after, moved);
  for (const record of standing) {
    const settlement = settled[record.kind];
    if (!settlement) continue;
    await tx.nudges.save({ ...record, settled: settlement });
    await enqueueSettle(tx, after.id, record.kind, now);
  }
}

/** "I'll lead": the clicker becomes the lead, unless someone already leads. */
export async function takeLead(
  deps: IncidentFlowDeps,
  incidentId: number,
  actor: Actor & { kind: 'user' },
): Promise<UpdateResult> {
  return updateIncident(deps, incidentId, (incident, now) => {
    if (incident.leadUserId && incident.leadUserId !== actor.id)
      return { ok: false, reason: [mention(incident.leadUserId), ' already leads this incident.'] };
    return assignLead(incident, actor.id, actor, now);
  });
}

export interface NudgeDeps {
  store: Store;
  clock: Clock;
  chat: Chat;
  policy: NudgePolicy;
}

export function nudgeHandlers(deps: NudgeDeps): Record<string, JobHandler> {
  const { store, clock, chat, policy } = deps;

  const check: JobHandler = async (job) => {
    const nudge = job.payload.nudge;
    const incident = job.incidentId === null ? null : await store.incidents.findById(job.incidentId);
    if (!incident || !isNudgeKind(nudge)) return skipped('no incident or no nudge');
    const now = clock.now();
    const record = await store.nudges.find(incident.id, nudge);
    const decision =
      nudge === 'lead'
        ? decideLeadNudge(incident, record, now, policy)
        : decideUpdateNudge(
            incident,
            await store.timeline.latestOfTypes(incident.id, ACTIVITY_EVENTS),
            record,
            now,
            policy,
          );
    if (decision.action === 'stop') return skipped(`${nudge} nudge of ${incidentRef(incident)}: ${decision.why}`);
    if (decision.action === 'wait')
      return deferred(`${nudge} nudge of ${incidentRef(incident)} not due yet`, decision.at);
    if (channelRefused(incident)) return skipped('the incident has no channel to nudge in');
    if (!incident.channelId)
      return deferred('waiting for the incident channel', new Date(now.getTime() + CHANNEL_RECHECK_MS));
    // At most one standing prompt of a kind: the older reminder says a newer one follows.
    if (record && !record.settled && record.channelId && record.messageId)
      await chat.updateMessage(
        { channelId: record.channelId, messageId: record.messageId },
        { kind: 'nudge', incident, nudge, settled: { why: 'superseded' } },
      );
    const { posted } = await postMarkedOnce(
      deps,
      job,
      { channel: incident.channelId },
      { kind: 'nudge', incident, nudge, settled: null },
      { kind: 'incident_nudge', incidentId: incident.id, key: `${nudge}:${job.id}` },
    );
    await store.transaction(async (tx) => {
      // What changed while the prompt was being posted (a lead named, resolved) settles it at once: the
      // change's own hook found no prompt to settle yet.
      const fresh = (await tx.incidents.findById(incident.id)) ?? incident;
      const settled = settlementsFor(incident, fresh, null)[nudge] ?? null;
      await tx.nudges.save({
        incidentId: incident.id,
        kind: nudge,
        channelId: posted.channelId,
        messageId: posted.messageId,
        postedAt: now,
        settled,
      });
      if (settled) await enqueueSettle(tx, incident.id, nudge, now);
      // The reminder comes back after the policy's minutes if nothing moves; the lead prompt comes once.
      if (nudge === 'update')
        await enqueueCheck(tx, incident.id, 'update', updateNudgeDueAt(incident, null, { postedAt: now }, policy), now);
    });
    return sent(`posted the ${nudge} nudge in #${incident.channelName}`);
  };

  const settle: JobHandler = async (job) => {
    const nudge = job.payload.nudge;
    const incident = job.incidentId === null ? null : await store.incidents.findById(job.incidentId);
    if (!incident || !isNudgeKind(nudge)) return skipped('no incident or no nudge');
    const record = await store.nudges.find(incident.id, nudge);
    if (!record?.settled || !record.channelId || !record.messageId) return skipped('no settled prompt to edit');
    await chat.updateMessage(
      { channelId: record.channelId, messageId: record.messageId },
      { kind: 'nudge', incident, nudge, settled: record.settled },
    );
    return sent(`marked the ${nudge} nudge of ${incidentRef(incident)} as settled`);
  };

  return { [NUDGE_JOB.check]: check, [NUDGE_JOB.settle]: settle };
}
