// The incident, alert, timeline and delivery repositories over Kysely; the same queries on both dialects.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AlertStatus } from '../../domain/alert';
import type { Incident } from '../../domain/incident';
import { FirebreakError } from '../../errors';
import type { Clock } from '../../ports/clock';
import type { AlertRepository, DeliveryRepository, IncidentRepository, TimelineRepository } from '../../ports/store';
import type { DialectName } from './database';
import { ALERT_EVENT_TYPES, NOT_AN_ALERT_EVENT } from './migrations/017-timeline-type-index-without-alerts';
import {
  alertChangesToRow,
  alertToRow,
  fromJson,
  incidentChangesToRow,
  incidentToRow,
  iso,
  rowToAlert,
  rowToIncident,
  rowToTimelineEvent,
  timelineEventToRow,
  timelineRowsToEvents,
  toJson,
} from './rows';
import type { Database, IncidentsTable } from './schema';
import type { SqliteHotPath } from './sqlite-hot-path';
import {
  appendEvent,
  findAlert,
  findDelivery,
  findOpenIncident,
  insertAlert,
  recordDelivery,
  updateAlert,
  updateIncident,
} from './sqlite-intake';
import { guard, toStoreError } from './store-errors';

export interface RepositoryContext {
  /** Where this call runs: the active transaction if there is one, else the database. */
  db(): Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  /** On SQLite: what an alert storm runs per alert, as plain SQL on cached statements (sqlite-hot-path.ts). */
  sqlite?: SqliteHotPath;
}

// A literal, not a parameter, so PostgreSQL can match the partial index `incidents_open_group_key`.
const RESOLVED = sql.lit('resolved');

const OPEN_INCIDENTS_SQL = "select * from incidents where status <> 'resolved' order by opened_at desc, id desc";

function openIncidentsNow(q: SqliteHotPath): Incident[] {
  return q.all<Selectable<IncidentsTable>>(OPEN_INCIDENTS_SQL).map(rowToIncident);
}

function sqliteOpenIncidentsAtOnce(sqlite: SqliteHotPath): () => Incident[] | undefined {
  return () => {
    try {
      return sqlite.tryNow(openIncidentsNow);
    } catch (error) {
      throw toStoreError(error, 'listing open incidents');
    }
  };
}

export function incidentRepository(ctx: RepositoryContext): IncidentRepository {
  const incidents = () => ctx.db().selectFrom('incidents').selectAll();
  const newestFirst = () => incidents().orderBy('opened_at', 'desc').orderBy('id', 'desc');
  return {
    insert: (incident) =>
      guard('storing a new incident', async () =>
        rowToIncident(
          await ctx
            .db()
            .insertInto('incidents')
            .values(incidentToRow(incident, ctx.clock.now()))
            .returningAll()
            .executeTakeFirstOrThrow(),
        ),
      ),
    update: (id, changes) =>
      guard(`updating incident ${id}`, async () => {
        if (ctx.sqlite) return ctx.sqlite.run((q) => updateIncident(q, id, changes, ctx.clock.now()));
        const row = await ctx
          .db()
          .updateTable('incidents')
          .set({ ...incidentChangesToRow(changes), updated_at: iso(ctx.clock.now(), 'now') })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (!row)
          throw new FirebreakError('NOT_FOUND', `incident ${id} does not exist`, { step: `updating incident ${id}` });
        return rowToIncident(row);
      }),
    findById: (id) =>
      guard(`reading incident ${id}`, async () =>
        maybe(await incidents().where('id', '=', id).executeTakeFirst(), rowToIncident),
      ),
    findByChannel: (channelId) =>
      guard('reading the incident of a channel', async () =>
        maybe(await incidents().where('channel_id', '=', channelId).executeTakeFirst(), rowToIncident),
      ),
    findOpenByGroupKey: (groupKey) =>
      guard('looking up the open incident of an alert group', async () => {
        if (ctx.sqlite) return ctx.sqlite.run((q) => findOpenIncident(q, groupKey));
        const row = await incidents()
          .where('group_key', '=', groupKey)
          .where('status', '<>', RESOLVED)
          .executeTakeFirst();
        return maybe(row, rowToIncident);
      }),
    listOpen: () =>
      guard('listing open incidents', async () => {
        // Every `/incident list` runs it, in a storm too: plain SQL on SQLite, not a Kysely query built each time.
        if (ctx.sqlite) return ctx.sqlite.run(openIncidentsNow);
        return (await newestFirst().where('status', '<>', RESOLVED).execute()).map(rowToIncident);
      }),
    ...(ctx.sqlite ? { listOpenAtOnce: sqliteOpenIncidentsAtOnce(ctx.sqlite) } : {}),
    listRecent: (limit) =>
      guard(
        'listing recent incidents',
        async (): Promise<Incident[]> => (await newestFirst().limit(limit).execute()).map(rowToIncident),
      ),
  };
}

export function alertRepository(ctx: RepositoryContext): AlertRepository {
  return {
    // The incident's counts change in the same statement sequence as its alerts (inside the caller's
    // transaction), by increments, so replicas storing alerts of one incident at once never lose a count.
    insert: (alert) =>
      guard(`storing alert ${alert.fingerprint}`, async () => {
        if (ctx.sqlite) return ctx.sqlite.run((q) => insertAlert(q, alert));
        const by = { [alert.status]: 1 };
        const row = await ctx
          .db()
          .insertInto('alerts')
          .values(alertToRow(alert))
          .returningAll()
          .executeTakeFirstOrThrow();
        await countAlerts(ctx, row.incident_id, by);
        return rowToAlert(row);
      }),
    update: (id, changes) =>
      guard(`updating alert ${id}`, async () => {
        if (ctx.sqlite) return ctx.sqlite.run((q) => updateAlert(q, id, changes));
        const columns = alertChangesToRow(changes);
        if (Object.keys(columns).length === 0) return;
        const { status } = columns;
        if (status !== undefined) {
          // Only a real change of status moves the counts: firing to resolved, or back.
          const changed = await ctx
            .db()
            .updateTable('alerts')
            .set({ status })
            .where('id', '=', id)
            .where('status', '<>', status)
            .returning('incident_id')
            .executeTakeFirst();
          if (changed)
            await countAlerts(
              ctx,
              changed.incident_id,
              status === 'firing' ? { firing: 1, resolved: -1 } : { firing: -1, resolved: 1 },
            );
        }
        const result = await ctx.db().updateTable('alerts').set(columns).where('id', '=', id).executeTakeFirst();
        if (result.numUpdatedRows === 0n)
          throw new FirebreakError('NOT_FOUND', `alert ${id} does not exist`, { step: `updating alert ${id}` });
      }),
    find: (incidentId, fingerprint) =>
      guard(`reading alert ${fingerprint}`, async () => {
        if (ctx.sqlite) return ctx.sqlite.run((q) => findAlert(q, incidentId, fingerprint));
        const row = await ctx
          .db()
          .selectFrom('alerts')
          .selectAll()
          .where('incident_id', '=', incidentId)
          .where('fingerprint', '=', fingerprint)
          .executeTakeFirst();
        return maybe(row, rowToAlert);
      }),
    listByIncident: (incidentId) =>
      guard(`listing the alerts of incident ${incidentId}`, async () =>
        (
          await ctx.db().selectFrom('alerts').selectAll().where('incident_id', '=', incidentId).orderBy('id').execute()
        ).map(rowToAlert),
      ),
    listByFingerprints: (incidentId, fingerprints) =>
      guard(`listing ${fingerprints.length} alerts of incident ${incidentId}`, async () =>
        fingerprints.length === 0
          ? []
          : (
              await ctx
                .db()
                .selectFrom('alerts')
                .selectAll()
                .where('incident_id', '=', incidentId)
                .where('fingerprint', 'in', [...fingerprints])
                .orderBy('id')
                .execute()
            ).map(rowToAlert),
      ),
    firstTimes: (incidentId) =>
      guard(`reading when the alerts of incident ${incidentId} began`, async () => {
        const row = await ctx
          .db()
          .selectFrom('alerts')
          .select((eb) => [eb.fn.min('starts_at').as('started'), eb.fn.min('first_seen_at').as('seen')])
          .where('incident_id', '=', incidentId)
          .executeTakeFirst();
        return {
          startedAt: row?.started ? new Date(row.started) : null,
          seenAt: row?.seen ? new Date(row.seen) : null,
        };
      }),
    listFiring: (incidentId, limit) =>
      guard(`listing the firing alerts of incident ${incidentId}`, async () =>
        (
          await ctx
            .db()
            .selectFrom('alerts')
            .selectAll()
            .where('incident_id', '=', incidentId)
            .where('status', '=', 'firing')
            .orderBy('id')
            .limit(limit)
            .execute()
        ).map(rowToAlert),
      ),
  };
}

async function countAlerts(
  ctx: RepositoryContext,
  incidentId: number,
  by: Partial<Record<AlertStatus, number>>,
): Promise<void> {
  await ctx
    .db()
    .updateTable('incidents')
    .set((eb) => ({
      ...(by.firing ? { alerts_firing: eb('alerts_firing', '+', by.firing) } : {}),
      ...(by.resolved ? { alerts_resolved: eb('alerts_resolved', '+', by.resolved) } : {}),
    }))
    .where('id', '=', incidentId)
    .execute();
}

/** The timeline events `NOT_AN_ALERT_EVENT` leaves out of the by-type index. */
const LEFT_OUT_OF_THE_TYPE_INDEX: ReadonlySet<string> = new Set(ALERT_EVENT_TYPES);

export function timelineRepository(ctx: RepositoryContext): TimelineRepository {
  const events = (incidentId: number) =>
    ctx.db().selectFrom('timeline_events').selectAll().where('incident_id', '=', incidentId);
  return {
    append: (event) =>
      guard(`adding ${event.type} to the timeline of incident ${event.incidentId}`, async () => {
        if (ctx.sqlite) return ctx.sqlite.run((q) => appendEvent(q, event));
        return rowToTimelineEvent(
          await ctx
            .db()
            .insertInto('timeline_events')
            .values(timelineEventToRow(event))
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
      }),
    list: (incidentId, options = {}) =>
      guard(`reading the timeline of incident ${incidentId}`, async () => {
        const { latest, afterId } = options;
        const from = afterId === undefined ? events(incidentId) : events(incidentId).where('id', '>', afterId);
        if (latest === undefined) return timelineRowsToEvents(await from.orderBy('id').execute());
        // The last N by id, then turned back to oldest first.
        const rows = await from.orderBy('id', 'desc').limit(Math.max(0, latest)).execute();
        return timelineRowsToEvents(rows.reverse());
      }),
    latestOfTypes: (incidentId, types) =>
      guard(`reading the latest ${types.join(' or ')} of incident ${incidentId}`, async () => {
        if (types.length === 0) return null;
        const ofTypes = ctx
          .db()
          .selectFrom('timeline_events')
          .select((eb) => eb.fn.max('id').as('id'))
          .where('incident_id', '=', incidentId)
          .where('type', 'in', [...types]);
        // The by-type index leaves alert events out (migration 017); saying so, in its words, lets it serve.
        const latestId = types.some((type) => LEFT_OUT_OF_THE_TYPE_INDEX.has(type))
          ? ofTypes
          : ofTypes.where(sql.raw<boolean>(NOT_AN_ALERT_EVENT));
        // The greatest id of those types, then its row: asked for the first row by id descending instead,
        // SQLite walks the incident's events newest first (a storm's thousands of alert events) rather than
        // look each type up in the index.
        const row = await ctx
          .db()
          .selectFrom('timeline_events')
          .selectAll()
          .where('id', '=', latestId)
          .executeTakeFirst();
        return row ? rowToTimelineEvent(row) : null;
      }),
    count: (incidentId) =>
      guard(`counting the timeline of incident ${incidentId}`, async () => {
        const row = await ctx
          .db()
          .selectFrom('timeline_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('incident_id', '=', incidentId)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      }),
  };
}

export function deliveryRepository(ctx: RepositoryContext): DeliveryRepository {
  return {
    find: (key) =>
      guard('looking up a delivery', async () => {
        if (ctx.sqlite) return ctx.sqlite.run((q) => findDelivery(q, key));
        const row = await ctx.db().selectFrom('deliveries').selectAll().where('key', '=', key).executeTakeFirst();
        return row ? { response: fromJson<unknown>(row.response), receivedAt: new Date(row.received_at) } : null;
      }),
    // A second record of one key is a conflict: two replicas processed the same delivery, one must roll back.
    record: (key, response, now) =>
      guard('recording a delivery', async () => {
        if (ctx.sqlite) return ctx.sqlite.run((q) => recordDelivery(q, key, response, now));
        await ctx
          .db()
          .insertInto('deliveries')
          .values({ key, response: toJson(response), received_at: iso(now, 'now') })
          .execute();
      }),
    // ON CONFLICT DO NOTHING rather than find-then-record: two replicas racing on one key cannot both win,
    // and the loser learns it without an error that would roll back its transaction on PostgreSQL.
    claim: (key, now) =>
      guard('claiming a delivery key', async () => {
        const inserted = await ctx
          .db()
          .insertInto('deliveries')
          .values({ key, response: toJson(null), received_at: iso(now, 'now') })
          .onConflict((oc) => oc.column('key').doNothing())
          .returning('key')
          .executeTakeFirst();
        return inserted !== undefined;
      }),
    forget: (key) =>
      guard('forgetting a delivery', async () => {
        await ctx.db().deleteFrom('deliveries').where('key', '=', key).execute();
      }),
    prune: (before) =>
      guard('pruning old deliveries', async () => {
        const result = await ctx
          .db()
          .deleteFrom('deliveries')
          .where('received_at', '<', iso(before, 'before'))
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}

function maybe<R, T>(row: R | undefined, map: (row: R) => T): T | null {
  return row === undefined ? null : map(row);
}
