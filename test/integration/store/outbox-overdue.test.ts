// The outbox's readiness query (overdueSince) on a real SQLite file, and on PostgreSQL too (see
// test/support/postgres.ts: required in CI, skipped without TEST_DATABASE_URL elsewhere).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/adapters/store/database';
import { createKyselyStore } from '../../../src/adapters/store/kysely-store';
import { migrateToLatest } from '../../../src/adapters/store/migrations';
import type { Store } from '../../../src/ports/store';
import { at } from '../../support/builders';
import { postgresTarget } from '../../support/postgres';

/** A fresh database: its URL, and how to throw it away. */
type Fresh = () => Promise<{ url: string; drop(): Promise<void> }>;

const sqlite: Fresh = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-overdue-'));
  return {
    url: `sqlite:${join(dir, 'firebreak.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

const targets: Array<[string, Fresh]> = [['sqlite', sqlite], ...postgresTarget('firebreak_overdue')];

describe.each(targets)('outbox.overdueSince on %s', (_name, fresh) => {
  let store: Store;
  let drop: (() => Promise<void>) | null = null;

  beforeEach(async () => {
    const database = await fresh();
    drop = database.drop;
    const db = openDatabase(database.url);
    await migrateToLatest(db);
    store = createKyselyStore(db);
  });
  afterEach(async () => {
    // No database (no PostgreSQL server): the failure to make one is what the test reports.
    if (!drop) return;
    await store.close();
    await drop();
    drop = null;
  });

  it('names when the longest-waiting pending job became due, if before the cutoff', async () => {
    expect(await store.outbox.overdueSince(at(10))).toBeNull();
    await store.outbox.enqueue({ kind: 'k', notBefore: at(3) }, at(0));
    const first = await store.outbox.enqueue({ kind: 'k', notBefore: at(2) }, at(0));
    await store.outbox.enqueue({ kind: 'k', notBefore: at(20) }, at(0));

    expect(await store.outbox.overdueSince(at(2))).toBeNull(); // due exactly at the cutoff: not yet overdue
    expect(await store.outbox.overdueSince(at(2.5))).toEqual(at(2));
    expect(await store.outbox.overdueSince(at(30))).toEqual(at(2));

    // Delivered: no longer waiting.
    await store.outbox.complete(first.id, at(2));
    expect(await store.outbox.overdueSince(at(30))).toEqual(at(3));
  });

  it('does not count dead jobs, nor jobs scheduled for later', async () => {
    const job = await store.outbox.enqueue({ kind: 'k' }, at(0));
    await store.outbox.bury(job.id, 'channel_not_found', at(0));
    await store.outbox.enqueue({ kind: 'k', notBefore: at(60) }, at(0));
    expect(await store.outbox.overdueSince(at(30))).toBeNull();
  });
});
