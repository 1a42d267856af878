// The chat side of an incident, run by the outbox: open its channel, invite responders, post, pin and
// edit its card, announce it. Each job reads the stored state when it runs, so a retry sends what is true now.
import { channelRefused, TEST_CHANNEL_PREFIX, type Incident } from '../domain/incident';
import { plural } from '../domain/plural';
import { FirebreakError, isFirebreakError } from '../errors';
import type { OutboxJob, Store } from '../ports/store';
import type { Chat, ChatMessage, IncidentCardFacts, MessageMarker } from '../ports/chat';
import { readIncidentCard, type IncidentCardOptions } from './incident-card';
import { postMarkedOnce } from './post-once';
import type { Clock } from '../ports/clock';
import { deferred, sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import {
  bringForwardChannelWaiters,
  CHANNEL_RECHECK_MS,
  enqueueAnnouncement,
  enqueueCardUpdate,
  enqueueChannelSetup,
  enqueuePin,
  JOB,
  type JobKind,
  type Notice,
} from './outbox-jobs';

export interface IncidentChannelDeps {
  store: Store;
  clock: Clock;
  chat: Chat;
  /** What the card shows; the chat adapter lays it out. */
  card: IncidentCardOptions;
  timeZone: string;
  channelPrefix: string;
  announceChannel: string;
  /** The chat platform's user ids to invite for this incident (policy routing, the lead). */
  respondersFor(incident: Incident): string[];
  /** Tells the outbox worker that jobs waiting for the channel (the page) may go now. */
  wakeOutbox?(urgent?: boolean): void;
}

async function loadIncident(store: Store, job: OutboxJob): Promise<Incident | null> {
  return job.incidentId === null ? null : store.incidents.findById(job.incidentId);
}

/**
 * Creates the incident's channel under the first name it can have. Each name is claimed in the store before
 * the platform is asked, so a channel of that name is only ever adopted by the incident that claimed it: after a
 * crash lost the platform's answer, the retry finds the channel it made instead of making a twin, and a second
 * replica can never take it for its own incident.
 */
async function createChannel(deps: IncidentChannelDeps, incident: Incident): Promise<{ id: string; name: string }> {
  const candidates = deps.chat.channelNames({
    prefix: incident.test ? TEST_CHANNEL_PREFIX : deps.channelPrefix,
    openedAt: incident.openedAt,
    timeZone: deps.timeZone,
    title: incident.title,
    incidentId: incident.id,
  });
  for (const name of candidates) {
    const claim = await deps.store.channelNames.claim(name, incident.id, deps.clock.now());
    if (claim === 'taken') continue; // another incident's name
    try {
      return await deps.chat.createChannel(name);
    } catch (error) {
      if (!isFirebreakError(error, 'CHAT_NAME_TAKEN')) throw error;
      if (claim === 'ours') {
        const existing = await deps.chat.findChannelByName(name);
        if (
          existing &&
          existing.creatorId === (await deps.chat.botUserId()) &&
          !(await deps.store.incidents.findByChannel(existing.id))
        )
          return existing;
      }
      // Taken by people, or by a channel from before this database: the next name.
    }
  }
  throw new FirebreakError(
    'CHAT_REJECTED',
    `every name Firebreak tries for the channel is taken (${candidates.join(', ')})`,
    { step: 'creating the incident channel' },
  );
}

export function incidentChannelHandlers(deps: IncidentChannelDeps): Record<JobKind, JobHandler> {
  const { store, chat, clock } = deps;

  /**
   * Opens the incident's channel and posts its card there, in one step: the card is what people joining
   * the channel come for, so it does not wait for another turn of the outbox. Invitations, the pin and the
   * announcement are queued after. A retry after a crash picks up where the last attempt stopped.
   */
  const openChannel: JobHandler = async (job) => {
    let incident = await loadIncident(store, job);
    if (!incident || incident.channelFailure) return skipped('the incident never will have a channel');
    let created: string | null = null;
    let facts: IncidentCardFacts | null = null;
    if (!incident.channelId) {
      // The card's reads run while the platform creates the channel, not after: nothing they read changes
      // with the channel, and whatever changes meanwhile queues a card edit, run after the card is posted.
      const early = readCard(incident).catch(() => null);
      const opened = await openChannelFor(incident);
      facts = await early;
      if ('refused' in opened) return sent(opened.refused);
      incident = opened.incident;
      created = `created the incident channel #${incident.channelName} (${incident.channelId})`;
    }
    if (incident.cardMessageId || !incident.channelId)
      return created ? sent(created) : skipped('the incident already has its channel and card');
    const card = await postCardFor(job, incident, incident.channelId, facts);
    return sent(created ? `${created}; ${card}` : card);
  };

  async function openChannelFor(incident: Incident): Promise<{ incident: Incident } | { refused: string }> {
    let channel: { id: string; name: string };
    try {
      channel = await createChannel(deps, incident);
    } catch (error) {
      // Only the platform's refusal is final; a store hiccup or an outage is tried again.
      if (!isFirebreakError(error, 'CHAT_REJECTED')) throw error;
      // Refused for good (every name taken, a workspace rule): say so in the incidents channel instead of
      // burying the job silently; the announcement stands in for the channel.
      await store.transaction(async (tx) => {
        await tx.incidents.update(incident.id, { channelFailure: error.message });
        await enqueueAnnouncement(tx, incident.id, clock.now());
        await bringForwardChannelWaiters(tx, incident.id, clock.now());
      });
      deps.wakeOutbox?.(true);
      return {
        refused: `could not create a channel for INC-${incident.id} (${error.message}); announcing it in #${deps.announceChannel} instead`,
      };
    }
    const updated = await store.transaction(async (tx) => {
      const stored = await tx.incidents.update(incident.id, { channelId: channel.id, channelName: channel.name });
      await enqueueChannelSetup(tx, incident.id, clock.now());
      await bringForwardChannelWaiters(tx, incident.id, clock.now());
      return stored;
    });
    // The page waiting to link this channel goes now, beside the card, not after it.
    deps.wakeOutbox?.(true);
    return { incident: updated };
  }

  const inviteResponders: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId) return skipped('no channel to invite to');
    const users = deps.respondersFor(incident);
    if (users.length === 0) return skipped('the policy names no responders for this incident');
    // Inviting twice is harmless (adapters treat already-a-member as done), so a retry after a crash just invites.
    await chat.invite(incident.channelId, users);
    return sent(`invited ${plural(users.length, 'responder')} to #${incident.channelName}`);
  };

  const postOnce = (job: OutboxJob, channel: string, message: ChatMessage, marker: MessageMarker) =>
    postMarkedOnce({ store, clock, chat }, job, { channel }, message, marker);

  const readCard = (incident: Incident): Promise<IncidentCardFacts> =>
    readIncidentCard(store, incident, clock.now(), deps.card);

  async function cardMessage(incident: Incident): Promise<ChatMessage> {
    return { kind: 'card', card: await readCard(incident) };
  }

  /**
   * Posts the card (or finds it, posted before a crash), then queues its pin. `early`: the card's facts,
   * read while the channel was being created (null when they were not, or the read failed: read now).
   */
  async function postCardFor(
    job: OutboxJob,
    incident: Incident,
    channelId: string,
    early: IncidentCardFacts | null = null,
  ): Promise<string> {
    const message: ChatMessage = early
      ? { kind: 'card', card: { ...early, incident, now: clock.now() } }
      : await cardMessage(incident);
    const { posted, found } = await postOnce(job, channelId, message, {
      kind: 'incident_card',
      incidentId: incident.id,
    });
    await store.transaction(async (tx) => {
      await tx.incidents.update(incident.id, { cardMessageId: posted.messageId });
      await enqueuePin(tx, incident.id, clock.now());
      // The card found after a restart shows the state of then: bring it up to date.
      if (found) await enqueueCardUpdate(tx, incident.id, clock.now());
    });
    return found
      ? `found the incident card posted before a restart in #${incident.channelName}`
      : `posted the incident card in #${incident.channelName}`;
  }

  /** A card job stored by an earlier version (which queued the card after the channel): it still posts the card, unless done. */
  const postCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId || incident.cardMessageId) return skipped('the card is already posted');
    return sent(await postCardFor(job, incident, incident.channelId));
  };

  const pinCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId || !incident.cardMessageId) return skipped('no card to pin');
    // Pinning twice is harmless (already_pinned), so a retry after a crash just pins.
    await chat.pin({ channelId: incident.channelId, messageId: incident.cardMessageId });
    return sent(`pinned the incident card in #${incident.channelName}`);
  };

  const updateCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    // Before the card is posted there is nothing to edit: posting renders the latest state anyway.
    if (!incident?.channelId || !incident.cardMessageId)
      return skipped('the card is not posted yet; posting it will show the latest state');
    await chat.updateMessage(
      { channelId: incident.channelId, messageId: incident.cardMessageId },
      await cardMessage(incident),
    );
    return sent(`updated the incident card in #${incident.channelName}`);
  };

  const announce: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident || incident.announcement) return skipped('already announced');
    // A test incident stays in its own channel: the incidents channel is for real ones.
    if (incident.test) return skipped('a test incident is never announced');
    if (!incident.channelId && !incident.channelFailure) return skipped('no channel to announce yet');
    const { posted, found } = await postOnce(
      job,
      deps.announceChannel,
      { kind: 'announcement', incident },
      { kind: 'incident_announcement', incidentId: incident.id },
    );
    await store.incidents.update(incident.id, { announcement: posted });
    return sent(
      found
        ? `found the announcement of INC-${incident.id} posted before a restart`
        : `announced INC-${incident.id} in #${deps.announceChannel}`,
    );
  };

  const postNotice: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    const notice = job.payload.notice as Notice | undefined;
    if (!incident || !notice) return skipped('no incident or no notice');
    if (channelRefused(incident))
      return skipped('the incident has no channel (the chat platform refused to create it)');
    // The channel is still being created (the chat platform may be down): the notice waits for it, it is not dropped.
    if (!incident.channelId)
      return deferred('waiting for the incident channel', new Date(clock.now().getTime() + CHANNEL_RECHECK_MS));
    await chat.postMessage(incident.channelId, { kind: 'notice', incident, notice });
    return sent(`posted the ${notice} notice in #${incident.channelName}`);
  };

  return {
    [JOB.openChannel]: openChannel,
    [JOB.inviteResponders]: inviteResponders,
    [JOB.postCard]: postCard,
    [JOB.pinCard]: pinCard,
    [JOB.updateCard]: updateCard,
    [JOB.announce]: announce,
    [JOB.postNotice]: postNotice,
  };
}
