// Stakeholder updates: one stored timeline event, then one outbox job per delivery — the incident channel,
// the thread under its announcement, and a direct message to each subscriber — so an outage delays an
// update, never loses it, a lost answer never sends it twice (each delivery is posted marked, and looked
// for where it went before a retry posts it), and a double submission is refused by the replay guard.
import type { Actor } from '../domain/actor';
import { channelRefused, incidentRef, type Incident } from '../domain/incident';
import { mention, type RichText } from '../domain/rich-text';
import { forIncident } from '../domain/timeline';
import { deferred, sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { Chat, StakeholderUpdate } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { OutboxJob, Store } from '../ports/store';
import { postMarkedOnce } from './post-once';
import { ANNOUNCE_LANE, CHANNEL_RECHECK_MS, enqueueCardUpdate, incidentLane } from './outbox-jobs';
import type { IncidentFlowDeps } from './update-incident';

export const UPDATE_JOB = { deliver: 'update.deliver' } as const;

/** Where one delivery of an update goes. */
type Target = { to: 'channel' } | { to: 'thread' } | { to: 'direct'; userId: string };

interface DeliveryPayload {
  lane: string;
  target: Target;
  text: string;
  actor: Actor;
  at: string;
}

/** How long an update waits for the incident's announcement before giving up on the thread (it may never come). */
const ANNOUNCEMENT_WAIT_MS = 15 * 60_000;

/** Direct messages to one person keep their order and pace in a lane of their own. */
export function directLane(userId: string): string {
  return `dm:${userId}`;
}

export type PostUpdateResult = { ok: true; incident: Incident; subscribers: number } | { ok: false; reason: RichText };

/** Stores the update on the timeline and queues its deliveries, all in one transaction. */
export async function postStakeholderUpdate(
  deps: IncidentFlowDeps,
  incidentId: number,
  text: string,
  actor: Actor,
): Promise<PostUpdateResult> {
  const trimmed = text.trim();
  if (!trimmed)
    return { ok: false, reason: 'The update has no text: say what people outside the channel should know.' };
  const now = deps.clock.now();
  const result = await deps.store.transaction(async (tx): Promise<PostUpdateResult> => {
    const incident = await tx.incidents.findById(incidentId);
    if (!incident) return { ok: false, reason: `Incident ${incidentId} does not exist.` };
    await tx.timeline.append(
      forIncident({ at: now, type: 'incident.update_posted', actor, data: { text: trimmed } }, incident.id),
    );
    const subscribers = await tx.subscribers.list(incident.id);
    const base = { text: trimmed, actor, at: now.toISOString() };
    const deliveries: Array<{ lane: string; target: Target }> = [
      { lane: incidentLane(incident.id), target: { to: 'channel' } },
      { lane: ANNOUNCE_LANE, target: { to: 'thread' } },
      ...subscribers.map((userId) => ({ lane: directLane(userId), target: { to: 'direct', userId } as Target })),
    ];
    for (const { lane, target } of deliveries)
      await tx.outbox.enqueue(
        {
          kind: UPDATE_JOB.deliver,
          incidentId: incident.id,
          payload: { ...base, lane, target } satisfies DeliveryPayload as unknown as Record<string, unknown>,
        },
        now,
      );
    await enqueueCardUpdate(tx, incident.id, now);
    // The update is movement: other parts (the nudges) settle what it answers.
    await deps.hooks?.changed?.(tx, incident, incident, now);
    return { ok: true, incident, subscribers: subscribers.length };
  });
  if (result.ok) deps.wakeOutbox();
  return result;
}

export type SubscriptionResult = { ok: true; incident: Incident; changed: boolean } | { ok: false; reason: RichText };

/** Subscribes (or, with `subscribe: false`, unsubscribes) a person to an incident's updates; idempotent. */
export async function setSubscription(
  deps: Pick<IncidentFlowDeps, 'store' | 'clock'>,
  incidentId: number,
  userId: string,
  subscribe: boolean,
): Promise<SubscriptionResult> {
  return deps.store.transaction(async (tx): Promise<SubscriptionResult> => {
    const incident = await tx.incidents.findById(incidentId);
    if (!incident) return { ok: false, reason: `Incident ${incidentId} does not exist.` };
    const changed = subscribe
      ? await tx.subscribers.add(incident.id, userId, deps.clock.now())
      : await tx.subscribers.remove(incident.id, userId);
    return { ok: true, incident, changed };
  });
}

/** What a person is told about their subscription to an incident's updates. */
export function subscriberText(userId: string, incident: Incident, subscribed: boolean, changed: boolean): RichText {
  const ref = incidentRef(incident);
  if (subscribed)
    return changed
      ? [mention(userId), `, you will get ${ref}'s updates by direct message. \`/incident unsubscribe\` stops them.`]
      : [mention(userId), `, you are already subscribed to ${ref}'s updates. \`/incident unsubscribe\` stops them.`];
  return changed ? [`You will no longer get ${ref}'s updates.`] : [`You were not subscribed to ${ref}'s updates.`];
}

export interface UpdateDeliveryDeps {
  store: Store;
  clock: Clock;
  chat: Chat;
}

function payloadOf(job: OutboxJob): DeliveryPayload | null {
  const p = job.payload as Partial<DeliveryPayload>;
  if (!p.target || typeof p.text !== 'string' || !p.actor || typeof p.at !== 'string') return null;
  return p as DeliveryPayload;
}

export function updateDeliveryHandlers(deps: UpdateDeliveryDeps): Record<string, JobHandler> {
  const { store, clock } = deps;
  const deliver: JobHandler = async (job) => {
    const payload = payloadOf(job);
    const incident = job.incidentId === null ? null : await store.incidents.findById(job.incidentId);
    if (!incident || !payload) return skipped('no incident or no update');
    const update = (where: StakeholderUpdate['where']) => ({
      kind: 'update' as const,
      incident,
      update: { text: payload.text, actor: payload.actor, at: new Date(payload.at), where },
    });
    const later = new Date(clock.now().getTime() + CHANNEL_RECHECK_MS);
    // Every delivery is marked with its job, so a retry after a lost answer or a crash finds it where it was
    // posted (the channel, the thread, the direct messages) instead of posting it twice.
    const marker = { kind: 'incident_update' as const, incidentId: incident.id, key: String(job.id) };
    switch (payload.target.to) {
      case 'channel': {
        if (channelRefused(incident)) return skipped('the incident has no channel; the thread carries the update');
        if (!incident.channelId) return deferred('waiting for the incident channel', later);
        const { found } = await postMarkedOnce(deps, job, { channel: incident.channelId }, update('channel'), marker);
        return sent(
          found
            ? `found the update of ${incidentRef(incident)} posted before a restart`
            : `posted an update of ${incidentRef(incident)} in #${incident.channelName}`,
        );
      }
      case 'thread': {
        if (!incident.announcement) {
          // Announced soon after the channel exists; an incident never announced has no thread to post in.
          if (clock.now().getTime() - job.createdAt.getTime() > ANNOUNCEMENT_WAIT_MS)
            return skipped(`${incidentRef(incident)} was never announced; no thread for its update`);
          return deferred('waiting for the announcement', later);
        }
        const { found } = await postMarkedOnce(deps, job, { thread: incident.announcement }, update('thread'), marker);
        return sent(
          found
            ? `found the update of ${incidentRef(incident)} under its announcement, posted before a restart`
            : `posted an update of ${incidentRef(incident)} under its announcement`,
        );
      }
      case 'direct': {
        const { userId } = payload.target;
        const { found } = await postMarkedOnce(deps, job, { directTo: userId }, update('direct'), marker);
        return sent(
          found
            ? `found the update of ${incidentRef(incident)} sent to subscriber ${userId} before a restart`
            : `sent an update of ${incidentRef(incident)} to subscriber ${userId}`,
        );
      }
    }
  };
  return { [UPDATE_JOB.deliver]: deliver };
}

/** The incident an update form is opened for (the card's and the reminder's button), or null. */
export function incidentForUpdate(deps: Pick<IncidentFlowDeps, 'store'>, incidentId: number): Promise<Incident | null> {
  return deps.store.incidents.findById(incidentId);
}
