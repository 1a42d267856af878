// The first schema: incidents, their alerts and timeline, the outbox of Slack work, and delivery keys.
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

async function createIncidents(db: AnyKysely): Promise<void> {
  const t = columnTypes(db);
  await t
    .id(db.schema.createTable('incidents'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text')
    .addColumn('lead_user_id', 'text')
    .addColumn('declared_by', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.unique())
    .addColumn('channel_name', 'text')
    .addColumn('card_ts', 'text')
    .addColumn('opened_at', t.time, (c) => c.notNull())
    .addColumn('mitigated_at', t.time)
    .addColumn('resolved_at', t.time)
    .addColumn('alerts_resolved_at', t.time)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  // At most one open incident per group, even when two replicas receive the same alert at once.
  await db.schema
    .createIndex('incidents_open_group_key')
    .on('incidents')
    .column('group_key')
    .unique()
    .where(sql.ref('status'), '<>', sql.lit('resolved'))
    .execute();
  await db.schema.createIndex('incidents_opened_at').on('incidents').columns(['opened_at', 'id']).execute();
}

async function createAlerts(db: AnyKysely): Promise<void> {
  const t = columnTypes(db);
  await t
    .id(db.schema.createTable('alerts'))
    .addColumn('incident_id', t.ref, (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('starts_at', t.time, (c) => c.notNull())
    .addColumn('ends_at', t.time)
    .addColumn('first_seen_at', t.time, (c) => c.notNull())
    .addColumn('last_seen_at', t.time, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('alerts_incident_fingerprint', ['incident_id', 'fingerprint'])
    .execute();
}

async function createTimelineEvents(db: AnyKysely): Promise<void> {
  const t = columnTypes(db);
  await t
    .id(db.schema.createTable('timeline_events'))
    .addColumn('incident_id', t.ref, (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('timeline_events_incident')
    .on('timeline_events')
    .columns(['incident_id', 'id'])
    .execute();
}

async function createOutbox(db: AnyKysely): Promise<void> {
  const t = columnTypes(db);
  // No foreign key on incident_id: a job may concern no incident, and jobs are kept after theirs is gone.
  await t
    .id(db.schema.createTable('outbox'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('incident_id', t.ref)
    .addColumn('coalesce_key', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', t.time, (c) => c.notNull())
    .addColumn('locked_until', t.time)
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  // One pending job per coalesce key: enqueue relies on it to collapse a storm of card edits, race-free.
  await db.schema
    .createIndex('outbox_pending_coalesce_key')
    .on('outbox')
    .column('coalesce_key')
    .unique()
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_incident').on('outbox').column('incident_id').execute();
}

async function createDeliveries(db: AnyKysely): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('deliveries')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('received_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deliveries_received_at').on('deliveries').column('received_at').execute();
}

export const initial: Migration = {
  async up(db) {
    await createIncidents(db);
    await createAlerts(db);
    await createTimelineEvents(db);
    await createOutbox(db);
    await createDeliveries(db);
  },
  async down(db) {
    for (const table of ['deliveries', 'outbox', 'timeline_events', 'alerts', 'incidents']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
