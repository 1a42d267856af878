// Team escalations and scale approvals over Kysely (migration 011). The unique page key and request key make
// the database the judge of "already escalated" and "already asked"; `decide` is a conditional update, so of
// two clicks (or a click and the expiry) exactly one moves a request out of pending.
import type { Selectable } from 'kysely';
import type { Actor, UserActor } from '../../domain/actor';
import { SCALE_APPROVAL_STATUSES, type ScaleApproval, type ScaleApprovalStatus } from '../../domain/scale-approval';
import { TEAM_ESCALATION_STATUSES, type TeamEscalation, type TeamEscalationStatus } from '../../domain/team-escalation';
import { FirebreakError } from '../../errors';
import type { ScaleApprovalRepository, TeamEscalationRepository } from '../../ports/store';
import type { RepositoryContext } from './repositories';
import { fromJson, iso, toJson } from './rows';
import type { ScaleApprovalsTable, TeamEscalationsTable } from './schema';
import { guard } from './store-errors';

function oneOf<T extends string>(allowed: readonly T[], value: string, column: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new FirebreakError('STORE_UNAVAILABLE', `${column} holds "${value}", which this version does not know`, {
    step: `reading ${column}`,
  });
}

const dateOrNull = (text: string | null): Date | null => (text === null ? null : new Date(text));

function rowToEscalation(row: Selectable<TeamEscalationsTable>): TeamEscalation {
  return {
    id: Number(row.id),
    incidentId: Number(row.incident_id),
    team: row.team,
    key: row.page_key,
    message: row.message,
    by: fromJson<Actor>(row.escalated_by),
    status: oneOf<TeamEscalationStatus>(TEAM_ESCALATION_STATUSES, row.status, 'team_escalations.status'),
    escalatedAt: new Date(row.escalated_at),
    pagedAt: dateOrNull(row.paged_at),
    acknowledgedAt: dateOrNull(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    error: row.error,
    pagerIncidentId: row.pager_incident_id,
    declinedAt: dateOrNull(row.declined_at),
    declinedBy: row.declined_by,
  };
}

function rowToApproval(row: Selectable<ScaleApprovalsTable>): ScaleApproval {
  return {
    id: Number(row.id),
    incidentId: row.incident_id === null ? null : Number(row.incident_id),
    target: row.target,
    amount: row.amount,
    clickId: row.click_id,
    requestKey: row.request_key,
    from: row.from_size,
    to: row.to_size,
    reason: row.reason,
    requestedBy: fromJson<UserActor>(row.requested_by),
    approvers: row.approvers,
    channelId: row.channel_id,
    messageId: row.message_id,
    status: oneOf<ScaleApprovalStatus>(SCALE_APPROVAL_STATUSES, row.status, 'scale_approvals.status'),
    decidedBy: row.decided_by === null ? null : fromJson<UserActor | null>(row.decided_by),
    decidedAt: dateOrNull(row.decided_at),
    requestedAt: new Date(row.requested_at),
    expiresAt: new Date(row.expires_at),
  };
}

export function teamEscalationRepository(ctx: RepositoryContext): TeamEscalationRepository {
  const rows = () => ctx.db().selectFrom('team_escalations').selectAll();
  return {
    insert: (e) =>
      guard(`storing the escalation of incident ${e.incidentId} to ${e.team}`, async () =>
        rowToEscalation(
          await ctx
            .db()
            .insertInto('team_escalations')
            .values({
              incident_id: e.incidentId,
              team: e.team,
              page_key: e.key,
              message: e.message,
              escalated_by: toJson(e.by),
              status: e.status,
              escalated_at: iso(e.escalatedAt, 'escalation.escalatedAt'),
              paged_at: e.pagedAt ? iso(e.pagedAt, 'escalation.pagedAt') : null,
              acknowledged_at: e.acknowledgedAt ? iso(e.acknowledgedAt, 'escalation.acknowledgedAt') : null,
              acknowledged_by: e.acknowledgedBy,
              error: e.error,
              pager_incident_id: e.pagerIncidentId,
              declined_at: e.declinedAt ? iso(e.declinedAt, 'escalation.declinedAt') : null,
              declined_by: e.declinedBy,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        ),
      ),
    update: (id, changes) =>
      guard(`updating team escalation ${id}`, async () => {
        const row = await ctx
          .db()
          .updateTable('team_escalations')
          .set({
            ...(changes.status !== undefined ? { status: changes.status } : {}),
            ...(changes.pagedAt !== undefined
              ? { paged_at: changes.pagedAt ? iso(changes.pagedAt, 'escalation.pagedAt') : null }
              : {}),
            ...(changes.acknowledgedAt !== undefined
              ? {
                  acknowledged_at: changes.acknowledgedAt
                    ? iso(changes.acknowledgedAt, 'escalation.acknowledgedAt')
                    : null,
                }
              : {}),
            ...(changes.acknowledgedBy !== undefined ? { acknowledged_by: changes.acknowledgedBy } : {}),
            ...(changes.error !== undefined ? { error: changes.error } : {}),
            ...(changes.pagerIncidentId !== undefined ? { pager_incident_id: changes.pagerIncidentId } : {}),
            ...(changes.declinedAt !== undefined
              ? { declined_at: changes.declinedAt ? iso(changes.declinedAt, 'escalation.declinedAt') : null }
              : {}),
            ...(changes.declinedBy !== undefined ? { declined_by: changes.declinedBy } : {}),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (!row)
          throw new FirebreakError('NOT_FOUND', `team escalation ${id} does not exist`, {
            step: `updating team escalation ${id}`,
          });
        return rowToEscalation(row);
      }),
    findById: (id) =>
      guard(`reading team escalation ${id}`, async () => {
        const row = await rows().where('id', '=', id).executeTakeFirst();
        return row ? rowToEscalation(row) : null;
      }),
    findByKey: (key) =>
      guard('reading a team escalation by its page key', async () => {
        const row = await rows().where('page_key', '=', key).executeTakeFirst();
        return row ? rowToEscalation(row) : null;
      }),
    listByIncident: (incidentId) =>
      guard(`listing the teams escalated to in incident ${incidentId}`, async () =>
        (await rows().where('incident_id', '=', incidentId).orderBy('id').execute()).map(rowToEscalation),
      ),
    listByPagerIncident: (pagerIncidentId) =>
      guard(`listing the teams asked to join ${pagerIncidentId}`, async () =>
        (await rows().where('pager_incident_id', '=', pagerIncidentId).orderBy('id').execute()).map(rowToEscalation),
      ),
  };
}

export function scaleApprovalRepository(ctx: RepositoryContext): ScaleApprovalRepository {
  const rows = () => ctx.db().selectFrom('scale_approvals').selectAll();
  return {
    insert: (a) =>
      guard(`storing a request for approval to scale ${a.target}`, async () =>
        rowToApproval(
          await ctx
            .db()
            .insertInto('scale_approvals')
            .values({
              incident_id: a.incidentId,
              target: a.target,
              amount: a.amount,
              click_id: a.clickId,
              request_key: a.requestKey,
              from_size: a.from,
              to_size: a.to,
              reason: a.reason,
              requested_by: toJson(a.requestedBy),
              approvers: a.approvers,
              channel_id: a.channelId,
              message_id: a.messageId,
              status: a.status,
              decided_by: a.decidedBy === null ? null : toJson(a.decidedBy),
              decided_at: a.decidedAt ? iso(a.decidedAt, 'approval.decidedAt') : null,
              requested_at: iso(a.requestedAt, 'approval.requestedAt'),
              expires_at: iso(a.expiresAt, 'approval.expiresAt'),
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        ),
      ),
    findById: (id) =>
      guard(`reading scale approval ${id}`, async () => {
        const row = await rows().where('id', '=', id).executeTakeFirst();
        return row ? rowToApproval(row) : null;
      }),
    findByRequestKey: (key) =>
      guard('reading a scale approval by its request key', async () => {
        const row = await rows().where('request_key', '=', key).executeTakeFirst();
        return row ? rowToApproval(row) : null;
      }),
    decide: (id, status, decided) =>
      guard(`deciding scale approval ${id}`, async () => {
        const row = await ctx
          .db()
          .updateTable('scale_approvals')
          .set({
            status,
            decided_by: decided.by === null ? null : toJson(decided.by),
            decided_at: iso(decided.at, 'approval.decidedAt'),
          })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .returningAll()
          .executeTakeFirst();
        return row ? rowToApproval(row) : null;
      }),
    setMessage: (id, messageId) =>
      guard(`recording where scale approval ${id} was posted`, async () => {
        await ctx.db().updateTable('scale_approvals').set({ message_id: messageId }).where('id', '=', id).execute();
      }),
    listByIncident: (incidentId) =>
      guard(`listing the scale approvals of incident ${incidentId}`, async () =>
        (await rows().where('incident_id', '=', incidentId).orderBy('id').execute()).map(rowToApproval),
      ),
  };
}
