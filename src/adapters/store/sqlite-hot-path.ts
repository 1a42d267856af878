// The statements an alert storm runs for every alert (and `/incident list` for every command), on SQLite: plain SQL on better-sqlite3's cached
// statements, run synchronously on the connection Kysely holds. Profiled under a storm, building each query
// with Kysely cost about twice what SQLite took to run it (issue 12). PostgreSQL keeps the Kysely queries of
// the same repositories; the store tests hold both to the same behaviour.
import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** better-sqlite3's statements, prepared once per SQL text (database.ts keeps the cache). */
export interface SqliteStatements {
  prepare(sql: string): {
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
    run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  };
  /** True while a transaction is open on the connection (whoever opened it). */
  readonly inTransaction: boolean;
}

type Row = Record<string, unknown>;

/** INSERT and UPDATE statements by table and columns: the same SQL text for every row with the same columns. */
const statementSql = new Map<string, string>();

/** `insertColumns`' INSERT statements, by the constant column list they were built for (and its table). */
const columnListSql = new WeakMap<readonly string[], { table: string; sql: string }>();

/** The INSERT for a row's defined columns, its SQL built once per table, columns and tail. */
function insertStatement(table: string, row: Row, tail: string): { sql: string; values: unknown[] } {
  return statementFor('insert', table, row, tail, (columns) => {
    const names = columns.map((c) => `"${c}"`).join(', ');
    return `insert into "${table}" (${names}) values (${columns.map(() => '?').join(', ')})${tail}`;
  });
}

/** The UPDATE of a row's defined columns, `tail` saying which rows (its parameters follow the columns'). */
function updateStatement(table: string, row: Row, tail: string): { sql: string; values: unknown[] } {
  return statementFor('update', table, row, tail, (columns) => {
    return `update "${table}" set ${columns.map((c) => `"${c}" = ?`).join(', ')} ${tail}`;
  });
}

function statementFor(
  verb: string,
  table: string,
  row: Row,
  tail: string,
  build: (columns: string[]) => string,
): { sql: string; values: unknown[] } {
  const columns = Object.keys(row).filter((column) => row[column] !== undefined);
  const key = `${verb} ${table}(${columns.join(',')})${tail}`;
  let sql = statementSql.get(key);
  if (sql === undefined) {
    sql = build(columns);
    statementSql.set(key, sql);
  }
  return { sql, values: columns.map((c) => row[c]) };
}

export class SqliteHotPath {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly statements: SqliteStatements,
    /** True while the caller runs inside a transaction, which already holds the only connection. */
    private readonly inTransaction: () => boolean,
  ) {}

  /**
   * Runs `work` on the connection. Inside a transaction that connection is already ours; outside one,
   * `work` waits its turn behind any open transaction, as a Kysely query would, so it never runs inside
   * someone else's.
   */
  run<T>(work: (sql: this) => T): Promise<T> {
    if (this.inTransaction()) {
      try {
        return Promise.resolve(work(this));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.db.connection().execute(async () => work(this));
  }

  /**
   * `run`, but at once when no transaction is open on the connection: nothing can then be inside one that
   * this would join, and every statement on the connection runs to its end synchronously, so nothing is
   * half done either. For the one statement on the way to a Slack acknowledgement (the replay check), which
   * should not queue behind everything else waiting for the connection in an alert storm (ingest batches,
   * the outbox's claims); when a transaction is open it waits its turn as `run` does.
   */
  runNow<T>(work: (sql: this) => T): Promise<T> {
    if (this.statements.inTransaction && !this.inTransaction()) return this.run(work);
    try {
      return Promise.resolve(work(this));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `work`'s result at once, or undefined when a transaction holds the connection (it would have to wait its
   * turn): for a reply that is worth giving now only if it costs no wait.
   */
  tryNow<T>(work: (sql: this) => T): T | undefined {
    if (this.statements.inTransaction && !this.inTransaction()) return undefined;
    return work(this);
  }

  get<R>(sql: string, ...params: unknown[]): R | undefined {
    return this.statements.prepare(sql).get(...params) as R | undefined;
  }

  all<R>(sql: string, ...params: unknown[]): R[] {
    return this.statements.prepare(sql).all(...params) as R[];
  }

  exec(sql: string, ...params: unknown[]): number {
    return this.statements.prepare(sql).run(...params).changes;
  }

  /**
   * Inserts a row and returns its id. The caller already holds what it stored; reading the row back
   * (RETURNING) would only parse it again. The SQL is built once per table and set of columns.
   */
  insert(table: string, row: Row): number {
    const { sql, values } = insertStatement(table, row, '');
    return Number(this.statements.prepare(sql).run(...values).lastInsertRowid);
  }

  /**
   * `insert` for a row that always fills the same columns, `columns` (one constant list per table): its SQL is
   * built once per list, and the row's values are read in that order, with no look at which keys it has. For
   * the rows a storm writes per alert (the alert, its timeline event, the delivery).
   */
  insertColumns(table: string, columns: readonly string[], row: Row): number {
    let built = columnListSql.get(columns);
    if (built?.table !== table) {
      const sql = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
      built = { table, sql };
      columnListSql.set(columns, built);
    }
    const { sql } = built;
    const values = new Array<unknown>(columns.length);
    for (let i = 0; i < columns.length; i++) values[i] = row[columns[i] as string];
    return Number(this.statements.prepare(sql).run(...values).lastInsertRowid);
  }

  /** Sets a row's defined columns where `tail` says (`where id = ?`, its parameters in `params`); returns how many rows changed. */
  update(table: string, row: Row, tail: string, ...params: unknown[]): number {
    const { sql, values } = updateStatement(table, row, tail);
    return this.statements.prepare(sql).run(...values, ...params).changes;
  }

  /** The same, with a `returning` clause in `tail`: the first row it returns, or undefined. */
  updateReturning<R>(table: string, row: Row, tail: string, ...params: unknown[]): R | undefined {
    const { sql, values } = updateStatement(table, row, tail);
    return this.statements.prepare(sql).get(...values, ...params) as R | undefined;
  }

  /** Inserts a row unless it conflicts as `onConflict` says (`on conflict … do nothing`); true when inserted. */
  insertIgnoring(table: string, row: Row, onConflict: string): boolean {
    const { sql, values } = insertStatement(table, row, ` ${onConflict}`);
    return this.statements.prepare(sql).run(...values).changes > 0;
  }

  /**
   * Inserts a row unless it conflicts as `onConflict` says (an `on conflict … do nothing` clause), and returns
   * the stored row, or undefined when nothing was inserted.
   */
  insertReturning<R>(table: string, row: Row, onConflict: string): R | undefined {
    const { sql, values } = insertStatement(table, row, ` ${onConflict} returning *`);
    return this.statements.prepare(sql).get(...values) as R | undefined;
  }
}
