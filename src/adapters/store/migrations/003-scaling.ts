// Scaling: every scale operation, stored before any cloud call (its request key makes a repeat a no-op),
// and each incident's last known capacity per target, for the card.
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const scaling: Migration = {
  async up(db: AnyKysely) {
    const t = columnTypes(db);
    await t
      .id(db.schema.createTable('scale_operations'))
      .addColumn('incident_id', t.ref, (c) => c.references('incidents.id').onDelete('set null'))
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('request_key', 'text', (c) => c.notNull().unique())
      .addColumn('from_size', 'integer', (c) => c.notNull())
      .addColumn('to_size', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('instance_ids', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('requested_at', t.time, (c) => c.notNull())
      .addColumn('started_at', t.time)
      .addColumn('finished_at', t.time)
      .execute();
    // One operation in flight per target, even across replicas: the second insert conflicts.
    await db.schema
      .createIndex('scale_operations_one_active_per_target')
      .on('scale_operations')
      .column('target')
      .unique()
      .where(sql.ref('status'), 'in', sql`('requested', 'started')`)
      .execute();
    await db.schema.createIndex('scale_operations_target').on('scale_operations').columns(['target', 'id']).execute();
    await db.schema.createIndex('scale_operations_incident').on('scale_operations').column('incident_id').execute();
    await db.schema.alterTable('incidents').addColumn('capacity', 'text').execute();
  },
  async down(db: AnyKysely) {
    await db.schema.alterTable('incidents').dropColumn('capacity').execute();
    await db.schema.dropTable('scale_operations').execute();
  },
};
