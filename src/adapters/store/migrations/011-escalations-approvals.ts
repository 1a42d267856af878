// Issue 16: teams escalated to per incident (one row per incident and team: its page key makes a repeat page
// nothing), and scale requests waiting for approval (a stored due time, so a restart keeps them pending).
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const escalationsApprovals: Migration = {
  async up(db: AnyKysely) {
    const t = columnTypes(db);
    await t
      .id(db.schema.createTable('team_escalations'))
      .addColumn('incident_id', t.ref, (c) => c.notNull().references('incidents.id').onDelete('cascade'))
      .addColumn('team', 'text', (c) => c.notNull())
      .addColumn('page_key', 'text', (c) => c.notNull().unique())
      .addColumn('message', 'text')
      .addColumn('escalated_by', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('escalated_at', t.time, (c) => c.notNull())
      .addColumn('paged_at', t.time)
      .addColumn('acknowledged_at', t.time)
      .addColumn('acknowledged_by', 'text')
      .addColumn('error', 'text')
      .execute();
    await db.schema.createIndex('team_escalations_incident').on('team_escalations').column('incident_id').execute();

    await t
      .id(db.schema.createTable('scale_approvals'))
      .addColumn('incident_id', t.ref, (c) => c.references('incidents.id').onDelete('set null'))
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('amount', 'text', (c) => c.notNull())
      .addColumn('click_id', 'text', (c) => c.notNull())
      .addColumn('request_key', 'text', (c) => c.notNull().unique())
      .addColumn('from_size', 'integer', (c) => c.notNull())
      .addColumn('to_size', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('approvers', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', t.time)
      .addColumn('requested_at', t.time, (c) => c.notNull())
      .addColumn('expires_at', t.time, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('scale_approvals_incident').on('scale_approvals').column('incident_id').execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropTable('scale_approvals').execute();
    await db.schema.dropTable('team_escalations').execute();
  },
};
