// openSqlStore: the whole store, asynchronous, on SQLite (a data directory: the embedded default) or
// PostgreSQL (a URL: replicas sharing one database). Parts are built on the database, and again on each
// transaction (store.transaction), so a transaction's writes go through the parts bound to it.
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { DAY_MS } from '../settings';
import { createHealth } from '../integrity';
import { backupDatabase } from '../backup';
import { StoreError } from '../errors';
import { warnCorrupt } from '../corrupt';
import { warnConsole } from '../data-dir';
import { loadOrCreateKey } from '../secret-key';
import type { SecretKey } from '../secret-key';
import type { StoreHealth } from '../integrity';
import { closeEngine, openEngine } from './open';
import { createReachability } from './reachability';
import type { Engine, SqlStoreOptions } from './open';
import { createLeaseStore } from './leases';
import { createEventStore } from './events';
import { createTimelineStore } from './timeline';
import { createAuditStore } from './audit';
import { createUserStore } from './users';
import { createSessionStore } from './sessions';
import { createTokenStore } from './tokens';
import { createSecretStore } from './secrets';
import { createKvStore } from './kv';
import { createSettings } from './settings';
import { createClusterStore } from './clusters';
import { createTaskStore } from './tasks';
import { createAlertStore } from './alerts';
import { createLinkRollupStore } from './link-rollups';
import { writeTx } from './tx';
import type { SqlContext, SqlStore, StoreParts } from './contract';
import type { Schema } from './schema';

export type { SqlStoreOptions } from './open';

export async function openSqlStore(options: SqlStoreOptions): Promise<SqlStore> {
  const now = options.now ?? Date.now;
  const reportCorrupt = options.onCorrupt ?? warnCorrupt;
  const warn = options.onWarning ?? warnConsole;
  const keyFile = options.keyFile ?? ('dataDir' in options ? join(options.dataDir, 'secret.key') : undefined);
  if (keyFile === undefined) throw new StoreError('invalid', 'a PostgreSQL store needs the secret key file (keyFile): every replica must use the same key');
  // SQLite first: opening it makes the data directory the default key file lives in. PostgreSQL after the
  // key: a bad key file stops the start before a connection is made.
  const sqlite = 'dataDir' in options ? await openEngine(options) : null;
  let key: SecretKey;
  try {
    key = loadOrCreateKey(keyFile);
  } catch (e) {
    if (sqlite) await closeEngine(sqlite);
    throw e;
  }
  const engine = sqlite ?? (await openEngine(options));
  try {
    return compose(engine, key, now, reportCorrupt, warn);
  } catch (e) {
    await closeEngine(engine);
    throw e;
  }
}

function compose(engine: Engine, key: SecretKey, now: () => number, reportCorrupt: SqlContext['reportCorrupt'], warn: (m: string) => void): SqlStore {
  const { db, dialect } = engine;
  const base: SqlContext = { db, dialect, now, reportCorrupt };
  const transaction = <T>(fn: (tx: StoreParts) => Promise<T>): Promise<T> =>
    writeTx(db, dialect, (tx) => fn(partsOn(tx)));

  // keeps each cluster's open span in memory: one for the store, shared by every transaction's parts
  const timeline = createTimelineStore(base);
  const secretsOn = (on: Kysely<Schema>) => createSecretStore({ ...base, db: on }, key);

  function partsOn(on: Kysely<Schema>): StoreParts {
    const ctx: SqlContext = { ...base, db: on };
    const kv = createKvStore(ctx);
    return {
      events: createEventStore(ctx),
      audit: createAuditStore(ctx),
      users: createUserStore(ctx, partsOn),
      sessions: createSessionStore(ctx),
      tokens: createTokenStore(ctx),
      secrets: secretsOn(on),
      clusters: createClusterStore(ctx, (c) => createSecretStore(c, key)),
      tasks: createTaskStore(ctx),
      alerts: createAlertStore(ctx, secretsOn),
      kv,
      settings: createSettings(kv),
      linkRollups: createLinkRollupStore(ctx),
      timeline,
      leases: createLeaseStore(on, dialect, now),
    };
  }

  const parts = partsOn(db);
  const health = engine.dialect === 'sqlite' ? createHealth(engine.sqlite, now, warn) : null;
  const reach = engine.dialect === 'postgres' ? createReachability(async () => void (await sql`select 1`.execute(db)), now) : null;

  return {
    ...parts,
    dialect,
    where: engine.where,
    health: (): StoreHealth => health?.health() ?? reach!.health(),
    checkHealth: async (): Promise<StoreHealth> => health?.health() ?? reach!.check(),
    noteError: (err) => health?.noteError(err) ?? reach!.noteError(err),
    async checkIntegrity(): Promise<StoreHealth> {
      return health ? health.checkIntegrity() : reach!.check();
    },
    backup(file, options) {
      if (engine.dialect !== 'sqlite') {
        return Promise.reject(new StoreError('invalid', 'a PostgreSQL store is backed up with pg_dump (see the README), not by Quorate'));
      }
      return backupDatabase(engine.sqlite, file, options);
    },
    async prune() {
      const r = await parts.settings.retention.get();
      return {
        events: await parts.events.prune({ maxAgeMs: r.events.maxAgeDays * DAY_MS, maxEvents: r.events.maxPerCluster }),
        audit: await parts.audit.prune({ maxAgeMs: r.audit.maxAgeDays * DAY_MS }),
        // task logs are the audit trail's detail: kept as long
        tasks: await parts.tasks.prune({ maxAgeMs: r.audit.maxAgeDays * DAY_MS }),
        // who was told what: kept as long as the audit trail
        alerts: await parts.alerts.prune({ maxAgeMs: r.audit.maxAgeDays * DAY_MS }),
        sessions: await parts.sessions.pruneExpired(),
      };
    },
    transaction,
    limiter: engine.dialect === 'sqlite' ? { kind: 'sqlite', db: engine.sqlite } : { kind: 'postgres', pool: engine.pool },
    db,
    close: () => closeEngine(engine),
  };
}
