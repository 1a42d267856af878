// Slack requests already served get a table of their own, keyed by (signed_at, signature): the replay guard's
// claim, written before every acknowledgement (issue 12). A replay carries the original's
// X-Slack-Request-Timestamp, so the pair is as unique as the signature; keyed by time first, claims land at the
// end of one B-tree (WITHOUT ROWID on SQLite: the key is the row) and old ones go as a range of that key, with
// no second index. In `deliveries` each claim wrote three B-trees at random places (its rowid table, the key's
// index, received_at's index): an autocommitted claim took ~110-120 µs there and ~50 µs here (SQLite, a table
// of 50,000 claims, this bench's machine). Claims already in `deliveries` are left to its weekly sweep.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../database';

// biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema as it was when written, not the current `Database` type.
type AnyKysely = Kysely<any>;

export const slackRequestClaims: Migration = {
  async up(db: AnyKysely) {
    const table = db.schema
      .createTable('slack_request_claims')
      .addColumn('signed_at', 'bigint', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('slack_request_claims_pk', ['signed_at', 'signature']);
    await (dialectOf(db) === 'postgres' ? table : table.modifyEnd(sql`without rowid`)).execute();
  },
  async down(db: AnyKysely) {
    await db.schema.dropTable('slack_request_claims').execute();
  },
};
