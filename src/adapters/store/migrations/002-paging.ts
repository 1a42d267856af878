// Paging: each incident's PagerDuty page and who was on call, as JSON (read and written whole, with the
// incident; never queried by their fields — webhooks find the incident from the page's dedup key).
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const paging: Migration = {
  async up(db: AnyKysely) {
    await db.schema.alterTable('incidents').addColumn('page', 'text').execute();
    await db.schema.alterTable('incidents').addColumn('on_call', 'text').execute();
  },
  async down(db: AnyKysely) {
    await db.schema.alterTable('incidents').dropColumn('on_call').execute();
    await db.schema.alterTable('incidents').dropColumn('page').execute();
  },
};
