// Use cases people drive from the chat platform: declare an incident, change it, add to its timeline.
// Each stores the change and its timeline events first, then queues the card edit.
import type { Actor } from '../domain/actor';
import type { Incident } from '../domain/incident';
import { addNote, declareIncident, type ChangeResult, type IncidentChange } from '../domain/incident-changes';
import type { Severity } from '../domain/severity';
import type { RichText } from '../domain/rich-text';
import { forIncident } from '../domain/timeline';
import type { Clock } from '../ports/clock';
import type { Store, StoreTransaction } from '../ports/store';
import { enqueueCardUpdate, enqueueChannelOpening } from './outbox-jobs';

/** What other parts (paging) do in the same transaction when an incident opens or changes. */
export interface IncidentHooks {
  opened?(tx: StoreTransaction, incident: Incident, now: Date): Promise<void>;
  changed?(tx: StoreTransaction, before: Incident, after: Incident, now: Date): Promise<void>;
}

export interface IncidentFlowDeps {
  store: Store;
  clock: Clock;
  /** Tells the outbox worker there is work; `urgent`: a new incident, whose channel someone is waiting for. */
  wakeOutbox(urgent?: boolean): void;
  /** `incident` when the caller has it: a test incident is kept out of the metrics counting openings. */
  onIncidentOpened?(incidentId: number, incident?: Incident): void;
  hooks?: IncidentHooks;
}

async function store(
  deps: IncidentFlowDeps,
  tx: StoreTransaction,
  incident: Incident,
  change: IncidentChange,
  now: Date,
): Promise<Incident> {
  const updated =
    Object.keys(change.changes).length > 0 ? await tx.incidents.update(incident.id, change.changes) : incident;
  for (const event of change.events) await tx.timeline.append(forIncident(event, incident.id));
  await enqueueCardUpdate(tx, incident.id, now);
  await deps.hooks?.changed?.(tx, incident, updated, now);
  return updated;
}

export async function declare(
  deps: IncidentFlowDeps,
  input: { title: string; severity: Severity; service: string; test?: boolean },
  actor: Actor,
): Promise<Incident> {
  const now = deps.clock.now();
  const plan = declareIncident(input, actor, now);
  const incident = await deps.store.transaction(async (tx) => {
    const created = await tx.incidents.insert(plan.incident);
    for (const event of plan.events) await tx.timeline.append(forIncident(event, created.id));
    await enqueueChannelOpening(tx, created.id, now);
    await deps.hooks?.opened?.(tx, created, now);
    return created;
  });
  deps.onIncidentOpened?.(incident.id, incident);
  deps.wakeOutbox(true);
  return incident;
}

export type UpdateResult = { ok: true; incident: Incident } | { ok: false; reason: RichText };

/** Applies a change decided on the incident's current state, read and written in one transaction. */
export async function updateIncident(
  deps: IncidentFlowDeps,
  incidentId: number,
  decide: (incident: Incident, now: Date) => ChangeResult,
): Promise<UpdateResult> {
  const now = deps.clock.now();
  const result = await deps.store.transaction(async (tx): Promise<UpdateResult> => {
    const incident = await tx.incidents.findById(incidentId);
    if (!incident) return { ok: false, reason: `Incident ${incidentId} does not exist.` };
    const decision = decide(incident, now);
    if (!decision.ok) return decision;
    return { ok: true, incident: await store(deps, tx, incident, decision.change, now) };
  });
  if (result.ok) deps.wakeOutbox();
  return result;
}

export async function noteOnIncident(
  deps: IncidentFlowDeps,
  incidentId: number,
  text: string,
  actor: Actor,
): Promise<UpdateResult> {
  return updateIncident(deps, incidentId, (_incident, now) => ({ ok: true, change: addNote(text, actor, now) }));
}

/** The delivery key that says a message is pinned to a timeline (it holds the incident's id). */
export function pinKey(channelId: string, messageId: string): string {
  return `pin:${channelId}:${messageId}`;
}

/**
 * A message marked with the pin reaction joins the timeline once, however often it is marked
 * (or the platform retries the event). The text is read beforehand by the caller, since it is the platform's to give.
 * The entry keeps the message's own time (`postedAt`) when the platform told it: the timeline says when it was said.
 */
export async function pinMessageToTimeline(
  deps: IncidentFlowDeps,
  incident: Incident,
  message: {
    channelId: string;
    messageId: string;
    text?: string;
    author?: string;
    permalink?: string;
    postedAt?: Date;
  },
  actor: Actor,
): Promise<boolean> {
  const now = deps.clock.now();
  const key = pinKey(message.channelId, message.messageId);
  const added = await deps.store.transaction(async (tx) => {
    if (await tx.deliveries.find(key)) return false;
    const data = {
      channelId: message.channelId,
      messageId: message.messageId,
      ...(message.text ? { text: message.text } : {}),
      ...(message.author ? { author: message.author } : {}),
      ...(message.permalink ? { permalink: message.permalink } : {}),
    };
    const at = message.postedAt ?? now;
    await store(deps, tx, incident, { changes: {}, events: [{ at, type: 'message.pinned', actor, data }] }, now);
    await tx.deliveries.record(key, { incidentId: incident.id }, now);
    return true;
  });
  if (added) deps.wakeOutbox();
  return added;
}
