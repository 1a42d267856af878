// The index of timeline events by type (migration 010) serves `latestOfTypes`: the latest update, note or
// status change without walking a storm's thousands of alert events. It never looks for an alert event, yet
// every alert of a storm wrote an entry into it: one of the five index pages each alert's COMMIT changed
// (issue 12). Partial now, it leaves alert events out; `latestOfTypes` repeats the same condition, word for
// word, so both SQLite and PostgreSQL can prove the index covers the query.
import { sql, type Kysely, type Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

/** The timeline event types the partial index leaves out. */
export const ALERT_EVENT_TYPES = ['alert.fired', 'alert.resolved'] as const;

/** The partial index's condition; `timelineRepository.latestOfTypes` must use this exact text. */
export const NOT_AN_ALERT_EVENT = `"type" not in (${ALERT_EVENT_TYPES.map((type) => `'${type}'`).join(', ')})`;

export const timelineTypeIndexWithoutAlerts: Migration = {
  async up(db: AnyKysely) {
    await db.schema.dropIndex('timeline_events_incident_type').execute();
    await sql
      .raw(
        `create index "timeline_events_incident_type" on "timeline_events" ("incident_id", "type", "id") where ${NOT_AN_ALERT_EVENT}`,
      )
      .execute(db);
  },
  async down(db: AnyKysely) {
    await db.schema.dropIndex('timeline_events_incident_type').execute();
    await db.schema
      .createIndex('timeline_events_incident_type')
      .on('timeline_events')
      .columns(['incident_id', 'type', 'id'])
      .execute();
  },
};
