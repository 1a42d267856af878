// Test incidents (`/incident declare --test`): a flag on the incident, 1 for a test, 0 otherwise. Incidents
// stored before are real ones (0).
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const testIncidents: Migration = {
  async up(db: AnyKysely) {
    await db.schema
      .alterTable('incidents')
      .addColumn('test_incident', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: AnyKysely) {
    await db.schema.alterTable('incidents').dropColumn('test_incident').execute();
  },
};
