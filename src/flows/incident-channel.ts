// The Slack side of an incident, run by the outbox: open its channel, invite responders, post, pin and
// edit its card, announce it. Each job reads the stored state when it runs, so a retry sends what is true now.
import type { Incident } from '../domain/incident';
import { alternativeChannelName, incidentChannelName } from '../domain/channel-name';
import { FirebreakError, isFirebreakError } from '../errors';
import type { OutboxJob, Store } from '../ports/store';
import type { Chat, ChatMessage } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type { JobHandler } from '../outbox/outbox-worker';
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
    if (!incident || incident.channelId) return;
    const channel = await createChannel(deps, incident);
    await store.transaction(async (tx) => {
      await tx.incidents.update(incident.id, { channelId: channel.id, channelName: channel.name });
      await enqueueChannelSetup(tx, incident.id, clock.now());
    });
  };

  const inviteResponders: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId) return;
    const users = deps.respondersFor(incident);
    if (users.length > 0) await chat.invite(incident.channelId, users);
  };

  const postCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId || incident.cardTs) return;
    const message = await deps.render.card({ incident, store, now: clock.now() });
    const posted = await chat.postMessage(incident.channelId, message);
    await store.transaction(async (tx) => {
      await tx.incidents.update(incident.id, { cardTs: posted.ts });
      await enqueuePin(tx, incident.id, clock.now());
    });
  };

  const pinCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (incident?.channelId && incident.cardTs) await chat.pin(incident.channelId, incident.cardTs);
  };

  const updateCard: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    // Before the card is posted there is nothing to edit: posting renders the latest state anyway.
    if (!incident?.channelId || !incident.cardTs) return;
    const message = await deps.render.card({ incident, store, now: clock.now() });
    await chat.updateMessage(incident.channelId, incident.cardTs, message);
  };

  const announce: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    if (!incident?.channelId) return;
    await chat.postMessage(deps.announceChannel, deps.render.announcement(incident));
  };

  const postNotice: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    const notice = job.payload['notice'] as Notice | undefined;
    if (!incident?.channelId || !notice) return;
    await chat.postMessage(incident.channelId, deps.render.notice(incident, notice));
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

