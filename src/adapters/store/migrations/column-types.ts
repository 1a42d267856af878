// Column types that differ between SQLite and PostgreSQL, so one migration serves both dialects.
import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import { dialectOf } from '../database';

// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then, not as the current `Database` type says.
type AnyKysely = Kysely<any>;

export interface ColumnTypes {
  /** Adds the auto-increment primary key `id`; ids come back as JS numbers on both dialects. */
  id<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'>;
  /** A column referring to another table's id. */
  readonly ref: 'integer' | 'bigint';
  /** ISO-8601 UTC text. PostgreSQL compares it bytewise ("C"), so text order is time order whatever the locale. */
  readonly time: ReturnType<typeof sql.raw> | 'text';
}

export function columnTypes(db: AnyKysely): ColumnTypes {
  if (dialectOf(db) === 'postgres') {
    return {
      id: (table) => table.addColumn('id', 'bigserial', (col: ColumnDefinitionBuilder) => col.primaryKey()),
      ref: 'bigint',
      time: sql.raw('text collate "C"'),
    };
  }
  return {
    // AUTOINCREMENT: a deleted row's id is never reused, so an old id in a log or link stays unambiguous.
    id: (table) => table.addColumn('id', 'integer', (col: ColumnDefinitionBuilder) => col.primaryKey().autoIncrement()),
    ref: 'integer',
    time: 'text',
  };
}
