// Delivering the postmortem draft: when an incident resolves, and whenever someone asks, the outbox
// drafts it from the stored timeline, posts it in the incident channel as a Markdown file with a link
// to the page for managers, and records `postmortem.drafted`. A draft can be made again at any time.
import { FIREBREAK, type Actor } from '../domain/actor';
import { channelRefused, type Incident } from '../domain/incident';
import { forIncident } from '../domain/timeline';
import { deferred, sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { Chat } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { Store, StoreTransaction } from '../ports/store';
import { postmortemMarkdown } from '../web/postmortem-markdown';
import { CHANNEL_RECHECK_MS, enqueueCardUpdate, incidentLane } from './outbox-jobs';
import { loadPostmortem } from './postmortem-document';

export const POSTMORTEM_JOB = 'postmortem.post';

export interface PostmortemDeliveryDeps {
  store: Store;
  clock: Clock;
  chat: Chat;
  timeZone: string;
  /** A link to the postmortem page that works without logging in (signed, expiring). */
  pageLink(incidentId: number): string;
}

async function enqueuePostmortem(tx: StoreTransaction, incidentId: number, actor: Actor, now: Date): Promise<void> {
  await tx.outbox.enqueue(
    {
      kind: POSTMORTEM_JOB,
      incidentId,
      coalesceKey: `postmortem:${incidentId}`,
      payload: { lane: incidentLane(incidentId), actor },
    },
    now,
  );
}

/** In the transaction that resolves an incident: draft its postmortem. */
export async function postmortemOnChange(
  tx: StoreTransaction,
  before: Incident,
  after: Incident,
  now: Date,
): Promise<void> {
  if (before.status !== 'resolved' && after.status === 'resolved')
    await enqueuePostmortem(tx, after.id, FIREBREAK, now);
}

/** `/incident postmortem` and the Draft postmortem button. */
export async function requestPostmortem(
  deps: { store: Store; clock: Clock; wakeOutbox(): void },
  incidentId: number,
  actor: Actor,
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.transaction((tx) => enqueuePostmortem(tx, incidentId, actor, now));
  deps.wakeOutbox();
}

export function postmortemHandlers(deps: PostmortemDeliveryDeps): Record<string, JobHandler> {
  const post: JobHandler = async (job) => {
    if (job.incidentId === null) return skipped('no incident');
    const incident = await deps.store.incidents.findById(job.incidentId);
    if (!incident) return skipped('incident not found');
    // No channel yet (the chat platform down since the incident opened): the draft waits for it, it is not dropped.
    if (channelRefused(incident))
      return skipped(
        'the incident has no channel (the chat platform refused to create it); the draft stays on its page',
      );
    if (!incident.channelId)
      return deferred('waiting for the incident channel', new Date(deps.clock.now().getTime() + CHANNEL_RECHECK_MS));
    const postmortem = await loadPostmortem(
      { store: deps.store, clock: deps.clock, timeZone: deps.timeZone, chat: deps.chat },
      incident.id,
    );
    if (!postmortem) return skipped('incident not found');
    const link = deps.pageLink(incident.id);
    const state = incident.status === 'resolved' ? 'resolved' : `still ${incident.status}`;
    await deps.chat.uploadFile(incident.channelId, {
      filename: `INC-${incident.id}-postmortem.md`,
      title: `Postmortem draft — INC-${incident.id}: ${incident.title}`.slice(0, 250),
      content: postmortemMarkdown(postmortem),
      comment: `:memo: Postmortem draft for INC-${incident.id} (${state}), from the timeline. Fill in what is marked _To be filled in_. <${link}|Open the page for managers> · \`/incident postmortem\` drafts it again.`,
    });
    const now = deps.clock.now();
    const actor = (job.payload.actor as Actor | undefined) ?? FIREBREAK;
    await deps.store.transaction(async (tx) => {
      await tx.timeline.append(
        forIncident({ at: now, type: 'postmortem.drafted', actor, data: { url: link } }, incident.id),
      );
      await enqueueCardUpdate(tx, incident.id, now);
    });
    return sent(`posted the postmortem draft in #${incident.channelName}`);
  };
  return { [POSTMORTEM_JOB]: post };
}
