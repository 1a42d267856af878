// One row per scale target that has had a plan proposed, written first in every proposal's transaction: the
// write holds the target (a row lock on PostgreSQL until commit; SQLite's write lock, as BEGIN IMMEDIATE would),
// so of proposals made at once — two replicas, concurrent requests — each checks for overlapping plans only after
// the one before it has stored its own. Without it two could both find the time free and both be stored.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const capacityPlanLocks: Migration = {
  async up(db: AnyKysely) {
    const t = columnTypes(db);
    await db.schema
      .createTable('capacity_plan_locks')
      .addColumn('target', 'text', (c) => c.primaryKey())
      .addColumn('locked_at', t.time, (c) => c.notNull())
      .execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropTable('capacity_plan_locks').execute();
  },
};
