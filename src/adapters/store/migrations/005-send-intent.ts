// When a job last began a call whose effect must happen once (posting the card, the announcement): after a
// crash, only a job that had begun such a call needs to look in Slack for what it may already have posted.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const sendIntent: Migration = {
  async up(db: AnyKysely) {
    await db.schema.alterTable('outbox').addColumn('sending_since', columnTypes(db).time).execute();
  },
  async down(db: AnyKysely) {
    await db.schema.alterTable('outbox').dropColumn('sending_since').execute();
  },
};
