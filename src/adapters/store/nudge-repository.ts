// The prompts nudges posted, one per incident and kind, and who subscribed to an incident's updates.
import type { NudgeKind, NudgeRecord, NudgeSettlement } from '../../domain/nudges';
import type { NudgeRepository, SubscriberRepository } from '../../ports/store';
import type { RepositoryContext } from './repositories';
import { fromJson, iso, toJson } from './rows';
import { guard } from './store-errors';

type StoredSettlement = Exclude<NudgeSettlement, { why: 'update_posted' }> | { why: 'update_posted'; at: string };

function settlementToJson(settled: NudgeSettlement | null): string | null {
  if (!settled) return null;
  return toJson(settled.why === 'update_posted' ? { why: settled.why, at: settled.at.toISOString() } : settled);
}

function settlementFromJson(text: string | null): NudgeSettlement | null {
  if (text === null) return null;
  const stored = fromJson<StoredSettlement>(text);
  return stored.why === 'update_posted' ? { why: stored.why, at: new Date(stored.at) } : stored;
}

export function nudgeRepository(ctx: RepositoryContext): NudgeRepository {
  return {
    find: (incidentId, kind) =>
      guard(`reading the ${kind} nudge of incident ${incidentId}`, async () => {
        const row = await ctx
          .db()
          .selectFrom('nudges')
          .selectAll()
          .where('incident_id', '=', incidentId)
          .where('kind', '=', kind)
          .executeTakeFirst();
        if (!row) return null;
        return {
          incidentId: Number(row.incident_id),
          kind: row.kind as NudgeKind,
          channelId: row.channel_id,
          messageId: row.message_id,
          postedAt: new Date(row.posted_at),
          settled: settlementFromJson(row.settled),
        } satisfies NudgeRecord;
      }),
    save: (record) =>
      guard(`storing the ${record.kind} nudge of incident ${record.incidentId}`, async () => {
        const values = {
          channel_id: record.channelId,
          message_id: record.messageId,
          posted_at: iso(record.postedAt, 'nudge.postedAt'),
          settled: settlementToJson(record.settled),
        };
        await ctx
          .db()
          .insertInto('nudges')
          .values({ incident_id: record.incidentId, kind: record.kind, ...values })
          .onConflict((oc) => oc.columns(['incident_id', 'kind']).doUpdateSet(values))
          .execute();
      }),
  };
}

export function subscriberRepository(ctx: RepositoryContext): SubscriberRepository {
  return {
    add: (incidentId, userId, now) =>
      guard(`subscribing ${userId} to incident ${incidentId}`, async () => {
        const inserted = await ctx
          .db()
          .insertInto('incident_subscribers')
          .values({ incident_id: incidentId, user_id: userId, subscribed_at: iso(now, 'now') })
          .onConflict((oc) => oc.columns(['incident_id', 'user_id']).doNothing())
          .returning('user_id')
          .executeTakeFirst();
        return inserted !== undefined;
      }),
    remove: (incidentId, userId) =>
      guard(`unsubscribing ${userId} from incident ${incidentId}`, async () => {
        const result = await ctx
          .db()
          .deleteFrom('incident_subscribers')
          .where('incident_id', '=', incidentId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      }),
    list: (incidentId) =>
      guard(`reading the subscribers of incident ${incidentId}`, async () => {
        const rows = await ctx
          .db()
          .selectFrom('incident_subscribers')
          .select('user_id')
          .where('incident_id', '=', incidentId)
          .orderBy('subscribed_at')
          .orderBy('user_id')
          .execute();
        return rows.map((r) => r.user_id);
      }),
  };
}
