// Links an alert carries beside its own URL (Grafana's dashboard and panel), shown on the card: JSON
// `[{label, url}]`, null when it has none. Alerts stored before keep null.
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const alertLinks: Migration = {
  async up(db: AnyKysely) {
    await db.schema.alterTable('alerts').addColumn('links', 'text').execute();
  },
  async down(db: AnyKysely) {
    await db.schema.alterTable('alerts').dropColumn('links').execute();
  },
};
