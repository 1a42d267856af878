// What people ask about incidents from the chat platform, and the checks before a change, answered from the store: the
// listeners call these instead of reaching into the store, and the rules ("already resolved") live here.
import type { AlertRecord } from '../domain/alert';
import { alertsToTellApart } from '../domain/alert-labels';
import type { Actor } from '../domain/actor';
import type { Incident } from '../domain/incident';
import type { TimelineEvent } from '../domain/timeline';
import type { Chat, MessageRef } from '../ports/chat';
import type { Store } from '../ports/store';
import { forIncident } from '../domain/timeline';
import { enqueueCardUpdate } from './outbox-jobs';
import { pinKey, pinMessageToTimeline, type IncidentFlowDeps } from './update-incident';

/** At most this many alerts' records are read to tell apart same-titled alerts in a whole timeline. */
export const TIMELINE_ALERTS_TOLD_APART = 200;

type Reader = Pick<IncidentFlowDeps, 'store'>;

export function openIncidents(deps: Reader): Promise<Incident[]> {
  return deps.store.incidents.listOpen();
}

/**
 * The open incidents when the store can list them without waiting (see `IncidentRepository.listOpenAtOnce`),
 * else undefined: `/incident list` then answers in its acknowledgement, in one message.
 */
export function openIncidentsAtOnce(deps: Reader): Incident[] | undefined {
  try {
    return deps.store.incidents.listOpenAtOnce?.();
  } catch {
    // The acknowledgement must not fail: the usual path after it reads again and reports what went wrong.
    return undefined;
  }
}

/** The incident whose channel this is, if any. */
export function incidentInChannel(deps: Reader, channelId: string): Promise<Incident | null> {
  return deps.store.incidents.findByChannel(channelId);
}

/** An incident's whole timeline, with the records of alerts it names under a shared title (capped). */
export async function incidentTimeline(
  deps: Reader,
  incidentId: number,
): Promise<{ events: TimelineEvent[]; alerts: AlertRecord[] }> {
  const events = await deps.store.timeline.list(incidentId);
  const shared = alertsToTellApart(events).slice(0, TIMELINE_ALERTS_TOLD_APART);
  const alerts = shared.length > 0 ? await deps.store.alerts.listByFingerprints(incidentId, shared) : [];
  return { events, alerts };
}

export type ResolvableCheck = { ok: true; incident: Incident } | { ok: false; why: 'missing' | 'already_resolved' };

/** Whether a Resolve form may be opened for this incident (already read): it exists and is not resolved yet. */
export function resolvable(incident: Incident | null): ResolvableCheck {
  if (!incident) return { ok: false, why: 'missing' };
  return incident.status === 'resolved' ? { ok: false, why: 'already_resolved' } : { ok: true, incident };
}

/** The incident a Resolve form may be opened for, by id (the card's button). */
export async function incidentToResolve(deps: Reader, incidentId: number): Promise<ResolvableCheck> {
  return resolvable(await deps.store.incidents.findById(incidentId));
}

/**
 * A message pinned in an incident channel, onto its timeline. The chat holds the text; when it cannot be
 * read now, the pin is still recorded, with its link. False when the channel is no incident's or the pin
 * was recorded already.
 */
export async function pinToTimeline(
  deps: IncidentFlowDeps & { chat: Pick<Chat, 'readMessage' | 'permalink'>; store: Store },
  pin: MessageRef,
  actor: Actor,
  onUnreadable: (error: unknown) => void,
): Promise<boolean> {
  const incident = await deps.store.incidents.findByChannel(pin.channelId);
  if (!incident) return false;
  // A repeat (another person's pin, the platform's retry) is ignored before asking the platform anything.
  if (await deps.store.deliveries.find(pinKey(pin.channelId, pin.messageId))) return false;
  const [message, permalink] = await Promise.all([
    deps.chat.readMessage(pin).catch((error: unknown) => {
      onUnreadable(error);
      return null;
    }),
    deps.chat.permalink(pin).catch((error: unknown) => {
      onUnreadable(error);
      return null;
    }),
  ]);
  return pinMessageToTimeline(
    deps,
    incident,
    {
      ...pin,
      ...(message?.text ? { text: message.text } : {}),
      ...(message?.userId ? { author: message.userId } : {}),
      ...(message?.postedAt ? { postedAt: message.postedAt } : {}),
      ...(permalink ? { permalink } : {}),
    },
    actor,
  );
}

/** An edit of a message; `editId` names the edit (the platform's edit time), so its repeats change nothing. */
export interface MessageEdit {
  channelId: string;
  messageId: string;
  text: string;
  editId: string;
  /** Who edited it (the message's author), when the platform says. */
  author?: string;
}

/**
 * A pinned message was edited: its timeline entry follows (as a `message.edited` event, which readers fold
 * into the entry). Messages not pinned to a timeline are none of Firebreak's business. False when nothing changed.
 */
export async function editPinnedMessage(deps: IncidentFlowDeps, edit: MessageEdit): Promise<boolean> {
  const incident = await deps.store.incidents.findByChannel(edit.channelId);
  if (!incident) return false;
  const incidentId = incident.id;
  // Most edits in an incident channel are of messages nobody pinned; the timeline says which were.
  const timeline = await deps.store.timeline.list(incidentId);
  const pinned = timeline.some(
    (e) => e.type === 'message.pinned' && e.data.channelId === edit.channelId && e.data.messageId === edit.messageId,
  );
  if (!pinned) return false;
  const now = deps.clock.now();
  const key = `pin-edit:${edit.channelId}:${edit.messageId}:${edit.editId}`;
  const actor: Actor = edit.author ? { kind: 'user', id: edit.author } : { kind: 'firebreak' };
  const added = await deps.store.transaction(async (tx) => {
    if (await tx.deliveries.find(key)) return false;
    const data = { channelId: edit.channelId, messageId: edit.messageId, text: edit.text };
    await tx.timeline.append(forIncident({ at: now, type: 'message.edited', actor, data }, incidentId));
    await enqueueCardUpdate(tx, incidentId, now);
    await tx.deliveries.record(key, { incidentId }, now);
    return true;
  });
  if (added) deps.wakeOutbox();
  return added;
}
