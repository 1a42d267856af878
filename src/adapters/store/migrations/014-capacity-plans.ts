// Issue 17: planned capacity for known high-traffic events. One row per plan, with its state, who proposed and
// confirmed it, the scale operations it asked for, its messages and its steps (a plan is not an incident, so
// its history lives on its row, as JSON).
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const capacityPlans: Migration = {
  async up(db: AnyKysely) {
    const t = columnTypes(db);
    await t
      .id(db.schema.createTable('capacity_plans'))
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('starts_at', t.time, (c) => c.notNull())
      .addColumn('ends_at', t.time, (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('proposed_by', 'text', (c) => c.notNull())
      .addColumn('proposed_at', t.time, (c) => c.notNull())
      .addColumn('lead_minutes', 'integer', (c) => c.notNull())
      .addColumn('approvers', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('confirmed_by', 'text')
      .addColumn('confirmed_at', t.time)
      .addColumn('prescale_operation_id', t.ref)
      .addColumn('scale_back_to', 'integer')
      .addColumn('scale_back_operation_id', t.ref)
      .addColumn('outcome', 'text')
      .addColumn('announcement', 'text')
      .addColumn('scale_back_message', 'text')
      .addColumn('steps', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('capacity_plans_state').on('capacity_plans').columns(['state', 'target']).execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropTable('capacity_plans').execute();
  },
};
