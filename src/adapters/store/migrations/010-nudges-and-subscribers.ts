// Issue 16 (nudges, stakeholder updates): the prompt each nudge posted (one row per incident and kind, so a
// second never stands beside the first) and who subscribed to an incident's updates.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const nudgesAndSubscribers: Migration = {
  async up(db: AnyKysely) {
    const t = columnTypes(db);
    await db.schema
      .createTable('nudges')
      .addColumn('incident_id', t.ref, (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text')
      .addColumn('message_id', 'text')
      .addColumn('posted_at', t.time, (c) => c.notNull())
      // JSON: why the prompt no longer asks (a lead named, an update posted, resolved); null while it stands.
      .addColumn('settled', 'text')
      .addPrimaryKeyConstraint('nudges_pk', ['incident_id', 'kind'])
      .execute();
    await db.schema
      .createTable('incident_subscribers')
      .addColumn('incident_id', t.ref, (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('subscribed_at', t.time, (c) => c.notNull())
      .addPrimaryKeyConstraint('incident_subscribers_pk', ['incident_id', 'user_id'])
      .execute();
    // The latest event of a few types (the last update, for every card edit and nudge check) without
    // walking a storm's thousands of alert events.
    await db.schema
      .createIndex('timeline_events_incident_type')
      .on('timeline_events')
      .columns(['incident_id', 'type', 'id'])
      .execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropIndex('timeline_events_incident_type').execute();
    await db.schema.dropTable('incident_subscribers').execute();
    await db.schema.dropTable('nudges').execute();
  },
};
