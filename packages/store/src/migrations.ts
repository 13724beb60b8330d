// Numbered schema migrations. Append new ones; never edit one that has shipped.
import { StoreError } from './errors';
import type { Db } from './db';

type Migration = { version: number; name: string; sql: string };

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      -- The seq counter lives apart from the events so pruning can never lower it.
      CREATE TABLE event_seq (
        cluster_id TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL CHECK (last_seq >= 0)
      ) STRICT;
      -- json holds the EventDraft (at, severity, message, body); seq and cluster_id come from the columns.
      CREATE TABLE events (
        cluster_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at REAL NOT NULL,
        type TEXT NOT NULL,
        severity TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (cluster_id, seq)
      ) STRICT;
      CREATE INDEX events_at ON events (at);
      CREATE INDEX events_cluster_at ON events (cluster_id, at);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- id_hash is the SHA-256 of the cookie value; the raw id is never stored.
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        ttl_ms INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_expires ON sessions (expires_at);

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        last_used_at INTEGER,
        static INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        role TEXT NOT NULL,
        operation TEXT NOT NULL,
        cluster_id TEXT,
        params TEXT NOT NULL,
        confirmed INTEGER NOT NULL,
        result TEXT NOT NULL,
        message TEXT NOT NULL,
        task_log TEXT
      ) STRICT;
      CREATE INDEX audit_at ON audit (at);
      CREATE INDEX audit_cluster ON audit (cluster_id, at);

      -- AES-256-GCM; key_id identifies the key file that wrote the row (not the key itself).
      CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        iv BLOB NOT NULL,
        tag BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'clusters and tasks',
    sql: `
      -- Clusters added through the API (QUORATE_CLUSTERS ones are not stored). settings is the kind's
      -- settings without secrets (those are in secrets, as cluster/<id>/<name>). A removed cluster keeps
      -- its row (removed_at) so its history stays readable by name.
      CREATE TABLE clusters (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0,
        settings TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        removed_at INTEGER
      ) STRICT;

      -- Long operations. json holds the whole task (log included); the columns are for listing.
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        cluster_id TEXT NOT NULL,
        operation TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX tasks_cluster_started ON tasks (cluster_id, started_at);
      CREATE INDEX tasks_started ON tasks (started_at);
    `,
  },
  {
    version: 3,
    name: 'link rollups',
    sql: `
      -- Link latency and loss per node pair (a < b) and link, one row a minute (link-rollups.ts), kept 7 days.
      -- The key starts with the minute so that a minute's rows are appended together at the end of the tree
      -- (one transaction touches a few pages, not one per pair: ~0.4 MB/min instead of ~45 MB/min at 32
      -- nodes x 8 links, see bench/link-series.ts) and pruning removes a range at its start.
      -- Integers (us, parts per million) store in 1-4 bytes where a REAL takes 8.
      CREATE TABLE link_rollups (
        cluster_id TEXT NOT NULL,
        -- start of the minute, ms since epoch
        minute INTEGER NOT NULL CHECK (minute % 60000 = 0),
        a INTEGER NOT NULL,
        b INTEGER NOT NULL CHECK (a < b),
        link INTEGER NOT NULL CHECK (link BETWEEN 0 AND 7),
        avg_us INTEGER,
        max_us INTEGER,
        loss_ppm INTEGER,
        loss_max_ppm INTEGER,
        PRIMARY KEY (cluster_id, minute, a, b, link)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'alerts',
    sql: `
      -- Alert channels (model/alerts): settings is the channel without its secret fields; those are in
      -- secrets as alert/<id>/<field>.
      CREATE TABLE alert_channels (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        settings TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      -- Silences and maintenance windows: nothing for this cluster and/or rule (NULL: any) from starts_at to ends_at.
      CREATE TABLE alert_silences (
        id TEXT PRIMARY KEY,
        cluster_id TEXT,
        rule TEXT,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      -- An acknowledged alert (incident id or the engine's key) gets no reminders.
      CREATE TABLE alert_acks (
        key TEXT PRIMARY KEY,
        acked_by TEXT NOT NULL,
        acked_at INTEGER NOT NULL
      ) STRICT;
      -- The delivery log: every decision, sent, failed or suppressed (and why).
      CREATE TABLE alert_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        channel_id TEXT NOT NULL,
        cluster_id TEXT,
        outcome TEXT NOT NULL,
        json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX alert_deliveries_at ON alert_deliveries (at);
      CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel_id, id);
    `,
  },
  {
    version: 5,
    name: 'timeline',
    sql: `
      -- Time travel (timeline.ts): per cluster, keyframes (a whole snapshot) and the patches after each, so
      -- the state at any kept moment is a keyframe plus at most a span's patches. A span is one keyframe and
      -- its patches; pruning removes whole spans, oldest first. at = the snapshot's observedAt (ms).
      -- quorate/nodes_online/state summarise the state after the change (the scrubber's marks, no rebuild).
      -- patches/bytes: the span's patch count and stored size (keyframe and patches), kept up to date.
      CREATE TABLE timeline_keyframes (
        id INTEGER PRIMARY KEY,
        cluster_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        rev INTEGER NOT NULL,
        chain_start INTEGER NOT NULL,
        quorate INTEGER,
        nodes_online INTEGER NOT NULL,
        state TEXT NOT NULL,
        transition INTEGER NOT NULL,
        patches INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX timeline_keyframes_cluster_at ON timeline_keyframes (cluster_id, at);
      -- the keyframe's snapshot apart from its row, so bumping the span's counters never rewrites it
      -- (deflated JSON of the canonical snapshot)
      CREATE TABLE timeline_keyframe_data (
        keyframe_id INTEGER PRIMARY KEY,
        data BLOB NOT NULL
      ) STRICT;
      -- data last (deflated SnapshotPatch JSON): the summary columns are read without its overflow pages
      CREATE TABLE timeline_patches (
        keyframe_id INTEGER NOT NULL,
        rev INTEGER NOT NULL,
        base_rev INTEGER NOT NULL,
        at INTEGER NOT NULL,
        quorate INTEGER,
        nodes_online INTEGER NOT NULL,
        state TEXT NOT NULL,
        transition INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (keyframe_id, rev)
      ) STRICT;
      -- the transitions alone (quorum, nodes online, health moved): marks of a long range without a scan
      CREATE INDEX timeline_patches_transitions ON timeline_patches (keyframe_id, at) WHERE transition = 1;
    `,
  },
  {
    version: 6,
    name: 'leases',
    sql: `
      -- Which replica runs a cluster's collector (sql/leases.ts); one row per cluster that ever had a lease:
      -- release only expires it, so the fencing token keeps counting. (On SQLite there is one replica, but the
      -- SQL store is one code for both engines.)
      CREATE TABLE leases (
        cluster_id TEXT PRIMARY KEY NOT NULL,
        holder TEXT NOT NULL,
        token INTEGER NOT NULL CHECK (token >= 1),
        expires_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
];

/** Applies pending migrations in one write transaction. Returns the versions applied. */
export function migrate(db: Db, now: number): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const run = db.transaction((): number[] => {
    // Read inside the (immediate) transaction so two processes starting together cannot both apply.
    const current = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new StoreError(
        'schema-too-new',
        `database schema version ${current} is newer than this Quorate understands (${latest}); upgrade Quorate`,
      );
    }
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      insert.run(m.version, m.name, now);
      applied.push(m.version);
    }
    return applied;
  });
  return run.immediate();
}
