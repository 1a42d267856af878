// The databases a store test runs on, for `describe.each`: a throwaway SQLite file always, and a throwaway
// PostgreSQL database where the PostgreSQL tests run (see postgres.ts). And, per test, a fresh one of them with
// the migrated stores opened on it, all closed and the database thrown away after the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/store/database';
import { createKyselyStore } from '../../src/adapters/store/kysely-store';
import { migrateToLatest } from '../../src/adapters/store/migrations';
import type { Store } from '../../src/ports/store';
import { postgresTarget, type TestDatabase } from './postgres';

/** `[name, create]` pairs: SQLite, then PostgreSQL when its tests run; `prefix` names the temp dir and the database. */
export function databaseTargets(prefix: string): Array<[string, () => Promise<TestDatabase>]> {
  return [
    [
      'sqlite',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), `firebreak-${prefix}-`));
        return {
          url: `sqlite:${join(dir, 'firebreak.db')}`,
          drop: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    ],
    ...postgresTarget(`firebreak_${prefix.replaceAll('-', '_')}`),
  ];
}

/**
 * Inside a `describe`: a new database from `create` before each test, and `openStore()` for as many stores on it
 * as the test needs (replicas, a restart); after each test every store is closed and the database dropped.
 */
export function storesOnAFreshDatabase(create: () => Promise<TestDatabase>): { openStore(): Promise<Store> } {
  let database: TestDatabase | null = null;
  const stores: Store[] = [];
  beforeEach(async () => {
    database = await create();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    // No database (no PostgreSQL server): the failure to make one is what the test reports.
    await database?.drop();
    database = null;
  });
  return {
    async openStore() {
      const db = openDatabase((database as TestDatabase).url);
      await migrateToLatest(db);
      const store = createKyselyStore(db);
      stores.push(store);
      return store;
    },
  };
}

/**
 * Runs `outside` while another caller's transaction is open (it has recorded the delivery `rolledBackKey`),
 * then rolls that transaction back; resolves with what `outside` resolved to. For claims that must never be
 * part of someone else's transaction.
 */
export async function whileAnotherTransactionRollsBack<T>(
  store: Store,
  rolledBackKey: string,
  now: Date,
  outside: () => Promise<T>,
): Promise<T> {
  let entered = (): void => undefined;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const failed = store.transaction(async (tx) => {
    await tx.deliveries.record(rolledBackKey, { ok: true }, now);
    entered();
    await gate;
    throw new Error('rolled back on purpose');
  });
  await inside;
  const result = outside();
  release();
  await expect(failed).rejects.toThrow('rolled back on purpose');
  return result;
}
