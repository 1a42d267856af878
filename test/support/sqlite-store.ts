// A migrated store on a throwaway SQLite file, for tests that drive the store (and what sits on it) directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/store/database';
import { createKyselyStore } from '../../src/adapters/store/kysely-store';
import { migrateToLatest } from '../../src/adapters/store/migrations';
import type { Store } from '../../src/ports/store';

export async function freshSqliteStore(prefix: string): Promise<{ store: Store; remove(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `firebreak-${prefix}-`));
  const db = openDatabase(`sqlite:${join(dir, 'firebreak.db')}`);
  await migrateToLatest(db);
  const store = createKyselyStore(db);
  return {
    store,
    async remove() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
