// On SQLite, alerts and timeline events take plain rowids instead of AUTOINCREMENT. AUTOINCREMENT writes
// sqlite_sequence on every insert, and an alert storm inserts two of these rows per alert: measured, it
// tripled the cost of each insert (issue 12). Nothing deletes these rows (incidents are kept), so the next
// id is always past every id ever given, as before. SQLite cannot drop AUTOINCREMENT in place: each table
// is copied into one declared without it. PostgreSQL's bigserial has no such cost and is left alone.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../database';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

const ALERTS = `create table "alerts_plain" (
  "id" integer primary key,
  "incident_id" integer not null references "incidents" ("id") on delete cascade,
  "fingerprint" text not null, "source" text not null, "title" text not null, "service" text not null,
  "severity" text not null, "status" text not null, "summary" text, "labels" text not null, "url" text,
  "starts_at" text not null, "ends_at" text, "first_seen_at" text not null, "last_seen_at" text not null,
  "count" integer default 1 not null,
  constraint "alerts_incident_fingerprint" unique ("incident_id", "fingerprint"))`;

const TIMELINE_EVENTS = `create table "timeline_events_plain" (
  "id" integer primary key,
  "incident_id" integer not null references "incidents" ("id") on delete cascade,
  "at" text not null, "type" text not null, "actor" text not null, "data" text not null)`;

async function replace(db: AnyKysely, table: string, create: string, indexes: string[]): Promise<void> {
  await sql.raw(create).execute(db);
  await sql.raw(`insert into "${table}_plain" select * from "${table}"`).execute(db);
  await sql.raw(`drop table "${table}"`).execute(db);
  await sql.raw(`alter table "${table}_plain" rename to "${table}"`).execute(db);
  for (const index of indexes) await sql.raw(index).execute(db);
}

export const plainRowids: Migration = {
  async up(db: AnyKysely) {
    if (dialectOf(db) === 'postgres') return;
    await replace(db, 'alerts', ALERTS, [
      'create index "alerts_incident_status" on "alerts" ("incident_id", "status", "id")',
    ]);
    await replace(db, 'timeline_events', TIMELINE_EVENTS, [
      'create index "timeline_events_incident" on "timeline_events" ("incident_id", "id")',
    ]);
  },
  // Plain rowids serve every earlier migration's queries; going back leaves them.
  async down() {},
};
