// Text ordered as SQLite's BINARY collation orders it (by code point), on PostgreSQL too: there the
// default is the database's locale (en_US.UTF-8 puts 'a' before 'B'), which would reorder lists.
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Dialect } from './schema';

export function binaryOrder(dialect: Dialect, column: string): RawBuilder<string> {
  return dialect === 'postgres' ? sql<string>`${sql.ref(column)} collate "C"` : sql<string>`${sql.ref(column)}`;
}
