// The store's asynchronous face (issue 17): the same sub-stores, methods and results as the SQLite store's
// (../events.ts, ../users.ts, …), each result a Promise, so one BFF runs on SQLite (the embedded default)
// or PostgreSQL (replicas). Every part is built on Kysely for both engines (sql/<part>.ts); the types here
// are the contract each part is checked against (see contract.test-d.ts).
import type { z } from 'zod';
import type { Kysely } from 'kysely';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { User } from '../users';
import type { AuditStore } from '../audit';
import type { UserStore, UserUpdate } from '../users';
import type { SessionStore } from '../sessions';
import type { TokenStore } from '../tokens';
import type { SecretStore } from '../secrets';
import type { ClusterStore } from '../clusters';
import type { TaskStore } from '../tasks';
import type { AlertStore } from '../alerts';
import type { KvStore } from '../kv';
import type { Settings } from '../settings';
import type { LinkRollupStore } from '../link-rollups';
import type { TimelineStore } from '../timeline';
import type { EventStore } from '../events';
import type { StoreHealth } from '../integrity';
import type { BackupOptions, BackupResult } from '../backup';
import type { CorruptReporter } from '../corrupt';
import type { LeaseStore } from './leases';
import type { Fence } from './fence';
import type { Dialect, Schema } from './schema';

/** each method of T, its result as a Promise; groups of methods (alerts.channels) likewise */
export type Async<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : T[K] extends object
      ? Async<T[K]>
      : T[K];
};

/** What every part is built from: a database or a transaction on it (cheap to build: no state, no statements). */
export interface SqlContext {
  db: Kysely<Schema>;
  dialect: Dialect;
  now: () => number;
  reportCorrupt: CorruptReporter;
}

export type AsyncEventStore = Omit<Async<EventStore>, 'append'> & {
  /** With a fence, throws FencedError and writes nothing unless that lease is still current (fence.ts). */
  append(clusterId: string, drafts: Parameters<EventStore['append']>[1], fence?: Fence): ReturnType<Async<EventStore>['append']>;
};

export type AsyncKvStore = Omit<Async<KvStore>, 'get'> & {
  get<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S> | undefined>;
};

export type AsyncSettings = { retention: Async<Settings['retention']> };

/**
 * users.update's hooks run inside the update's transaction, with the parts bound to it (a hook's writes
 * commit with the change or not at all); check may refuse by throwing.
 */
export type AsyncUpdateHooks = {
  check?: (current: User, tx: StoreParts) => void | Promise<void>;
  then?: (updated: User, before: User, tx: StoreParts) => void | Promise<void>;
};
export type AsyncUserStore = Omit<Async<UserStore>, 'update'> & {
  update(id: string, change: UserUpdate, hooks?: AsyncUpdateHooks): Promise<User>;
};

/** The sub-stores, on the database or bound to one transaction. */
export interface StoreParts {
  events: AsyncEventStore;
  audit: Async<AuditStore>;
  users: AsyncUserStore;
  sessions: Async<SessionStore>;
  tokens: Async<TokenStore>;
  secrets: Async<SecretStore>;
  /** clusters added through the API (their secrets in secrets) */
  clusters: Async<ClusterStore>;
  tasks: Async<TaskStore>;
  /** alert channels (secrets encrypted), silences, acknowledgements, the delivery log */
  alerts: Async<AlertStore>;
  kv: AsyncKvStore;
  settings: AsyncSettings;
  /** 1-minute link latency/loss per node pair and link; prune() them hourly (a week is kept) */
  linkRollups: Async<LinkRollupStore>;
  /** time travel: keyframes and patches per cluster */
  timeline: Async<TimelineStore>;
  /** which replica runs each cluster's collector */
  leases: LeaseStore;
}

export type PruneCounts = { events: number; audit: number; sessions: number; tasks: number; alerts: number };

/** Where the sign-in limiter keeps its counters: the engine's own client (rate-limiter-flexible). */
export type LimiterBackend = { kind: 'sqlite'; db: Database.Database } | { kind: 'postgres'; pool: pg.Pool };

export interface SqlStore extends StoreParts {
  dialect: Dialect;
  /** for messages: the SQLite file, or the PostgreSQL URL without its password */
  where: string;
  /** ok, or corrupt (with what was found and what to do); PostgreSQL: ok (the server checks its own pages) */
  health(): StoreHealth;
  /** Pass any error a request failed with: a SQLite corruption error marks the store corrupt (returns true). */
  noteError(err: unknown): boolean;
  /** SQLite: PRAGMA quick_check now (hourly at most); never throws. PostgreSQL: a round trip. */
  checkIntegrity(): Promise<StoreHealth>;
  /** SQLite: an online copy into file (0600). PostgreSQL: refused (StoreError 'invalid'): use pg_dump. */
  backup(file: string, options?: BackupOptions): Promise<BackupResult>;
  /** Applies the retention settings to events, audit, tasks and alerts and drops expired sessions. */
  prune(): Promise<PruneCounts>;
  /**
   * Runs fn in one write transaction with the parts bound to it: all of its writes commit together or
   * none do. Nested calls run in the outer transaction.
   */
  transaction<T>(fn: (tx: StoreParts) => Promise<T>): Promise<T>;
  limiter: LimiterBackend;
  /** Kysely on the database: for the parts' own tests and diagnostics, not for the BFF */
  db: Kysely<Schema>;
  /** Ends the pool or closes the file. */
  close(): Promise<void>;
}
