// A team escalation remembers the paging service's incident its responder request went to (PagerDuty's id), so
// the responder's answer, which names only that incident, finds the team. Escalations stored before have none.
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const teamPagerIncident: Migration = {
  async up(db: AnyKysely) {
    await db.schema.alterTable('team_escalations').addColumn('pager_incident_id', 'text').execute();
    await db.schema
      .createIndex('team_escalations_pager_incident')
      .on('team_escalations')
      .column('pager_incident_id')
      .execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropIndex('team_escalations_pager_incident').execute();
    await db.schema.alterTable('team_escalations').dropColumn('pager_incident_id').execute();
  },
};
