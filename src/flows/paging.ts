// Paging through the outbox: page the on-call engineer when an incident opens (or by hand), acknowledge
// and resolve the page, call out a page nobody acknowledged, and bring whoever is on call into the channel.
// State is stored first (the incident's page, timeline events); the outbox talks to the pager and the chat,
// so an outage of either delays a page and loses nothing, and a restart resumes it. Whatever pager is
// configured (PagerDuty, or another behind the Pager port), the flows speak Firebreak's terms only.
import { FIREBREAK, type Actor, type UserActor } from '../domain/actor';
import { channelRefused, type Incident } from '../domain/incident';
import { declareIncident } from '../domain/incident-changes';
import {
  acknowledgerText,
  incidentIdFromPageKey,
  isOverdue,
  pageAcknowledged,
  pageOpenedInPager,
  pagerActor,
  pageSent,
  pageSummary,
  requestPage,
  shouldPage,
  type OnCallState,
  type PageState,
  type PagingPolicy,
} from '../domain/paging';
import { inlines, type RichText } from '../domain/rich-text';
import { forIncident, type TimelineEventDraft } from '../domain/timeline';
import { plural } from '../domain/plural';
import { errorMessage, FirebreakError, isFirebreakError } from '../errors';
import { deferred, sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { Chat } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type {
  OnCallDirectory,
  OnCallPerson,
  PagerIncident,
  PageUpdate,
  PageUpdateOutcome,
  Pager,
} from '../ports/pager';
import type { OutboxJob, Store, StoreTransaction } from '../ports/store';
import { CHANNEL_RECHECK_MS, enqueueCardUpdate, enqueueChannelOpening, enqueueNotice } from './outbox-jobs';
import type { IncidentFlowDeps } from './update-incident';
import { applyTeamPageUpdate } from './team-escalation';
import { channelLinks } from './page-links';

export const PAGE_JOB = {
  trigger: 'page.trigger',
  acknowledge: 'page.acknowledge',
  resolve: 'page.resolve',
  ackCheck: 'page.ack_check',
  inviteOnCall: 'oncall.invite',
} as const;

/** The paging jobs that talk to the pager; the others (the ack reminder, the invite) talk to the chat. */
export const PAGER_JOBS: ReadonlySet<string> = new Set([PAGE_JOB.trigger, PAGE_JOB.acknowledge, PAGE_JOB.resolve]);

/** How long a page waits for its incident channel, to link it; after that it goes without. */
const CHANNEL_WAIT_MS = 10_000;

/** Paging has its own lane per incident: a slow chat must not hold up a page, nor a page the card. */
function pagerLane(incidentId: number): string {
  return `pager:${incidentId}`;
}

export interface PagingSetup {
  policy: PagingPolicy;
  /** Off when no pager is configured: incidents open, nobody is paged, and start-up says so. */
  pager: Pager | null;
  onCall: OnCallDirectory | null;
  /** Escalation policies whose on-call people are invited and listed, first is the main one. */
  escalationPolicyIds: string[];
}

export interface PagingDeps extends PagingSetup {
  store: Store;
  clock: Clock;
  chat: Chat;
  onPageSent?(incidentId: number): void;
}

function event(draft: TimelineEventDraft, incidentId: number) {
  return forIncident(draft, incidentId);
}

async function loadIncident(store: Store, job: OutboxJob): Promise<Incident | null> {
  return job.incidentId === null ? null : store.incidents.findById(job.incidentId);
}

/** Stores a page request (automatic or by hand) and queues it; the page.sent event follows delivery. */
export async function queuePage(
  tx: StoreTransaction,
  incident: Incident,
  now: Date,
  request: { actor: Actor; via: string; message?: string },
): Promise<Incident> {
  const page = requestPage(incident.page, incident.id, now, request.via);
  const updated = await tx.incidents.update(incident.id, { page });
  await tx.outbox.enqueue(
    {
      kind: PAGE_JOB.trigger,
      incidentId: incident.id,
      coalesceKey: `page:${incident.id}`,
      urgent: true,
      // It waits (the trigger's handler) to link the channel, which a new incident does not have yet: due when
      // the wait is up, and brought forward when the channel is created or refused, rather than run at once
      // only to wait.
      ...(updated.channelId ? {} : { notBefore: new Date(page.requestedAt.getTime() + CHANNEL_WAIT_MS) }),
      payload: {
        lane: pagerLane(incident.id),
        actor: request.actor,
        ...(request.message ? { message: request.message } : {}),
      },
    },
    now,
  );
  await enqueueCardUpdate(tx, incident.id, now);
  return updated;
}

/** Called in the transaction that opens an incident: page it if its severity says so, find who is on call. */
export function pagingOnOpen(setup: PagingSetup) {
  return async (tx: StoreTransaction, incident: Incident, now: Date): Promise<void> => {
    // A test incident pages nobody and invites nobody on call: it is a rehearsal.
    if (incident.test) return;
    // An incident opened from a page (in the paging service) already has it: nobody is paged twice.
    if (setup.pager && !incident.page && shouldPage(setup.policy, incident.severity))
      await queuePage(tx, incident, now, { actor: FIREBREAK, via: setup.pager.name });
    if (setup.onCall && setup.escalationPolicyIds.length > 0) {
      await tx.outbox.enqueue(
        {
          kind: PAGE_JOB.inviteOnCall,
          incidentId: incident.id,
          coalesceKey: `oncall:${incident.id}`,
          payload: { lane: pagerLane(incident.id) },
        },
        now,
      );
    }
  };
}

/**
 * Called in the transaction that changes an incident: raising it to a paging severity pages (once; a page
 * already sent stands), and resolving it resolves its page.
 */
export function pagingOnChange(setup: PagingSetup) {
  return async (tx: StoreTransaction, before: Incident, after: Incident, now: Date): Promise<void> => {
    if (!setup.pager || after.test) return;
    const raisedToPaging =
      after.status !== 'resolved' &&
      !after.page &&
      shouldPage(setup.policy, after.severity) &&
      !shouldPage(setup.policy, before.severity);
    if (raisedToPaging) {
      await queuePage(tx, after, now, {
        actor: FIREBREAK,
        via: setup.pager.name,
        message: `severity raised to ${after.severity}`,
      });
      return;
    }
    if (!after.page || before.status === 'resolved' || after.status !== 'resolved') return;
    if (after.page.status === 'resolved' || after.page.status === 'failed') return;
    await tx.outbox.enqueue(
      { kind: PAGE_JOB.resolve, incidentId: after.id, payload: { lane: pagerLane(after.id) } },
      now,
    );
  };
}

/** Someone acknowledged in the chat: record it now, tell the pager through the outbox. */
export async function acknowledgePage(
  deps: { store: Store; clock: Clock; wakeOutbox(): void },
  incidentId: number,
  actor: UserActor,
): Promise<{ ok: true } | { ok: false; reason: RichText }> {
  const now = deps.clock.now();
  const result = await deps.store.transaction(async (tx) => {
    const incident = await tx.incidents.findById(incidentId);
    if (!incident?.page) return { ok: false as const, reason: 'This incident has not paged anyone.' };
    if (incident.page.status === 'acknowledged')
      return {
        ok: false as const,
        reason: [
          'The page was already acknowledged by ',
          ...inlines(incident.page.acknowledgedBy ? acknowledgerText(incident.page.acknowledgedBy) : 'someone'),
          '.',
        ],
      };
    if (incident.page.status === 'resolved') return { ok: false as const, reason: 'The page is already resolved.' };
    const by = actor.name ?? actor.id;
    await tx.incidents.update(incidentId, { page: pageAcknowledged(incident.page, actor, now) });
    await tx.timeline.append(event({ at: now, type: 'page.acknowledged', actor, data: { by } }, incidentId));
    await tx.outbox.enqueue({ kind: PAGE_JOB.acknowledge, incidentId, payload: { lane: pagerLane(incidentId) } }, now);
    await enqueueCardUpdate(tx, incidentId, now);
    return { ok: true as const };
  });
  if (result.ok) deps.wakeOutbox();
  return result;
}

/** Firing alerts named in a page; the rest are counted. */
const PAGE_MAX_ALERTS = 20;

function pageDetails(
  incident: Incident,
  firing: Array<{ title: string; count: number }>,
  chatName: string,
): Record<string, unknown> {
  const more = incident.alertCounts.firing - firing.length;
  return {
    incident: `INC-${incident.id}`,
    service: incident.service,
    status: incident.status,
    firing_alerts: [
      ...firing.map((a) => (a.count > 1 ? `${a.title} (×${a.count})` : a.title)),
      ...(more > 0 ? [`…and ${more} more`] : []),
    ],
    // `slack_channel` on Slack: the field says which chat the channel is in.
    ...(incident.channelName ? { [`${chatName.toLowerCase()}_channel`]: `#${incident.channelName}` } : {}),
  };
}

export function pagingHandlers(deps: PagingDeps): Record<string, JobHandler> {
  const { store, clock, policy } = deps;

  /**
   * A first page tried before (a crash or a lost answer came after the send, before it was stored) may have
   * reached the paging service: ask it, so the on-call engineer is paged once. A re-page is a deliberate
   * repeat, and when the service cannot tell, the trigger goes again (its key keeps it one page there).
   */
  async function triggerGotThrough(job: OutboxJob, page: PageState): Promise<boolean> {
    if (!job.sendingSince || page.count > 1 || !deps.onCall) return false;
    try {
      return await deps.onCall.isPageOpen(page.key);
    } catch {
      return false;
    }
  }

  const trigger: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    const pager = deps.pager;
    if (!incident?.page || !pager) return skipped('nothing to page');
    if (incident.page.status !== 'pending') return skipped(`the page is ${incident.page.status}`);
    // The page links to the incident channel, created a moment later by the Slack lane. Wait for it,
    // briefly: with Slack down, the page goes without the link rather than late.
    const waited = clock.now().getTime() - incident.page.requestedAt.getTime();
    // (Its creation brings this job forward at once.)
    if (!incident.channelId && waited < CHANNEL_WAIT_MS)
      return deferred(
        'waiting briefly for the incident channel to link it',
        new Date(incident.page.requestedAt.getTime() + CHANNEL_WAIT_MS),
      );
    const alerts = await store.alerts.listFiring(incident.id, PAGE_MAX_ALERTS);
    const message = typeof job.payload.message === 'string' ? job.payload.message : undefined;
    const actor = (job.payload.actor as Actor | undefined) ?? FIREBREAK;
    const alreadyThere = await triggerGotThrough(job, incident.page);
    try {
      if (!alreadyThere) {
        await store.outbox.markSending(job.id, clock.now());
        await pager.send({
          action: 'trigger',
          key: incident.page.key,
          summary: pageSummary(incident, message),
          source: 'firebreak',
          severity: incident.severity,
          service: incident.service,
          details: pageDetails(incident, alerts, deps.chat.name),
          ...channelLinks(deps.chat, incident),
        });
      }
    } catch (error) {
      if (!isFirebreakError(error, 'PAGE_REJECTED')) throw error;
      // Refused for good: say so on the timeline and the card rather than retry forever.
      const now = clock.now();
      const page = incident.page;
      await store.transaction(async (tx) => {
        await tx.incidents.update(incident.id, { page: { ...page, status: 'failed', error: error.message } });
        await tx.timeline.append(
          event({ at: now, type: 'page.failed', actor: FIREBREAK, data: { message: error.message } }, incident.id),
        );
        await enqueueCardUpdate(tx, incident.id, now);
      });
      return sent(`${pager.name} refused the page for INC-${incident.id}: ${error.message}`);
    }
    const now = clock.now();
    const page = { ...pageSent(incident.page, now, policy), via: pager.name };
    await store.transaction(async (tx) => {
      await tx.incidents.update(incident.id, { page });
      await tx.timeline.append(
        event(
          {
            at: now,
            type: 'page.sent',
            actor,
            data: { key: page.key, via: page.via, count: page.count, ...(message ? { message } : {}) },
          },
          incident.id,
        ),
      );
      await enqueueCardUpdate(tx, incident.id, now);
      // The acknowledgement deadline is a stored job, so it survives a restart.
      await tx.outbox.enqueue(
        {
          kind: PAGE_JOB.ackCheck,
          incidentId: incident.id,
          payload: { lane: pagerLane(incident.id), count: page.count },
          notBefore: page.ackDueAt ?? now,
        },
        now,
      );
    });
    deps.onPageSent?.(incident.id);
    return sent(
      alreadyThere
        ? `${pager.name} already had the page for INC-${incident.id} (${page.key}) from before a restart; not sent again`
        : `paged on-call for INC-${incident.id} through ${pager.name} (${page.key})`,
    );
  };

  const sendAction =
    (action: 'acknowledge' | 'resolve'): JobHandler =>
    async (job) => {
      const incident = await loadIncident(store, job);
      if (!incident?.page || !deps.pager) return skipped('no page to update');
      const { key, pagerIncidentId } = incident.page;
      await deps.pager.send({ action, key, ...(pagerIncidentId ? { pagerIncidentId } : {}) });
      if (action === 'resolve' && incident.page.status !== 'resolved')
        await store.incidents.update(incident.id, { page: { ...incident.page, status: 'resolved', ackDueAt: null } });
      return sent(`told ${deps.pager.name} to ${action} the page for INC-${incident.id}`);
    };

  const ackCheck: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    const now = clock.now();
    const page = incident?.page ?? null;
    // A later re-page has its own deadline; this check belongs to the send that scheduled it.
    if (!incident || !page || incident.status === 'resolved' || page.reminded || job.payload.count !== page.count)
      return skipped('page acknowledged, resolved or re-sent');
    if (!isOverdue(page, now)) return skipped('page acknowledged in time');
    await store.transaction(async (tx) => {
      await tx.incidents.update(incident.id, { page: { ...page, reminded: true } });
      await tx.timeline.append(
        event(
          { at: now, type: 'page.unacknowledged', actor: FIREBREAK, data: { minutes: policy.ackTimeoutMinutes } },
          incident.id,
        ),
      );
      await enqueueNotice(tx, incident.id, 'page_unacknowledged', now);
      await enqueueCardUpdate(tx, incident.id, now);
    });
    return sent(
      `INC-${incident.id}: page not acknowledged after ${policy.ackTimeoutMinutes} min; said so in the channel`,
    );
  };

  const inviteOnCall: JobHandler = async (job) => {
    const incident = await loadIncident(store, job);
    const directory = deps.onCall;
    if (!incident || !directory) return skipped('no on-call lookup configured');
    // The channel is created by another job; until it exists there is nobody to invite into it.
    if (channelRefused(incident))
      return skipped('the incident has no channel to invite to (the chat platform refused to create it)');
    // The channel is still being created (the chat platform may be down): wait for it, without counting it as a failure.
    if (!incident.channelId)
      return deferred('waiting for the incident channel', new Date(clock.now().getTime() + CHANNEL_RECHECK_MS));
    let people: OnCallPerson[];
    try {
      people = (await Promise.all(deps.escalationPolicyIds.map((id) => directory.whoIsOnCall(id)))).flat();
    } catch (error) {
      // Degrade, visibly: the card says the paging service could not be reached, and the outbox tries again later.
      const now = clock.now();
      const onCall: OnCallState = {
        checkedAt: now,
        people: incident.onCall?.people ?? [],
        error: `could not reach ${directory.name}`,
      };
      await store.transaction(async (tx) => {
        await tx.incidents.update(incident.id, { onCall });
        await enqueueCardUpdate(tx, incident.id, now);
      });
      throw isFirebreakError(error)
        ? error
        : new FirebreakError('ONCALL_UNAVAILABLE', errorMessage(error), { step: 'looking up who is on call' });
    }
    const found = await Promise.all(
      people.map(async (p) => ({ ...p, slackUserId: p.email ? await deps.chat.findUserByEmail(p.email) : null })),
    );
    const invite = [...new Set(found.map((p) => p.slackUserId).filter((id): id is string => id !== null))];
    if (invite.length > 0) await deps.chat.invite(incident.channelId, invite);
    const now = clock.now();
    const already = new Set(
      (await store.timeline.list(incident.id)).flatMap((e) => (e.type === 'responder.joined' ? [e.data.userId] : [])),
    );
    await store.transaction(async (tx) => {
      const onCall: OnCallState = {
        checkedAt: now,
        people: found.map((p) => ({
          name: p.name,
          slackUserId: p.slackUserId,
          level: p.level,
          policyName: p.policyName,
        })),
        error: null,
      };
      await tx.incidents.update(incident.id, { onCall });
      for (const userId of invite.filter((id) => !already.has(id))) {
        await tx.timeline.append(
          event({ at: now, type: 'responder.joined', actor: FIREBREAK, data: { userId } }, incident.id),
        );
      }
      await enqueueCardUpdate(tx, incident.id, now);
    });
    return sent(`invited ${plural(invite.length, 'on-call engineer')} to #${incident.channelName}`);
  };

  return {
    [PAGE_JOB.trigger]: trigger,
    [PAGE_JOB.acknowledge]: sendAction('acknowledge'),
    [PAGE_JOB.resolve]: sendAction('resolve'),
    [PAGE_JOB.ackCheck]: ackCheck,
    [PAGE_JOB.inviteOnCall]: inviteOnCall,
  };
}

/**
 * `/incident page` and the Page button: page (again) by hand, with an optional message, through the paging
 * service named `via` (the configured pager's name).
 */
export async function pageByHand(
  deps: { store: Store; clock: Clock; wakeOutbox(): void },
  incidentId: number,
  actor: Actor,
  request: { via: string; message?: string },
): Promise<{ ok: true; incident: Incident } | { ok: false; reason: string }> {
  const { via, message } = request;
  const now = deps.clock.now();
  const result = await deps.store.transaction(async (tx) => {
    const incident = await tx.incidents.findById(incidentId);
    if (!incident) return { ok: false as const, reason: `Incident ${incidentId} does not exist.` };
    if (incident.status === 'resolved')
      return { ok: false as const, reason: `INC-${incident.id} is resolved; there is nobody to page for it.` };
    if (incident.test)
      return { ok: false as const, reason: `INC-${incident.id} is a test incident: it never pages anyone.` };
    if (incident.page?.status === 'pending')
      return { ok: false as const, reason: `A page is already on its way to ${incident.page.via}.` };
    return {
      ok: true as const,
      incident: await queuePage(tx, incident, now, { actor, via, ...(message ? { message } : {}) }),
    };
  });
  if (result.ok) deps.wakeOutbox();
  return result;
}

export interface OnCallAnswer {
  policyId: string;
  policyName: string;
  people: Array<{ name: string; slackUserId: string | null; level: number }>;
  error: string | null;
}

/** `/oncall`: who is on call now for each configured escalation policy, as Slack users where possible. */
export async function whoIsOnCallNow(deps: {
  onCall: OnCallDirectory;
  chat: Chat;
  escalationPolicyIds: string[];
}): Promise<OnCallAnswer[]> {
  return Promise.all(
    deps.escalationPolicyIds.map(async (policyId): Promise<OnCallAnswer> => {
      try {
        const people = await deps.onCall.whoIsOnCall(policyId);
        const withSlack = await Promise.all(
          people.map(async (p) => ({
            name: p.name,
            level: p.level,
            slackUserId: p.email ? await deps.chat.findUserByEmail(p.email).catch(() => null) : null,
          })),
        );
        return { policyId, policyName: people[0]?.policyName ?? policyId, people: withSlack, error: null };
      } catch (error) {
        return {
          policyId,
          policyName: policyId,
          people: [],
          error: isFirebreakError(error) ? error.message : `could not reach ${deps.onCall.name}`,
        };
      }
    }),
  );
}

/**
 * Applies what the pager says happened to a page (acknowledged, escalated, reassigned, resolved) to the incident
 * the page belongs to: timeline events and a card edit. Each delivery applies once, however often it arrives;
 * a repeat answers `applied: false`.
 */
/**
 * An incident opened in the paging service (a monitor routed through it) becomes a Firebreak incident linked to
 * it: its page is that incident, already sent, so nobody is paged again; its later updates (acknowledged,
 * resolved…) reach it as a page's do, and Firebreak acknowledges and resolves it by its key. Once per incident,
 * however often the event arrives.
 */
export async function openFromPagerIncident(
  deps: IncidentFlowDeps & { ackTimeoutMinutes: number },
  opened: PagerIncident,
): Promise<PageUpdateOutcome> {
  const now = deps.clock.now();
  const delivery = `${opened.source}:${opened.deliveryId}`;
  const groupKey = pagerGroupKey(opened.source, opened.pagerIncidentId);
  const result = await deps.store.transaction(async (tx): Promise<PageUpdateOutcome | { opened: Incident }> => {
    if (await tx.deliveries.find(delivery))
      return { applied: false, reason: `event ${opened.deliveryId} was already received` };
    const existing = await tx.incidents.findOpenByGroupKey(groupKey);
    if (existing) {
      const outcome = { applied: false as const, reason: `already open as INC-${existing.id}` };
      await tx.deliveries.record(delivery, outcome, now);
      return outcome;
    }
    const actor = pagerActor(opened.via, opened.agent);
    const plan = declareIncident(
      { title: opened.title, severity: opened.severity, service: opened.service.name, source: 'pager' },
      actor,
      // It began when PagerDuty opened it: every time the postmortem measures counts from then.
      opened.at,
    );
    const page = pageOpenedInPager(
      {
        key: opened.pageKey ?? groupKey,
        via: opened.via,
        pagerIncidentId: opened.pagerIncidentId,
        at: opened.at,
        assignedTo: opened.assignedTo.map((a) => a.name).join(', ') || null,
      },
      deps.ackTimeoutMinutes,
    );
    const incident = await tx.incidents.insert({ ...plan.incident, groupKey, page });
    const reference = opened.number !== null ? `#${opened.number}` : opened.pagerIncidentId;
    const events: TimelineEventDraft[] = [
      ...plan.events,
      {
        at: opened.at,
        type: 'page.sent',
        actor,
        data: {
          key: page.key,
          via: opened.via,
          count: 1,
          message: `${opened.via} incident ${reference}, opened there`,
        },
      },
    ];
    for (const e of events) await tx.timeline.append(forIncident(e, incident.id));
    await enqueueChannelOpening(tx, incident.id, now);
    await deps.hooks?.opened?.(tx, incident, now);
    if (page.ackDueAt)
      await tx.outbox.enqueue(
        {
          kind: PAGE_JOB.ackCheck,
          incidentId: incident.id,
          payload: { lane: pagerLane(incident.id), count: page.count },
          notBefore: page.ackDueAt,
        },
        now,
      );
    await tx.deliveries.record(delivery, { applied: true, incidentId: incident.id }, now);
    return { opened: incident };
  });
  if (!('opened' in result)) return result;
  deps.onIncidentOpened?.(result.opened.id);
  deps.wakeOutbox();
  return { applied: true, incidentId: result.opened.id };
}

/** The group key of a Firebreak incident opened from a paging service's incident: how its updates find it. */
function pagerGroupKey(source: string, pagerIncidentId: string): string {
  return `${source}-incident:${pagerIncidentId}`;
}

export async function applyPageUpdate(
  deps: { store: Store; clock: Clock; wakeOutbox(): void; ackTimeoutMinutes: number },
  update: PageUpdate,
): Promise<PageUpdateOutcome> {
  const now = deps.clock.now();
  const key = `${update.source}:${update.deliveryId}`;
  const outcome = await deps.store.transaction(async (tx): Promise<PageUpdateOutcome> => {
    // A repeat changes nothing, and says so: the pager (or anyone replaying a signed body) sees applied:false.
    if (await tx.deliveries.find(key))
      return { applied: false, reason: `event ${update.deliveryId} was already received` };
    // Another team's page (`/incident escalate`): its acknowledgement is that team's, not the incident's page's.
    const forTeam = await applyTeamPageUpdate(tx, update, now);
    if (forTeam) {
      await tx.deliveries.record(key, forTeam, now);
      return forTeam;
    }
    const incidentId = incidentIdFromPageKey(update.pageKey);
    // Not a page Firebreak sent: perhaps an incident opened in the paging service that Firebreak follows.
    const incident =
      incidentId === null
        ? await tx.incidents.findOpenByGroupKey(pagerGroupKey(update.source, update.pagerIncidentId))
        : await tx.incidents.findById(incidentId);
    const page = incident?.page;
    const result: PageUpdateOutcome =
      incident && page
        ? await applyToIncident(tx, incident, page, update, now, deps.ackTimeoutMinutes)
        : { applied: false, reason: 'not a page Firebreak sent' };
    await tx.deliveries.record(key, result, now);
    return result;
  });
  if (outcome.applied) deps.wakeOutbox();
  return outcome;
}

async function applyToIncident(
  tx: StoreTransaction,
  incident: Incident,
  page: PageState,
  update: PageUpdate,
  now: Date,
  ackTimeoutMinutes: number,
): Promise<PageUpdateOutcome> {
  const agentName = update.agent?.name;
  const actor = pagerActor(update.via, update.agent);
  const assignees = update.assignedTo.map((a) => a.name).join(', ') || undefined;
  const at = update.at;
  // Updates may arrive out of order: once resolved, a late acknowledgement or escalation changes nothing.
  if (page.status === 'resolved' && update.status !== 'resolved')
    return { applied: false, reason: 'the page is already resolved' };
  switch (update.status) {
    case 'acknowledged':
      if (page.status === 'acknowledged') return { applied: false, reason: 'already acknowledged' };
      await tx.incidents.update(incident.id, { page: pageAcknowledged(page, actor, at) });
      await tx.timeline.append(
        event({ at, type: 'page.acknowledged', actor, data: agentName ? { by: agentName } : {} }, incident.id),
      );
      break;
    case 'resolved':
      if (page.status === 'resolved') return { applied: false, reason: 'already resolved' };
      await tx.incidents.update(incident.id, { page: { ...page, status: 'resolved', ackDueAt: null } });
      await tx.timeline.append(
        event({ at, type: 'page.resolved', actor, data: agentName ? { by: agentName } : {} }, incident.id),
      );
      break;
    case 'escalated':
    case 'reassigned': {
      // Back with someone who has not acknowledged it: wait for them as for the first page, with a new deadline.
      const ackDueAt = new Date(now.getTime() + ackTimeoutMinutes * 60_000);
      await tx.incidents.update(incident.id, {
        page: {
          ...page,
          status: 'triggered',
          acknowledgedAt: null,
          acknowledgedBy: null,
          assignedTo: assignees ?? page.assignedTo,
          ackDueAt,
          reminded: false,
        },
      });
      await tx.outbox.enqueue(
        {
          kind: PAGE_JOB.ackCheck,
          incidentId: incident.id,
          payload: { lane: pagerLane(incident.id), count: page.count },
          notBefore: ackDueAt,
        },
        now,
      );
      const type = update.status === 'escalated' ? 'page.escalated' : 'page.reassigned';
      await tx.timeline.append(event({ at, type, actor, data: assignees ? { to: assignees } : {} }, incident.id));
      break;
    }
    case 'untracked':
      return { applied: false, reason: `${update.event} is not tracked` };
  }
  await enqueueCardUpdate(tx, incident.id, now);
  return { applied: true, incidentId: incident.id };
}
