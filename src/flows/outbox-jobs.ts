// The kinds of outbox job the incident flows enqueue, and how to enqueue them. Jobs carry ids, not
// rendered messages: a card is rendered from the stored state when it is sent, so it is never stale.
import type { IncidentNotice } from '../domain/incident';
import type { NewOutboxJob, StoreTransaction } from '../ports/store';

export const JOB = {
  openChannel: 'incident.open_channel',
  inviteResponders: 'incident.invite_responders',
  announce: 'incident.announce',
  postCard: 'card.post',
  pinCard: 'card.pin',
  updateCard: 'card.update',
  postNotice: 'channel.notice',
} as const;
export type JobKind = (typeof JOB)[keyof typeof JOB];

/** Jobs that post or edit a message: chat platforms allow about one a second per channel (Slack), so their lane is paced. */
// Opening the channel posts the card in it, too.
export const MESSAGE_WRITING_JOBS: ReadonlySet<string> = new Set<string>([
  JOB.openChannel,
  JOB.announce,
  JOB.postCard,
  JOB.updateCard,
  JOB.postNotice,
  'postmortem.post',
  'scale.approval_post',
  'scale.approval_update',
  'scale.gave_up',
  'update.deliver',
  'nudge.check',
  'nudge.settle',
  // Planned capacity (flows/capacity-plans.ts): its announcement, its edits, the scale-back offer and its edit.
  'capacity.announce',
  'capacity.update',
  'capacity.offer_scale_back',
  'capacity.update_scale_back',
  'capacity.warning_post',
  'capacity.warning_update',
]);

/**
 * Jobs that wait for the incident's channel (to post in it, invite to it, link it). They look again only now
 * and then; the channel's creation (or Slack's refusal of it) brings them forward at once, so a storm of
 * waiting jobs does not keep the outbox busy looking.
 */
export const WAITING_FOR_CHANNEL_JOBS: readonly string[] = [
  JOB.postNotice,
  'scale.gave_up',
  'oncall.invite',
  'page.trigger',
  'postmortem.post',
  'team.invite',
  'update.deliver',
  'nudge.check',
  'capacity.warning_post',
];
/** How often a job waiting for the channel looks again by itself. */
export const CHANNEL_RECHECK_MS = 30_000;

/**
 * The incident's channel was created, or refused for good: its jobs waiting for that run now. Only those due
 * within CHANNEL_RECHECK_MS, which is as long as any of them waits for the channel: a job scheduled for later
 * on purpose (a nudge minutes away) keeps its time, rather than running now only to say "not yet".
 */
export async function bringForwardChannelWaiters(tx: StoreTransaction, incidentId: number, now: Date): Promise<void> {
  await tx.outbox.bringForward(incidentId, WAITING_FOR_CHANNEL_JOBS, now, new Date(now.getTime() + CHANNEL_RECHECK_MS));
}

/** Jobs in one lane run in order and share one chat channel's write rate. */
export function incidentLane(incidentId: number): string {
  return `incident:${incidentId}`;
}
export const ANNOUNCE_LANE = 'announcements';

function job(
  kind: JobKind,
  incidentId: number,
  extra: Partial<NewOutboxJob> = {},
  lane = incidentLane(incidentId),
): NewOutboxJob {
  return { kind, incidentId, ...extra, payload: { lane, ...(extra.payload ?? {}) } };
}

export async function enqueueChannelOpening(tx: StoreTransaction, incidentId: number, now: Date): Promise<void> {
  await tx.outbox.enqueue(job(JOB.openChannel, incidentId, { coalesceKey: `open:${incidentId}`, urgent: true }), now);
}

/** After the channel exists (its card is posted in the same step): invite, announce. */
export async function enqueueChannelSetup(tx: StoreTransaction, incidentId: number, now: Date): Promise<void> {
  await tx.outbox.enqueue(job(JOB.inviteResponders, incidentId), now);
  await enqueueAnnouncement(tx, incidentId, now);
}

/** One announcement per incident in the incidents channel (its channel's link, or why it has none). */
export async function enqueueAnnouncement(tx: StoreTransaction, incidentId: number, now: Date): Promise<void> {
  await tx.outbox.enqueue(job(JOB.announce, incidentId, { coalesceKey: `announce:${incidentId}` }, ANNOUNCE_LANE), now);
}

export async function enqueuePin(tx: StoreTransaction, incidentId: number, now: Date): Promise<void> {
  await tx.outbox.enqueue(job(JOB.pinCard, incidentId), now);
}

/** One pending edit per card at most: a storm of changes becomes one edit that shows them all. */
export function cardUpdateJob(incidentId: number): NewOutboxJob {
  return job(JOB.updateCard, incidentId, { coalesceKey: `card:${incidentId}` });
}

export async function enqueueCardUpdate(tx: StoreTransaction, incidentId: number, now: Date): Promise<void> {
  await tx.outbox.enqueue(cardUpdateJob(incidentId), now);
}

export type Notice = IncidentNotice;

export function noticeJob(incidentId: number, notice: Notice): NewOutboxJob {
  return job(JOB.postNotice, incidentId, { payload: { notice } });
}

export async function enqueueNotice(
  tx: StoreTransaction,
  incidentId: number,
  notice: Notice,
  now: Date,
): Promise<void> {
  await tx.outbox.enqueue(noticeJob(incidentId, notice), now);
}
