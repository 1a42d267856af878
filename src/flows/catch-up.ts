// Catch-up for late joiners: someone who joins an incident's channel is noted on its timeline and shown, alone,
// what is going on, from the stored timeline. `/incident catchup` reads the same on demand.
import type { Actor } from '../domain/actor';
import { catchUp, type CatchUp } from '../domain/catch-up';
import type { Incident } from '../domain/incident';
import { forIncident } from '../domain/timeline';
import { sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { Chat } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { Store } from '../ports/store';
import { enqueueCardUpdate } from './outbox-jobs';
import type { IncidentFlowDeps } from './update-incident';

export const CATCH_UP_JOB = 'catchup.post';

/** The catch-up on an incident as the store holds it now. */
export async function incidentCatchUp(deps: { store: Store }, incident: Incident): Promise<CatchUp> {
  return catchUp(incident, await deps.store.timeline.list(incident.id));
}

/** Someone joined a channel. `joinId` names this join (the platform's event time): its repeats change nothing. */
export interface ChannelJoin {
  channelId: string;
  userId: string;
  joinId: string;
  /** Firebreak invited them itself: the flow that invited them records it (or it is routine), not this one. */
  invitedByUs: boolean;
}

export type JoinOutcome = 'not_an_incident_channel' | 'repeat' | 'caught_up';

/**
 * Records the join (once per join, however often the platform delivers it) and queues the person's catch-up.
 * A person who leaves and joins again is caught up again: that is a new join.
 */
export async function responderJoined(deps: IncidentFlowDeps, join: ChannelJoin): Promise<JoinOutcome> {
  const incident = await deps.store.incidents.findByChannel(join.channelId);
  if (!incident) return 'not_an_incident_channel';
  const now = deps.clock.now();
  const key = `join:${join.channelId}:${join.userId}:${join.joinId}`;
  const outcome = await deps.store.transaction(async (tx): Promise<JoinOutcome> => {
    if (await tx.deliveries.find(key)) return 'repeat';
    if (!join.invitedByUs) {
      const actor: Actor = { kind: 'user', id: join.userId };
      await tx.timeline.append(
        forIncident({ at: now, type: 'responder.joined', actor, data: { userId: join.userId } }, incident.id),
      );
      await enqueueCardUpdate(tx, incident.id, now);
    }
    await tx.outbox.enqueue(
      {
        kind: CATCH_UP_JOB,
        incidentId: incident.id,
        // Its own lane: an ephemeral message is not paced like the channel's posts, and must not wait behind them.
        payload: { lane: `catchup:${incident.id}`, userId: join.userId },
      },
      now,
    );
    await tx.deliveries.record(key, { incidentId: incident.id }, now);
    return 'caught_up';
  });
  if (outcome === 'caught_up') deps.wakeOutbox();
  return outcome;
}

/** The outbox's side: the catch-up is built when it is sent, so it tells what is true then. */
export function catchUpHandlers(deps: { store: Store; clock: Clock; chat: Chat }): Record<string, JobHandler> {
  const post: JobHandler = async (job) => {
    const userId = typeof job.payload.userId === 'string' ? job.payload.userId : null;
    const incident = job.incidentId === null ? null : await deps.store.incidents.findById(job.incidentId);
    if (!incident?.channelId || !userId) return skipped('no incident channel or no person to catch up');
    const summary = await incidentCatchUp(deps, incident);
    await deps.chat.postEphemeral(incident.channelId, userId, {
      kind: 'catch_up',
      catchUp: summary,
      now: deps.clock.now(),
    });
    return sent(`showed ${userId} the catch-up on INC-${incident.id}`);
  };
  return { [CATCH_UP_JOB]: post };
}
