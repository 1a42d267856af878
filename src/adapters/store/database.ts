// Opens the database a DATABASE_URL names: an SQLite file (the default) or a PostgreSQL pool, as one Kysely.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, PostgresIntrospector, SqliteDialect, type SqliteDatabase } from 'kysely';
import type pg from 'pg';
import { errorMessage, FirebreakError } from '../../errors';
import type { Database } from './schema';
import { SecondChanceCache } from './second-chance-cache';
import { COMMIT_CHECKPOINT_PAGES, checkpointWhenBusy, type SqliteCheckpointer } from './sqlite-checkpointer';
import type { SqliteStatements } from './sqlite-hot-path';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseLogger {
  warn(obj: object, msg: string): void;
}

export interface OpenDatabaseOptions {
  logger?: DatabaseLogger;
  /**
   * SQLite: checkpoint the write-ahead log from a worker thread (sqlite-checkpointer.ts), once the log first
   * holds a few MiB, rather than inside the commits of the event loop. The running service turns it on; a
   * short-lived store (a script, a test of the store itself) need not watch for it.
   */
  checkpointInBackground?: boolean;
}

const ACCEPTED_FORMS =
  '`sqlite:PATH` (relative to the working directory), `sqlite::memory:`, or `postgres://user:password@host:port/db`';
const MEMORY = ':memory:';

/** Which dialect a Kysely instance (or one of its transactions) speaks. */
// biome-ignore lint/suspicious/noExplicitAny: it serves every schema, including the untyped one migrations see.
export function dialectOf(db: Kysely<any>): DialectName {
  // The introspector is the public thing that reveals the dialect; it is cheap to create.
  return db.introspection instanceof PostgresIntrospector ? 'postgres' : 'sqlite';
}

/** The URL with its password masked, for logs and messages. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export function openDatabase(url: string, options: OpenDatabaseOptions = {}): Kysely<Database> {
  const logger = options.logger ?? consoleLogger;
  const trimmed = url.trim();
  if (/^sqlite:/i.test(trimmed))
    return openSqlite(trimmed.slice('sqlite:'.length), logger, options.checkpointInBackground ?? false);
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return openPostgres(trimmed, logger);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1];
  throw new FirebreakError(
    'CONFIG_INVALID',
    `DATABASE_URL ${scheme ? `has the unsupported scheme "${scheme}:"` : 'has no scheme'}; use ${ACCEPTED_FORMS}`,
    { step: 'opening the database' },
  );
}

// Used only when the caller passes no logger: a connection failure must never pass unseen.
const consoleLogger: DatabaseLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
};

function openSqlite(location: string, logger: DatabaseLogger, checkpointInBackground: boolean): Kysely<Database> {
  if (location === '') {
    throw new FirebreakError('CONFIG_INVALID', `DATABASE_URL names no SQLite file; use ${ACCEPTED_FORMS}`, {
      step: 'opening the database',
    });
  }
  const inMemory = location === MEMORY;
  const path = inMemory ? MEMORY : resolve(process.cwd(), location);
  let database: BetterSqlite3.Database;
  try {
    if (!inMemory) mkdirSync(dirname(path), { recursive: true });
    database = new BetterSqlite3(path);
  } catch (error) {
    throw new FirebreakError(
      'STORE_UNAVAILABLE',
      `could not open the SQLite database ${path}: ${errorMessage(error)}`,
      {
        step: 'opening the database',
        cause: error,
      },
    );
  }
  const background = checkpointInBackground && !inMemory;
  configureSqlite(database, inMemory, path, logger);
  const cached = withStatementCache(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
  sqliteStatements.set(db, cached);
  if (background)
    checkpointers.set(
      db,
      checkpointWhenBusy(path, logger, (pages) => database.pragma(`wal_autocheckpoint = ${pages}`)),
    );
  return db;
}

const checkpointers = new WeakMap<Kysely<Database>, SqliteCheckpointer>();

/** Ends what `openDatabase` started beside the database (the checkpoint thread); call before destroying it. */
export async function stopDatabaseThreads(db: Kysely<Database>): Promise<void> {
  await checkpointers.get(db)?.stop();
}

const sqliteStatements = new WeakMap<Kysely<Database>, SqliteStatements>();

/** The cached statements under an SQLite Kysely opened here, for the store's hot path; none on PostgreSQL. */
export function sqliteStatementsOf(db: Kysely<Database>): SqliteStatements | undefined {
  return sqliteStatements.get(db);
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh; preparing costs more than running our small indexed queries.
 * Statements are reused by SQL text (values are bound per run), the least used dropped first when full.
 * Safe because Kysely's SQLite driver runs each statement to completion before the next one starts.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase & SqliteStatements {
  const cache = new SecondChanceCache<BetterSqlite3.Statement>(STATEMENT_CACHE_SIZE);
  return {
    close: () => database.close(),
    prepare: (sql: string) => cache.get(sql, () => database.prepare(sql)),
    get inTransaction() {
      return database.inTransaction;
    },
  };
}

function configureSqlite(
  database: BetterSqlite3.Database,
  inMemory: boolean,
  path: string,
  logger: DatabaseLogger,
): void {
  // WAL lets readers proceed while a write is in flight; NORMAL sync is durable across process crashes in WAL.
  const mode = database.pragma('journal_mode = WAL', { simple: true });
  if (!inMemory && String(mode).toLowerCase() !== 'wal') {
    logger.warn(
      { path, journalMode: mode },
      'sqlite: WAL journal mode is not available here; writes will block readers',
    );
  }
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  // The WAL is copied back into the database file (a checkpoint, with its fsyncs) inside the COMMIT that
  // takes it past this many pages, holding the event loop. SQLite's default, 1,000 pages (4 MiB), meant a
  // checkpoint every ten or so batches of a storm: two thirds of the time its COMMITs took (issue 12).
  // 4,000 pages (16 MiB) checkpoint a quarter as often, each copying little more, since a storm's batches
  // rewrite the same pages (the open incidents' rows and index leaves). Once the checkpoint thread does
  // that work (sqlite-checkpointer.ts), the commits' own checkpoint is only the bound should it fall behind:
  // 16,000 pages (64 MiB). The file is cut back to 64 MiB after a checkpoint should anything ever make it
  // grow further.
  database.pragma(`wal_autocheckpoint = ${COMMIT_CHECKPOINT_PAGES.alone}`);
  database.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
}

function openPostgres(url: string, logger: DatabaseLogger): Kysely<Database> {
  try {
    new URL(url);
  } catch {
    throw new FirebreakError('CONFIG_INVALID', `DATABASE_URL is not a valid PostgreSQL URL; use ${ACCEPTED_FORMS}`, {
      step: 'opening the database',
    });
  }
  // pg is loaded only for PostgreSQL: the SQLite default never pays for it at start.
  const { Pool, types } = require('pg') as typeof pg;
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 5000, types: pgTypes(types) });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would end the process.
  pool.on('error', (error) =>
    logger.warn({ err: error.message }, 'postgres: an idle connection failed; it will be replaced'),
  );
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Ids are bigserial and count(*) is bigint, which pg returns as strings. They stay far below 2^53,
 * so they are parsed as numbers, the same as on SQLite.
 */
function pgTypes(types: typeof pg.types): pg.CustomTypesConfig {
  return {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === types.builtins.INT8 && format !== 'binary' ? Number : types.getTypeParser(oid, format),
  };
}
