// The checkpoint thread (sqlite-checkpointer.ts): with it on, what the event loop commits reaches the database
// file itself without any commit checkpointing (the thread copied it from the write-ahead log); with it off,
// the file waits for a commit to pass the automatic checkpoint's threshold. The file is read apart from its
// log (a copy of it alone), as it would be after the log were lost.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, stopDatabaseThreads } from '../../../src/adapters/store/database';
import { CHECKPOINT_INTERVAL_MS } from '../../../src/adapters/store/sqlite-checkpointer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-checkpoint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** 600 rows of 3 KB in 200 commits: about 600 pages of log, far below the commits' own thresholds. */
async function writeRows(db: ReturnType<typeof openDatabase>, commits = 200): Promise<void> {
  await sql`create table filler (id integer primary key, body text not null)`.execute(db);
  const body = 'x'.repeat(3000);
  for (let i = 0; i < commits; i++)
    await sql`insert into filler (body) values (${body}), (${body}), (${body})`.execute(db);
}

/** How many rows the database file holds on its own, without its write-ahead log. */
function rowsInFileAlone(path: string): number {
  const copy = join(dir, 'file-alone.db');
  copyFileSync(path, copy);
  const reader = new Database(copy, { readonly: true });
  try {
    const table = reader.prepare("select count(*) as n from sqlite_master where name = 'filler'").get() as {
      n: number;
    };
    if (table.n === 0) return 0;
    return (reader.prepare('select count(*) as n from filler').get() as { n: number }).n;
  } finally {
    reader.close();
    rmSync(copy, { force: true });
  }
}

const afterAFewChecks = () => new Promise((resolve) => setTimeout(resolve, CHECKPOINT_INTERVAL_MS * 4));

it('copies what the event loop committed into the database file from its own thread', async () => {
  const path = join(dir, 'firebreak.db');
  const db = openDatabase(`sqlite:${path}`, { checkpointInBackground: true });
  try {
    await writeRows(db);
    await afterAFewChecks();
    expect(rowsInFileAlone(path)).toBe(600);
  } finally {
    await stopDatabaseThreads(db);
    await db.destroy();
  }
});

it('without the thread, nothing reaches the file until a commit passes the threshold', async () => {
  const path = join(dir, 'firebreak.db');
  const db = openDatabase(`sqlite:${path}`);
  try {
    await writeRows(db);
    await afterAFewChecks();
    expect(rowsInFileAlone(path)).toBe(0);
  } finally {
    await db.destroy();
  }
});

it('stops the thread when asked, twice harmlessly, and the database closes after it', async () => {
  const path = join(dir, 'firebreak.db');
  const db = openDatabase(`sqlite:${path}`, { checkpointInBackground: true });
  await writeRows(db, 5);
  await stopDatabaseThreads(db);
  await stopDatabaseThreads(db);
  await db.destroy();
  // Nothing was lost: the log is replayed by the next connection, checkpointed or not.
  const reader = new Database(path, { readonly: true });
  expect((reader.prepare('select count(*) as n from filler').get() as { n: number }).n).toBe(15);
  reader.close();
});
