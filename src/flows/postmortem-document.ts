// Loads what a postmortem is drafted from — the incident, its timeline, its alerts, what people said
// when resolving it and who they are — and drafts it. Read-only: viewing a postmortem changes nothing.
import type { Incident } from '../domain/incident';
import { alertsNamedIn, draftPostmortem, type Postmortem, type PostmortemAnswers } from '../domain/postmortem';
import type { TimelineEvent } from '../domain/timeline';
import type { Chat } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { Store, StoreTransaction } from '../ports/store';

export interface PostmortemDeps {
  store: Store;
  clock: Clock;
  /** IANA zone every time is shown in (TIMEZONE). */
  timeZone: string;
  /** Where people's names are looked up; without it the names the timeline recorded are used. */
  chat?: Pick<Chat, 'userName'>;
}

/** The people a postmortem names are a handful; a timeline naming more is not worth a lookup each. */
const MAX_NAMES_LOOKED_UP = 50;
/** How long a draft waits for names before going on with the recorded ones (Slack slow or down). */
const NAMES_WAIT_MS = 3_000;

/** Every chat user the postmortem may name: who declared it, who acted, who led, whose message was pinned. */
function userIdsIn(incident: Incident, events: readonly TimelineEvent[]): string[] {
  const ids = new Set<string>();
  if (incident.declaredBy.kind === 'user') ids.add(incident.declaredBy.id);
  for (const event of events) {
    if (event.actor.kind === 'user') ids.add(event.actor.id);
    if (event.type === 'incident.lead_assigned') ids.add(event.data.userId);
    if (event.type === 'message.pinned' && event.data.author) ids.add(event.data.author);
  }
  return [...ids].slice(0, MAX_NAMES_LOOKED_UP);
}

/**
 * People's names as the chat platform knows them, so the postmortem names each person one way (Slack's
 * username "alice" is recorded on the timeline; PagerDuty says "Alice Archer"). Never fails the draft:
 * a name that cannot be had in time is left out, and the recorded one is used.
 */
async function lookUpNames(chat: Pick<Chat, 'userName'>, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const lookups = ids.map(async (id) => {
    const name = await chat.userName(id).catch(() => null);
    if (name) names.set(id, name);
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, NAMES_WAIT_MS);
    timer.unref();
  });
  await Promise.race([Promise.all(lookups), deadline]);
  clearTimeout(timer);
  return new Map(names);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function texts(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return items.length > 0 ? items : undefined;
}

/**
 * What people said when resolving: each answer from the latest `incident.resolved` event that gives it, so a
 * reopened incident resolved again with a one-line summary keeps the root cause written the first time.
 * Read defensively: events written before the resolve data carried answers, or by hand, may lack or mistype them.
 */
export function answersFromTimeline(events: readonly TimelineEvent[]): PostmortemAnswers {
  const answers: PostmortemAnswers = {};
  for (const event of events) {
    if (event.type !== 'incident.resolved') continue;
    const data = (event.data ?? {}) as Record<string, unknown>;
    const summary = text(data.summary);
    const impact = text(data.impact);
    const rootCause = text(data.rootCause);
    const resolution = text(data.resolution);
    const followUps = texts(data.followUps);
    if (summary !== undefined) answers.summary = summary;
    if (impact !== undefined) answers.impact = impact;
    if (rootCause !== undefined) answers.rootCause = rootCause;
    if (resolution !== undefined) answers.resolution = resolution;
    if (followUps !== undefined) answers.followUps = followUps;
  }
  return answers;
}

/** Answers given now (e.g. the postmortem modal) win over those stored, field by field. */
function mergeAnswers(stored: PostmortemAnswers, given: PostmortemAnswers | undefined): PostmortemAnswers {
  if (!given) return stored;
  const merged: PostmortemAnswers = { ...stored };
  if (text(given.summary) !== undefined) merged.summary = given.summary;
  if (text(given.impact) !== undefined) merged.impact = given.impact;
  if (text(given.rootCause) !== undefined) merged.rootCause = given.rootCause;
  if (text(given.resolution) !== undefined) merged.resolution = given.resolution;
  if (texts(given.followUps) !== undefined) merged.followUps = given.followUps;
  return merged;
}

/**
 * The timelines postmortems were last drafted from, per store and incident, so that drafting one again (the
 * page opened again, the draft asked for again in Slack) reads only the events appended since: a storm's
 * incident has tens of thousands, and reading and parsing them all was most of the page's time.
 * Exact because the timeline is append-only: rows are never changed or deleted (only an incident's whole
 * timeline could go with it), so what was read stays true. Whether the kept events plus the ones read now
 * are the whole timeline is then checked by counting, after reading: an event whose id is below the last
 * one kept but was committed later (PostgreSQL hands out ids before commit) makes the count larger, and the
 * timeline is read whole again. Per store, so two databases in one process never mix.
 */
const keptTimelines = new WeakMap<Store, Map<number, { events: readonly TimelineEvent[]; lastId: number }>>();
/** Events kept per store, over all incidents (about 11 MB, some 220 bytes an event); the longest unused go first. */
const EVENTS_KEPT = 50_000;

async function timelineOf(store: Store, tx: StoreTransaction, incidentId: number): Promise<TimelineEvent[]> {
  let kept = keptTimelines.get(store);
  if (!kept) {
    kept = new Map();
    keptTimelines.set(store, kept);
  }
  const known = kept.get(incidentId);
  let events: TimelineEvent[] | null = null;
  if (known) {
    const newer = await tx.timeline.list(incidentId, { afterId: known.lastId });
    // Counted after reading, never before: see keptTimelines.
    if (known.events.length + newer.length === (await tx.timeline.count(incidentId)))
      events = [...known.events, ...newer];
  }
  events ??= await tx.timeline.list(incidentId);
  kept.delete(incidentId);
  const last = events[events.length - 1];
  if (last && events.length <= EVENTS_KEPT) {
    kept.set(incidentId, { events: [...events], lastId: last.id });
    let total = 0;
    for (const timeline of kept.values()) total += timeline.events.length;
    // A Map iterates in insertion order: the first is the one drafted longest ago.
    for (const [id, timeline] of kept) {
      if (total <= EVENTS_KEPT) break;
      kept.delete(id);
      total -= timeline.events.length;
    }
  }
  return events;
}

/** The postmortem of an incident as of now, or null when there is no such incident. */
export async function loadPostmortem(
  deps: PostmortemDeps,
  incidentId: number,
  answers?: PostmortemAnswers,
): Promise<Postmortem | null> {
  // One transaction for all the reads: on SQLite each query would otherwise wait its turn for the connection
  // behind a storm's batches, once per query; and the reads see one state of the incident.
  const stored = await deps.store.transaction(async (tx) => {
    const incident = await tx.incidents.findById(incidentId);
    if (!incident) return null;
    const events = await timelineOf(deps.store, tx, incidentId);
    // Only the alerts the postmortem names, not every alert of a storm.
    const alerts = await tx.alerts.listByFingerprints(incidentId, alertsNamedIn(events));
    return { incident, events, alerts, alertsFirst: await tx.alerts.firstTimes(incidentId) };
  });
  if (!stored) return null;
  const names = deps.chat ? await lookUpNames(deps.chat, userIdsIn(stored.incident, stored.events)) : undefined;
  return draftPostmortem({
    ...stored,
    ...(names ? { names } : {}),
    answers: mergeAnswers(answersFromTimeline(stored.events), answers),
    timeZone: deps.timeZone,
    now: deps.clock.now(),
  });
}
