// Escalating an incident to another team: stored first (the escalation, its timeline event), then the outbox
// pages the team — through the pager with the team's own key (one page per incident and team, however often it
// is asked), or, for a team known by its escalation policy, by a responder request on the incident's own page —
// and invites its people (its user group, its on-call engineer) into the channel. The team's acknowledgement (a
// page update, or the responder's reply) is recorded and shown on the card.
import type { Actor } from '../domain/actor';
import { channelRefused, type Incident } from '../domain/incident';
import { pagerActor, pageSummary } from '../domain/paging';
import { findTeam, teamFromPageKey, teamPageKey, type Team, type TeamEscalation } from '../domain/team-escalation';
import { forIncident } from '../domain/timeline';
import { isFirebreakError } from '../errors';
import { deferred, sent, skipped, type JobHandler } from '../outbox/outbox-worker';
import type { Chat } from '../ports/chat';
import type { Clock } from '../ports/clock';
import type {
  OnCallDirectory,
  PageUpdate,
  PageUpdateOutcome,
  Pager,
  ResponderReply,
  ResponderRequests,
} from '../ports/pager';
import type { Store, StoreTransaction } from '../ports/store';
import { CHANNEL_RECHECK_MS, enqueueCardUpdate, incidentLane } from './outbox-jobs';
import { channelLinks } from './page-links';

export const TEAM_JOB = { page: 'team.page', invite: 'team.invite', resolve: 'team.resolve' } as const;

export interface EscalationDeps {
  store: Store;
  clock: Clock;
  chat: Chat;
  pager: Pager | null;
  onCall: OnCallDirectory | null;
  /** Asks a team known by its escalation policy to respond; null when it cannot be configured. */
  responders: ResponderRequests | null;
  /** Why `responders` is null, with what to configure (said to whoever escalates to such a team). */
  respondersOff: string;
  teams: readonly Team[];
  wakeOutbox(): void;
}

export type EscalationResult =
  | { ok: true; escalation: TeamEscalation; repeated: boolean; paged: boolean }
  | { ok: false; problem: string };

/** A page still pending when the team is asked is looked for again after this long. */
const PAGE_RECHECK_MS = 15_000;

/** Why the team cannot be paged for this incident, with what would make it possible; null when it can be. */
function notPagedBecause(deps: EscalationDeps, team: Team, incident: Incident): string | null {
  if ('route' in team.pager) return deps.pager ? null : 'paging is off (no pager is configured)';
  if (!deps.responders) return deps.respondersOff;
  if (incident.test) return `INC-${incident.id} is a test incident: nobody is paged for it`;
  if (!incident.page || incident.page.status === 'failed')
    return `INC-${incident.id} has no page in ${deps.responders.name} to ask ${team.name} to join (it was never paged${incident.page ? ' successfully' : ''}); page it first with \`/incident page\``;
  return null;
}

/** Pages go in the incident's pager lane, beside its own page: a slow chat never holds them up. */
function pagerLane(incidentId: number): string {
  return `pager:${incidentId}`;
}

/** `/incident escalate <team> [message]` and the "Escalate…" form. */
export async function escalateToTeam(
  deps: EscalationDeps,
  input: { incidentId: number; team: string; message?: string; actor: Actor },
): Promise<EscalationResult> {
  const found = findTeam(deps.teams, input.team);
  if (!found.ok) return { ok: false, problem: found.problem };
  const team = found.team;
  const key = teamPageKey(input.incidentId, team.name);
  const now = deps.clock.now();
  const result = await deps.store.transaction(async (tx): Promise<EscalationResult> => {
    const incident = await tx.incidents.findById(input.incidentId);
    if (!incident) return { ok: false, problem: `there is no incident ${input.incidentId}` };
    if (incident.status === 'resolved') return { ok: false, problem: `INC-${incident.id} is resolved` };
    const earlier = await tx.teamEscalations.findByKey(key);
    if (earlier) return { ok: true, escalation: earlier, repeated: true, paged: earlier.status !== 'not_paged' };
    const notPaged = notPagedBecause(deps, team, incident);
    const pages = notPaged === null;
    const escalation = await tx.teamEscalations.insert({
      incidentId: incident.id,
      team: team.name,
      key,
      message: input.message ?? null,
      by: input.actor,
      status: pages ? 'pending' : 'not_paged',
      escalatedAt: now,
      pagedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      error: notPaged,
      pagerIncidentId: null,
      declinedAt: null,
      declinedBy: null,
    });
    await tx.timeline.append(
      forIncident(
        {
          at: now,
          type: 'team.escalated',
          actor: input.actor,
          data: {
            team: team.name,
            key,
            ...(input.message ? { message: input.message } : {}),
            ...(notPaged ? { notPaged } : {}),
          },
        },
        incident.id,
      ),
    );
    if (pages)
      await tx.outbox.enqueue(
        {
          kind: TEAM_JOB.page,
          incidentId: incident.id,
          urgent: true,
          payload: { lane: pagerLane(incident.id), escalationId: escalation.id },
        },
        now,
      );
    await tx.outbox.enqueue(
      {
        kind: TEAM_JOB.invite,
        incidentId: incident.id,
        payload: { lane: incidentLane(incident.id), escalationId: escalation.id },
      },
      now,
    );
    await enqueueCardUpdate(tx, incident.id, now);
    return { ok: true, escalation, repeated: false, paged: pages };
  });
  if (result.ok && !result.repeated) deps.wakeOutbox();
  return result;
}

/**
 * When the incident resolves, the teams' pages resolve too (in the same transaction): nobody in another team
 * keeps being paged for an incident that is over.
 */
export function teamEscalationOnChange() {
  return async (tx: StoreTransaction, before: Incident, after: Incident, now: Date): Promise<void> => {
    if (before.status === 'resolved' || after.status !== 'resolved') return;
    for (const escalation of await tx.teamEscalations.listByIncident(after.id)) {
      if (escalation.status !== 'pending' && escalation.status !== 'paged' && escalation.status !== 'acknowledged')
        continue;
      await tx.outbox.enqueue(
        {
          kind: TEAM_JOB.resolve,
          incidentId: after.id,
          payload: { lane: pagerLane(after.id), escalationId: escalation.id },
        },
        now,
      );
    }
  };
}

/** The team's names for the "Escalate…" form and the unknown-team answer. */
export function teamNames(deps: Pick<EscalationDeps, 'teams'>): string[] {
  return deps.teams.map((t) => t.name);
}

/**
 * A page update for a team's page (its key is a team key): the team acknowledged, or the update is not one
 * Firebreak follows for teams. Runs in the paging flow's transaction, which records the delivery.
 */
export async function applyTeamPageUpdate(
  tx: StoreTransaction,
  update: PageUpdate,
  now: Date,
): Promise<PageUpdateOutcome | null> {
  if (!teamFromPageKey(update.pageKey) || update.pageKey === null) return null;
  const escalation = await tx.teamEscalations.findByKey(update.pageKey);
  if (!escalation) return { applied: false, reason: 'not a team page Firebreak sent' };
  if (update.status !== 'acknowledged') return { applied: false, reason: `${update.event} is not tracked for teams` };
  if (escalation.status === 'acknowledged') return { applied: false, reason: 'already acknowledged' };
  return recordAnswer(tx, escalation, 'acknowledged', update, now);
}

/** The team's answer, recorded: on the escalation (who and when), on the timeline, and on the card. */
async function recordAnswer(
  tx: StoreTransaction,
  escalation: TeamEscalation,
  answer: 'acknowledged' | 'declined',
  reply: { via: string; agent: { id: string; name: string } | null; at: Date },
  now: Date,
): Promise<PageUpdateOutcome> {
  const by = reply.agent?.name ?? null;
  await tx.teamEscalations.update(
    escalation.id,
    answer === 'acknowledged'
      ? { status: 'acknowledged', acknowledgedAt: reply.at, acknowledgedBy: by }
      : { status: 'declined', declinedAt: reply.at, declinedBy: by },
  );
  await tx.timeline.append(
    forIncident(
      {
        at: reply.at,
        type: answer === 'acknowledged' ? 'team.acknowledged' : 'team.declined',
        actor: pagerActor(reply.via, reply.agent),
        data: { team: escalation.team, ...(by ? { by } : {}) },
      },
      escalation.incidentId,
    ),
  );
  await enqueueCardUpdate(tx, escalation.incidentId, now);
  return { applied: true, incidentId: escalation.incidentId };
}

/**
 * A responder's answer to a team's responder request: accepting is the team's acknowledgement, declining is
 * shown as such until someone accepts. Each delivery applies once (recorded as page updates are).
 */
export async function applyResponderReply(
  deps: Pick<EscalationDeps, 'store' | 'clock' | 'wakeOutbox' | 'teams'>,
  reply: ResponderReply,
): Promise<PageUpdateOutcome> {
  const now = deps.clock.now();
  const key = `${reply.source}:${reply.deliveryId}`;
  const outcome = await deps.store.transaction(async (tx): Promise<PageUpdateOutcome> => {
    if (await tx.deliveries.find(key))
      return { applied: false, reason: `event ${reply.deliveryId} was already received` };
    const result = await applyReply(tx, deps.teams, reply, now);
    await tx.deliveries.record(key, result, now);
    return result;
  });
  if (outcome.applied) deps.wakeOutbox();
  return outcome;
}

async function applyReply(
  tx: StoreTransaction,
  teams: readonly Team[],
  reply: ResponderReply,
  now: Date,
): Promise<PageUpdateOutcome> {
  const policyOf = (name: string): string | null => {
    const team = teams.find((t) => t.name === name);
    return team && 'escalationPolicyId' in team.pager ? team.pager.escalationPolicyId : null;
  };
  // The reply names the incident (and, when PagerDuty says, the policy asked): the team asked there.
  const asked = (await tx.teamEscalations.listByPagerIncident(reply.pagerIncidentId)).filter(
    (e) => reply.policyId === null || policyOf(e.team) === reply.policyId,
  );
  const escalation = asked.length === 1 ? asked[0] : undefined;
  if (!escalation)
    return {
      applied: false,
      reason:
        asked.length === 0 ? 'not a team Firebreak asked to respond' : 'more than one team asked; which is unknown',
    };
  if (escalation.status === 'acknowledged') return { applied: false, reason: 'already acknowledged' };
  const answer = { via: reply.via, agent: reply.responder, at: reply.at };
  if (reply.accepted) return recordAnswer(tx, escalation, 'acknowledged', answer, now);
  // A decline (after no acknowledgement: above, someone is already on it) shows on the card; someone else may
  // still accept, which shows instead.
  if (reply.state === 'declined') return recordAnswer(tx, escalation, 'declined', answer, now);
  return { applied: false, reason: `the responder's answer is ${reply.state}` };
}

export function teamEscalationHandlers(deps: EscalationDeps): Record<string, JobHandler> {
  const { store, clock } = deps;
  const load = async (payload: Record<string, unknown>) => {
    const escalation = await store.teamEscalations.findById(Number(payload.escalationId));
    const incident = escalation ? await store.incidents.findById(escalation.incidentId) : null;
    const team = escalation ? deps.teams.find((t) => t.name === escalation.team) : undefined;
    return { escalation, incident, team };
  };

  const page: JobHandler = async (job) => {
    const { escalation, incident, team } = await load(job.payload);
    const pager = deps.pager;
    if (!escalation || !incident || !team) return skipped('nothing to page');
    if (escalation.status !== 'pending') return skipped(`the team's page is ${escalation.status}`);
    if ('escalationPolicyId' in team.pager) return askToRespond(escalation, incident, team.pager.escalationPolicyId);
    if (!pager) return skipped('nothing to page');
    try {
      // The team's key makes this one page there, however often the job runs.
      await pager.send({
        action: 'trigger',
        key: escalation.key,
        route: team.pager.route,
        summary: pageSummary(
          incident,
          `escalated to ${team.name}${escalation.message ? `: ${escalation.message}` : ''}`,
        ),
        source: 'firebreak',
        severity: incident.severity,
        service: incident.service,
        details: { incident: `INC-${incident.id}`, team: team.name, service: incident.service },
        ...channelLinks(deps.chat, incident),
      });
    } catch (error) {
      if (!isFirebreakError(error, 'PAGE_REJECTED')) throw error;
      await failed(escalation, incident, error.message);
      return sent(`${pager.name} refused the page for ${team.name}: ${error.message}`);
    }
    await paged(escalation, incident, null);
    return sent(`paged ${team.name} for INC-${incident.id} through ${pager.name} (${escalation.key})`);
  };

  async function failed(escalation: TeamEscalation, incident: Incident, message: string): Promise<void> {
    const now = clock.now();
    await store.transaction(async (tx) => {
      await tx.teamEscalations.update(escalation.id, { status: 'failed', error: message });
      await tx.timeline.append(
        forIncident(
          {
            at: now,
            type: 'page.failed',
            actor: { kind: 'firebreak' },
            data: { message: `paging ${escalation.team}: ${message}` },
          },
          incident.id,
        ),
      );
      await enqueueCardUpdate(tx, incident.id, now);
    });
  }

  async function paged(escalation: TeamEscalation, incident: Incident, pagerIncidentId: string | null): Promise<void> {
    const now = clock.now();
    await store.transaction(async (tx) => {
      await tx.teamEscalations.update(escalation.id, {
        status: 'paged',
        pagedAt: now,
        ...(pagerIncidentId ? { pagerIncidentId } : {}),
      });
      await enqueueCardUpdate(tx, incident.id, now);
    });
  }

  /** A team known by its escalation policy: a responder request on the incident's own page in the paging service. */
  async function askToRespond(escalation: TeamEscalation, incident: Incident, policyId: string) {
    const responders = deps.responders;
    if (!responders) return skipped('responder requests are off');
    const page = incident.page;
    if (!page || page.status === 'failed') {
      await failed(
        escalation,
        incident,
        `INC-${incident.id} has no page in ${responders.name} to ask the team to join`,
      );
      return sent(`no page to ask ${escalation.team} to join`);
    }
    let answer: Awaited<ReturnType<ResponderRequests['request']>>;
    try {
      // Idempotent in the adapter: a request to this policy already on the incident is not made again.
      answer = await responders.request({
        pageKey: page.key,
        pagerIncidentId: page.pagerIncidentId ?? null,
        policyId,
        message: pageSummary(
          incident,
          `escalated to ${escalation.team}${escalation.message ? `: ${escalation.message}` : ''}`,
        ),
      });
    } catch (error) {
      if (!isFirebreakError(error, 'PAGE_REJECTED')) throw error;
      await failed(escalation, incident, error.message);
      return sent(`${responders.name} refused to ask ${escalation.team} to respond: ${error.message}`);
    }
    if (!answer) {
      // The incident's own page is still on its way to the paging service: ask once it is there.
      if (page.status === 'pending')
        return deferred('waiting for the incident to be paged', new Date(clock.now().getTime() + PAGE_RECHECK_MS));
      await failed(
        escalation,
        incident,
        `${responders.name} has no incident for INC-${incident.id}'s page (${page.key})`,
      );
      return sent(`no incident in ${responders.name} to ask ${escalation.team} to join`);
    }
    await paged(escalation, incident, answer.pagerIncidentId);
    return sent(
      `${answer.alreadyRequested ? 'already asked' : 'asked'} ${escalation.team} (${policyId}) to respond to ${responders.name} incident ${answer.pagerIncidentId}`,
    );
  }

  const invite: JobHandler = async (job) => {
    const { escalation, incident, team } = await load(job.payload);
    if (!escalation || !incident || !team) return skipped('no such escalation');
    if (channelRefused(incident)) return skipped('the incident has no channel to invite to');
    if (!incident.channelId)
      return deferred('waiting for the incident channel', new Date(clock.now().getTime() + CHANNEL_RECHECK_MS));
    const people = [...(await groupMembers(deps.chat, team)), ...(await onCallUsers(deps, team))];
    const bot = await deps.chat.botUserId();
    const users = [...new Set(people)].filter((u) => u !== bot);
    await deps.chat.invite(incident.channelId, users);
    return sent(`invited ${users.length} of ${team.name} to INC-${incident.id}'s channel`);
  };

  const resolve: JobHandler = async (job) => {
    const { escalation, team } = await load(job.payload);
    const pager = deps.pager;
    if (!escalation || !team || !pager || !('route' in team.pager)) return skipped('nothing to resolve');
    // A page still pending is resolved too: its trigger, queued before in this lane, went first.
    await pager.send({ action: 'resolve', key: escalation.key, route: team.pager.route });
    return sent(`resolved ${team.name}'s page (${escalation.key})`);
  };

  return { [TEAM_JOB.page]: page, [TEAM_JOB.invite]: invite, [TEAM_JOB.resolve]: resolve };
}

async function groupMembers(chat: Chat, team: Team): Promise<string[]> {
  return team.userGroup ? ((await chat.userGroupMembers(team.userGroup)) ?? []) : [];
}

/** The team's on-call engineer(s), as chat users, when its escalation policy is known and a directory is configured. */
async function onCallUsers(deps: EscalationDeps, team: Team): Promise<string[]> {
  if (!deps.onCall || !('escalationPolicyId' in team.pager)) return [];
  const people = await deps.onCall.whoIsOnCall(team.pager.escalationPolicyId);
  const first = people.filter((p) => p.level === (people[0]?.level ?? 1));
  const ids = await Promise.all(
    first.map((p) => (p.email ? deps.chat.findUserByEmail(p.email) : Promise.resolve(null))),
  );
  return ids.filter((id): id is string => id !== null);
}
