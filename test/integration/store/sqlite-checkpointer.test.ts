// The checkpoint thread (sqlite-checkpointer.ts): once the log holds a few MiB, what the event loop commits
// reaches the database file itself without any commit checkpointing (the thread copied it from the
// write-ahead log); before that, or with it off, the file waits for a commit to pass the automatic
// checkpoint's threshold. The file is read apart from its log (a copy of it alone), as it would be after the
// log were lost.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, stopDatabaseThreads } from '../../../src/adapters/store/database';
import { CHECKPOINT_INTERVAL_MS, START_AT_LOG_BYTES } from '../../../src/adapters/store/sqlite-checkpointer';
import { eventually } from '../../support/eventually';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-checkpoint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ROW_BYTES = 3000;
/** Rows enough to pass the thread's start (its log then holds more than START_AT_LOG_BYTES). */
const PAST_THE_START = Math.ceil((START_AT_LOG_BYTES * 1.2) / ROW_BYTES);

/** `rows` rows of 3 KB, three to a commit, as a storm's batches commit: far below the commits' own threshold. */
async function writeRows(db: ReturnType<typeof openDatabase>, rows: number): Promise<void> {
  await sql`create table filler (id integer primary key, body text not null)`.execute(db);
  const body = 'x'.repeat(ROW_BYTES);
  for (let i = 0; i < rows; i += 3)
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

/**
 * Long enough for the thread to have started and checkpointed, had it been going to: the log's size is looked
 * at every second, and the thread checkpoints every CHECKPOINT_INTERVAL_MS.
 */
const afterAFewChecks = () => new Promise((resolve) => setTimeout(resolve, 2_000 + CHECKPOINT_INTERVAL_MS * 4));

const ROWS_WRITTEN = Math.ceil(PAST_THE_START / 3) * 3;

/** Waits until the thread has copied every row written into the file (a loaded machine starts a thread slowly). */
const copiedByTheThread = (path: string) =>
  eventually(() => rowsInFileAlone(path) === ROWS_WRITTEN, 'every row in the database file alone', 20_000);

it('copies what the event loop committed into the database file from its own thread, once the log is busy', async () => {
  const path = join(dir, 'firebreak.db');
  const db = openDatabase(`sqlite:${path}`, { checkpointInBackground: true });
  try {
    await writeRows(db, PAST_THE_START);
    await copiedByTheThread(path);
    expect(rowsInFileAlone(path)).toBe(ROWS_WRITTEN);
  } finally {
    await stopDatabaseThreads(db);
    await db.destroy();
  }
});

it('starts no thread for a store that writes little: its log waits for the commits', async () => {
  const path = join(dir, 'firebreak.db');
  const db = openDatabase(`sqlite:${path}`, { checkpointInBackground: true });
  try {
    await writeRows(db, 300);
    await afterAFewChecks();
    expect(rowsInFileAlone(path)).toBe(0);
  } finally {
    await stopDatabaseThreads(db);
    await db.destroy();
  }
});

it('without the thread, nothing reaches the file until a commit passes the threshold', async () => {
  const path = join(dir, 'firebreak.db');
  const db = openDatabase(`sqlite:${path}`);
  try {
    await writeRows(db, PAST_THE_START);
    await afterAFewChecks();
    expect(rowsInFileAlone(path)).toBe(0);
  } finally {
    await db.destroy();
  }
});

it('stops the thread when asked, twice harmlessly, and the database closes after it', async () => {
  const path = join(dir, 'firebreak.db');
  const db = openDatabase(`sqlite:${path}`, { checkpointInBackground: true });
  await writeRows(db, PAST_THE_START);
  await copiedByTheThread(path);
  await stopDatabaseThreads(db);
  await stopDatabaseThreads(db);
  await db.destroy();
  // Nothing was lost: the log is replayed by the next connection, checkpointed or not.
  const reader = new Database(path, { readonly: true });
  expect((reader.prepare('select count(*) as n from filler').get() as { n: number }).n).toBe(ROWS_WRITTEN);
  reader.close();
});
