// The Slack side of an incident, run by the outbox: open its channel, invite responders, post, pin and
// edit its card, announce it. Each job reads the stored state when it runs, so a retry sends what is true now.
import type { Incident } from '../domain/incident';
import { alternativeChannelName, incidentChannelName } from '../domain/channel-name';
import { FirebreakError, isFirebreakError } from '../errors';
import type { OutboxJob, Store } from '../ports/store';
import type { Chat, ChatMessage } from '../ports/chat';
import type { Clock } from '../ports/clock';
import { deferred, sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import { enqueueChannelSetup, enqueuePin, JOB, type JobKind, type Notice } from './outbox-jobs';

/** What the handlers need to render messages; the renderer lives with the chat platform's views. */
export interface IncidentRenderer {
  card(input: { incident: Incident; store: Store; now: Date }): Promise<ChatMessage>;
  announcement(incident: Incident): ChatMessage;
  notice(incident: Incident, notice: Notice): ChatMessage;
}

export interface IncidentChannelDeps {
  store: Store;
  clock: Clock;
  chat: Chat;
  render: IncidentRenderer;
  timeZone: string;
  channelPrefix: string;
  announceChannel: string;
  /** Slack user ids to invite for this incident (policy routing, the lead). */
  respondersFor(incident: Incident): string[];
}

/** Enough alternatives for a busy day of same-titled incidents; beyond this something else is wrong. */
const MAX_NAME_ATTEMPTS = 50;

async function loadIncident(store: Store, job: OutboxJob): Promise<Incident | null> {
  return job.incidentId === null ? null : store.incidents.findById(job.incidentId);
}

async function createChannel(deps: IncidentChannelDeps, incident: Incident): Promise<{ id: string; name: string }> {
  const base = incidentChannelName({ prefix: deps.channelPrefix, openedAt: incident.openedAt, timeZone: deps.timeZone, title: incident.title, incidentId: incident.id });
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt += 1) {
    const name = alternativeChannelName(base, attempt);
    try {
      return await deps.chat.createChannel(name);
    } catch (error) {
      if (!isFirebreakError(error, 'CHAT_NAME_TAKEN')) throw error;
      // The name may be ours: created just before a crash lost the answer. Adopt it rather than make a twin.
      const existing = await deps.chat.findChannelByName(name);
      if (existing && existing.creatorId === (await deps.chat.botUserId()) && !(await deps.store.incidents.findByChannel(existing.id))) {
        return existing;
      }
    }
  }
  throw new FirebreakError('CHAT_REJECTED', `no free channel name after ${MAX_NAME_ATTEMPTS} tries for ${base}`, { step: 'creating the incident channel' });
}

export function incidentChannelHandlers(deps: IncidentChannelDeps): Record<JobKind, JobHandler> {
  const { store, chat, clock } = deps;

  const openChannel: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident || incident.channelId) return skipped('the incident already has its channel');
    const channel = await createChannel(deps, incident);
    await store.transaction(async (tx) => {
      await tx.incidents.update(incident.id, { channelId: channel.id, channelName: channel.name });
      await enqueueChannelSetup(tx, incident.id, clock.now());
    });
    return sent(`created the incident channel #${channel.name} (${channel.id})`);
  };

  const inviteResponders: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId) return skipped('no channel yet');
    const users = deps.respondersFor(incident);
    if (users.length === 0) return skipped('the policy names no responders for this incident');
    await chat.invite(incident.channelId, users);
    return sent(`invited ${users.length} responder${users.length === 1 ? '' : 's'} to #${incident.channelName}`);
  };

  const postCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId || incident.cardTs) return skipped('the card is already posted');
    const message = await deps.render.card({ incident, store, now: clock.now() });
    const posted = await chat.postMessage(incident.channelId, message);
    await store.transaction(async (tx) => {
      await tx.incidents.update(incident.id, { cardTs: posted.ts });
      await enqueuePin(tx, incident.id, clock.now());
    });
    return sent(`posted the incident card in #${incident.channelName}`);
  };

  const pinCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId || !incident.cardTs) return skipped('no card to pin');
    await chat.pin(incident.channelId, incident.cardTs);
    return sent(`pinned the incident card in #${incident.channelName}`);
  };

  const updateCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    // Before the card is posted there is nothing to edit: posting renders the latest state anyway.
    if (!incident?.channelId || !incident.cardTs) return skipped('the card is not posted yet; posting it will show the latest state');
    const message = await deps.render.card({ incident, store, now: clock.now() });
    await chat.updateMessage(incident.channelId, incident.cardTs, message);
    return sent(`updated the incident card in #${incident.channelName}`);
  };

  const announce: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId) return skipped('no channel to announce yet');
    await chat.postMessage(deps.announceChannel, deps.render.announcement(incident));
    return sent(`announced INC-${incident.id} in #${deps.announceChannel}`);
  };

  const postNotice: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    const notice = job.payload['notice'] as Notice | undefined;
    if (!incident || !notice) return skipped('no incident or no notice');
    // The channel is still being created (Slack may be down): the notice waits for it, it is not dropped.
    if (!incident.channelId) return deferred('waiting for the incident channel', new Date(clock.now().getTime() + 5000));
    await chat.postMessage(incident.channelId, deps.render.notice(incident, notice));
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

