// Versioned schema of the SQL store on PostgreSQL. On SQLite the tables are the SQLite store's own
// (../migrations.ts, so an existing data directory carries on); these create their equivalent here, column
// for column (schema.ts is the one row type for both). Append new migrations; never edit one that has
// shipped. Kysely's Migrator records what ran in kysely_migration and holds an advisory lock, so replicas
// starting together migrate once.
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
  // everything else the BFF keeps (../migrations.ts versions 1–5): times are ms (bigint), flags 0/1 (integer)
  '0002_state': {
    async up(db: Kysely<unknown>) {
      await sql`
        CREATE TABLE users (
          id text PRIMARY KEY,
          username text NOT NULL,
          password_hash text NOT NULL,
          role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
          created_at bigint NOT NULL,
          updated_at bigint NOT NULL
        );
        -- SQLite's COLLATE NOCASE: usernames are unique case-insensitively (queries compare lower(username))
        CREATE UNIQUE INDEX users_username ON users (lower(username));

        CREATE TABLE sessions (
          id_hash text PRIMARY KEY,
          user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
          csrf_token text NOT NULL,
          created_at bigint NOT NULL,
          ttl_ms bigint NOT NULL,
          expires_at bigint NOT NULL
        );
        CREATE INDEX sessions_user ON sessions (user_id);
        CREATE INDEX sessions_expires ON sessions (expires_at);

        CREATE TABLE api_tokens (
          id text PRIMARY KEY,
          name text NOT NULL,
          role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
          token_hash text NOT NULL UNIQUE,
          created_at bigint NOT NULL,
          created_by text NOT NULL,
          last_used_at bigint,
          static integer NOT NULL DEFAULT 0
        );

        CREATE TABLE audit (
          id bigserial PRIMARY KEY,
          at bigint NOT NULL,
          actor_kind text NOT NULL,
          actor_id text NOT NULL,
          actor_name text NOT NULL,
          role text NOT NULL,
          operation text NOT NULL,
          cluster_id text,
          params text NOT NULL,
          confirmed integer NOT NULL,
          result text NOT NULL,
          message text NOT NULL,
          task_log text
        );
        CREATE INDEX audit_at ON audit (at);
        CREATE INDEX audit_cluster ON audit (cluster_id, at);

        CREATE TABLE secrets (
          name text PRIMARY KEY,
          key_id text NOT NULL,
          iv bytea NOT NULL,
          tag bytea NOT NULL,
          ciphertext bytea NOT NULL,
          updated_at bigint NOT NULL
        );

        CREATE TABLE kv (
          key text PRIMARY KEY,
          value text NOT NULL,
          updated_at bigint NOT NULL
        );

        CREATE TABLE clusters (
          id text PRIMARY KEY,
          name text NOT NULL,
          kind text NOT NULL,
          is_default integer NOT NULL DEFAULT 0,
          settings text NOT NULL,
          created_at bigint NOT NULL,
          updated_at bigint NOT NULL,
          removed_at bigint
        );

        CREATE TABLE tasks (
          id text PRIMARY KEY,
          cluster_id text NOT NULL,
          operation text NOT NULL,
          status text NOT NULL,
          started_at bigint NOT NULL,
          json text NOT NULL
        );
        CREATE INDEX tasks_cluster_started ON tasks (cluster_id, started_at);
        CREATE INDEX tasks_started ON tasks (started_at);

        CREATE TABLE link_rollups (
          cluster_id text NOT NULL,
          minute bigint NOT NULL CHECK (minute % 60000 = 0),
          a integer NOT NULL,
          b integer NOT NULL CHECK (a < b),
          link integer NOT NULL CHECK (link BETWEEN 0 AND 7),
          avg_us integer,
          max_us integer,
          loss_ppm integer,
          loss_max_ppm integer,
          PRIMARY KEY (cluster_id, minute, a, b, link)
        );

        CREATE TABLE alert_channels (
          id text PRIMARY KEY,
          type text NOT NULL,
          name text NOT NULL,
          settings text NOT NULL,
          created_at bigint NOT NULL,
          updated_at bigint NOT NULL
        );
        CREATE TABLE alert_silences (
          id text PRIMARY KEY,
          cluster_id text,
          rule text,
          starts_at bigint NOT NULL,
          ends_at bigint NOT NULL,
          reason text NOT NULL,
          created_by text NOT NULL,
          created_at bigint NOT NULL
        );
        CREATE TABLE alert_acks (
          key text PRIMARY KEY,
          acked_by text NOT NULL,
          acked_at bigint NOT NULL
        );
        CREATE TABLE alert_deliveries (
          id bigserial PRIMARY KEY,
          at bigint NOT NULL,
          channel_id text NOT NULL,
          cluster_id text,
          outcome text NOT NULL,
          json text NOT NULL
        );
        CREATE INDEX alert_deliveries_at ON alert_deliveries (at);
        CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel_id, id);

        CREATE TABLE timeline_keyframes (
          id bigserial PRIMARY KEY,
          cluster_id text NOT NULL,
          at bigint NOT NULL,
          rev bigint NOT NULL,
          chain_start bigint NOT NULL,
          quorate integer,
          nodes_online integer NOT NULL,
          state text NOT NULL,
          transition integer NOT NULL,
          patches integer NOT NULL DEFAULT 0,
          bytes bigint NOT NULL DEFAULT 0
        );
        CREATE INDEX timeline_keyframes_cluster_at ON timeline_keyframes (cluster_id, at);
        CREATE TABLE timeline_keyframe_data (
          keyframe_id bigint PRIMARY KEY,
          data bytea NOT NULL
        );
        CREATE TABLE timeline_patches (
          keyframe_id bigint NOT NULL,
          rev bigint NOT NULL,
          base_rev bigint NOT NULL,
          at bigint NOT NULL,
          quorate integer,
          nodes_online integer NOT NULL,
          state text NOT NULL,
          transition integer NOT NULL,
          data bytea NOT NULL,
          PRIMARY KEY (keyframe_id, rev)
        );
        CREATE INDEX timeline_patches_transitions ON timeline_patches (keyframe_id, at) WHERE transition = 1;
      `.execute(db);
    },
  },
};

/** Brings a PostgreSQL schema to the latest version; throws (with the failing migration) when it cannot. */
export async function migratePostgres(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`SQL store migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}
