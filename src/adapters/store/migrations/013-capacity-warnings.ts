// Issue 17: the capacity warnings the watcher posts, one row per warning with its latest numbers and its outcome.
// At most one open warning per target: a partial unique index, so two replicas looking at once cannot both open one.
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const capacityWarnings: Migration = {
  async up(db: AnyKysely) {
    const t = columnTypes(db);
    await t
      .id(db.schema.createTable('capacity_warnings'))
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('opened_at', t.time, (c) => c.notNull())
      .addColumn('updated_at', t.time, (c) => c.notNull())
      .addColumn('closed_at', t.time)
      .addColumn('close_reason', 'text')
      // The latest numbers (load, forecast peak, utilization, instances → needed, +N), as JSON.
      .addColumn('numbers', 'text', (c) => c.notNull())
      .addColumn('opened_instances', 'integer', (c) => c.notNull())
      .addColumn('source_problem', 'text')
      .addColumn('calm_checks', 'integer', (c) => c.notNull())
      .addColumn('offer', 'integer', (c) => c.notNull())
      // The low-severity capacity incident it opened (`offer: incident`), whose channel it is posted in.
      .addColumn('incident_id', t.ref, (c) => c.references('incidents.id').onDelete('set null'))
      .addColumn('channel_id', 'text')
      .addColumn('message_id', 'text')
      // What its button led to last (scaled / approval requested, by whom, +N), as JSON; and the ids it made.
      .addColumn('outcome', 'text')
      .addColumn('scale_operation_id', t.ref)
      .addColumn('approval_id', t.ref)
      .execute();
    await db.schema
      .createIndex('capacity_warnings_one_open')
      .on('capacity_warnings')
      .column('target')
      .unique()
      .where(sql.ref('state'), '=', sql.lit('open'))
      .execute();
    await db.schema.createIndex('capacity_warnings_target').on('capacity_warnings').columns(['target', 'id']).execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropTable('capacity_warnings').execute();
  },
};
