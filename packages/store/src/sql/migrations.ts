// Versioned schema of the SQL store, written once with Kysely's schema builder for both engines.
// Append new migrations; never edit one that has shipped. Kysely's Migrator records what ran in
// kysely_migration and, on PostgreSQL, holds an advisory lock so replicas starting together migrate once.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely';
import type { Migration } from 'kysely';

// Column types both engines accept: 'bigint' has INTEGER affinity in SQLite, 'double precision' REAL.
// (No STRICT tables on SQLite: they would refuse these names.) Keys are NOT NULL explicitly because
// a SQLite non-integer PRIMARY KEY otherwise admits NULL.
const migrations: Record<string, Migration> = {
  '0001_events_leases': {
    async up(db: Kysely<unknown>) {
      // the seq counter lives apart from the events so pruning can never lower it
      await db.schema
        .createTable('event_seq')
        .addColumn('cluster_id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('last_seq', 'bigint', (c) => c.notNull().check(sql`last_seq >= 0`))
        .execute();
      await db.schema
        .createTable('events')
        .addColumn('cluster_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull().check(sql`seq >= 1`))
        .addColumn('at', 'double precision', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['cluster_id', 'seq'])
        .execute();
      // retention by age scans this
      await db.schema.createIndex('events_at').on('events').column('at').execute();
      // one row per cluster that ever had a lease: release only expires it, so the token keeps counting
      await db.schema
        .createTable('leases')
        .addColumn('cluster_id', 'text', (c) => c.primaryKey().notNull())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('token', 'bigint', (c) => c.notNull().check(sql`token >= 1`))
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

/** Brings the schema to the latest version; throws (with the failing migration) when it cannot. */
export async function migrate(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`SQL store migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}
