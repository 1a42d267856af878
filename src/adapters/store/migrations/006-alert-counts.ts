// Each incident keeps its alerts' counts by status, maintained as alerts are stored, so storing an alert
// never counts over every alert of its incident (that count ran once per alert and grew with the storm).
import { sql, type Kysely, type Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const alertCounts: Migration = {
  async up(db: AnyKysely) {
    await db.schema
      .alterTable('incidents')
      .addColumn('alerts_firing', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('incidents')
      .addColumn('alerts_resolved', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update incidents set
      alerts_firing = (select count(*) from alerts where alerts.incident_id = incidents.id and alerts.status = 'firing'),
      alerts_resolved = (select count(*) from alerts where alerts.incident_id = incidents.id and alerts.status = 'resolved')`.execute(
      db,
    );
    // The card lists an incident's first firing alerts without reading the rest.
    await db.schema
      .createIndex('alerts_incident_status')
      .on('alerts')
      .columns(['incident_id', 'status', 'id'])
      .execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropIndex('alerts_incident_status').ifExists().execute();
    await db.schema.alterTable('incidents').dropColumn('alerts_resolved').execute();
    await db.schema.alterTable('incidents').dropColumn('alerts_firing').execute();
  },
};
