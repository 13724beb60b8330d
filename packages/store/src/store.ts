// openStore: one SQLite database per BFF data directory, plus the secret key file beside (or away from) it.
import { join } from 'node:path';
import { DB_FILE, openDatabase } from './db';
import { migrate } from './migrations';
import { createEventStore } from './events';
import { createAuditStore } from './audit';
import { createUserStore } from './users';
import { createSessionStore } from './sessions';
import { createTokenStore } from './tokens';
import { createSecretStore } from './secrets';
import { createKvStore } from './kv';
import { createClusterStore } from './clusters';
import { createTaskStore } from './tasks';
import { createLinkRollupStore } from './link-rollups';
import { createAlertStore } from './alerts';
import { createSettings, DAY_MS } from './settings';
import { loadOrCreateKey } from './secret-key';
import { warnCorrupt } from './corrupt';
import type { CorruptReporter } from './corrupt';
import { warnConsole, type Warn } from './data-dir';
import { createHealth } from './integrity';
import { backupDatabase, type BackupOptions, type BackupResult } from './backup';

export type StoreOptions = {
  dataDir: string;
  /** AES key for secrets; default <dataDir>/secret.key (created 0600 when missing) */
  keyFile?: string;
  /** clock in ms since epoch; default Date.now */
  now?: () => number;
  /** called for each row skipped as corrupt; default console.warn (location only, no content) */
  onCorrupt?: CorruptReporter;
  /** told when a loose mode on the data dir or a db file was tightened, or a check could not run; default console.warn */
  onWarning?: Warn;
};

export type Store = ReturnType<typeof openStore>;

export function openStore(options: StoreOptions) {
  const now = options.now ?? Date.now;
  const reportCorrupt = options.onCorrupt ?? warnCorrupt;
  const warn = options.onWarning ?? warnConsole;
  const db = openDatabase(options.dataDir, warn);
  try {
    const health = createHealth(db, now, warn);
    migrate(db, now());
    // the key is loaded up front so a bad key file stops the start, not the first credential read
    const key = loadOrCreateKey(options.keyFile ?? join(options.dataDir, 'secret.key'));
    const kv = createKvStore(db, now, reportCorrupt);
    const settings = createSettings(kv);
    const events = createEventStore(db, now, reportCorrupt);
    const audit = createAuditStore(db, now, reportCorrupt);
    const sessions = createSessionStore(db, now);
    const secrets = createSecretStore(db, key, now);
    const tasks = createTaskStore(db, now, reportCorrupt);
    const alerts = createAlertStore(db, secrets, now, reportCorrupt);
    return {
      events,
      audit,
      users: createUserStore(db, now),
      sessions,
      tokens: createTokenStore(db, now),
      secrets,
      /** clusters added through the API (their secrets in secrets) */
      clusters: createClusterStore(db, secrets, now, reportCorrupt),
      tasks,
      /** alert channels (secrets encrypted), silences, acknowledgements, the delivery log */
      alerts,
      kv,
      settings,
      /** 1-minute link latency/loss per node pair and link; prune() them hourly (a week is kept) */
      linkRollups: createLinkRollupStore(db, now),

      /** ok, or corrupt (with what was found and what to do) since the check at open, a failed query or checkIntegrity() */
      health: health.health,
      /** Pass any error a request failed with: a SQLite corruption error marks the store corrupt (returns true). */
      noteError: health.noteError,
      /** PRAGMA quick_check now (reads the whole file: hourly at most); never throws. */
      checkIntegrity: health.checkIntegrity,

      /** the database file (for messages) */
      path: join(options.dataDir, DB_FILE),

      /**
       * An online copy of the database into file (mode 0600; refuses an existing file unless overwrite),
       * consistent while other connections write. The secret key file is not in it.
       */
      backup(file: string, backupOptions?: BackupOptions): Promise<BackupResult> {
        return backupDatabase(db, file, backupOptions);
      },

      /** Applies the retention settings to events, audit and tasks and drops expired sessions. */
      prune(): { events: number; audit: number; sessions: number; tasks: number; alerts: number } {
        const r = settings.retention.get();
        return {
          events: events.prune({ maxAgeMs: r.events.maxAgeDays * DAY_MS, maxEvents: r.events.maxPerCluster }),
          audit: audit.prune({ maxAgeMs: r.audit.maxAgeDays * DAY_MS }),
          // task logs are the audit trail's detail: kept as long
          tasks: tasks.prune({ maxAgeMs: r.audit.maxAgeDays * DAY_MS }),
          // who was told what: kept as long as the audit trail
          alerts: alerts.prune({ maxAgeMs: r.audit.maxAgeDays * DAY_MS }),
          sessions: sessions.pruneExpired(),
        };
      },

      /**
       * Runs fn in one write transaction (nested store calls become savepoints): e.g. events and the
       * state they were derived from are committed together or not at all.
       */
      transaction<T>(fn: () => T): T {
        return db.transaction(fn).immediate();
      },

      /** the connection, for a library that keeps its own table here (the sign-in rate limits) */
      db,

      close(): void {
        if (db.open) db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
