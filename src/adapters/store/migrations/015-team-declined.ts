// A team asked by responder request can decline: who declined and when are kept beside the acknowledgement's
// columns, so the card can say so and a later acceptance by someone else still shows. Escalations stored before
// were never declined.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const teamDeclined: Migration = {
  async up(db: AnyKysely) {
    const t = columnTypes(db);
    await db.schema.alterTable('team_escalations').addColumn('declined_at', t.time).execute();
    await db.schema.alterTable('team_escalations').addColumn('declined_by', 'text').execute();
  },
  async down(db: AnyKysely) {
    await db.schema.alterTable('team_escalations').dropColumn('declined_by').execute();
    await db.schema.alterTable('team_escalations').dropColumn('declined_at').execute();
  },
};
