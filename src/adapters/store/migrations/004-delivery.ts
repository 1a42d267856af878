// Delivery that holds in the worst hour: outbox lanes claimed as a whole (per-channel order and pace across
// replicas), owners that renew their leases, Slack rate budgets shared by every replica, channel names
// claimed before Slack is asked, and what the incident's Slack side could not get done.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../database';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

async function addOutboxLanes(db: AnyKysely): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('outbox').addColumn('lane', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('owner', 'text').execute();
  // 0: urgent (open the channel, page the on-call engineer); 1: the rest. After an outage, channels first.
  await db.schema
    .alterTable('outbox')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Jobs enqueued before this migration kept their lane in the payload.
  const fromPayload =
    dialectOf(db) === 'postgres' ? sql`(payload::json ->> 'lane')` : sql`json_extract(payload, '$.lane')`;
  await sql`update outbox set lane = coalesce(${fromPayload}, 'job:' || id)`.execute(db);
  await db.schema.createIndex('outbox_lane_due').on('outbox').columns(['lane', 'status', 'id']).execute();
  await db.schema
    .createTable('outbox_lanes')
    .addColumn('lane', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text')
    .addColumn('locked_until', t.time)
    // The lane's next paced write may not start before this (Slack's one write a second per channel).
    .addColumn('ready_at', t.time, (c) => c.notNull())
    .execute();
}

async function addRateBudgets(db: AnyKysely): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('rate_budgets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tokens', dialectOf(db) === 'postgres' ? 'double precision' : 'real', (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

async function addChannelNames(db: AnyKysely): Promise<void> {
  const t = columnTypes(db);
  // A name is claimed by one incident before conversations.create: only that incident may ever adopt a
  // channel of that name, so two replicas can no longer take each other's channels.
  await db.schema
    .createTable('channel_names')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', t.ref, (c) => c.notNull())
    .addColumn('claimed_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('incidents').addColumn('channel_failure', 'text').execute();
  await db.schema.alterTable('incidents').addColumn('announcement', 'text').execute();
}

export const delivery: Migration = {
  async up(db: AnyKysely) {
    await addOutboxLanes(db);
    await addRateBudgets(db);
    await addChannelNames(db);
  },
  async down(db: AnyKysely) {
    await db.schema.alterTable('incidents').dropColumn('announcement').execute();
    await db.schema.alterTable('incidents').dropColumn('channel_failure').execute();
    await db.schema.dropTable('channel_names').ifExists().execute();
    await db.schema.dropTable('rate_budgets').ifExists().execute();
    await db.schema.dropTable('outbox_lanes').ifExists().execute();
    await db.schema.dropIndex('outbox_lane_due').ifExists().execute();
    await db.schema.alterTable('outbox').dropColumn('priority').execute();
    await db.schema.alterTable('outbox').dropColumn('owner').execute();
    await db.schema.alterTable('outbox').dropColumn('lane').execute();
  },
};
