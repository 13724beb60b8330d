// How replicas talk (issue 17): socket.io's PostgreSQL adapter on the shared database, or its Redis streams
// adapter (QUORATE_REDIS_URL, redis-adapter.ts). Room broadcasts reach
// browsers on every replica, and serverSideEmit carries the replicas' own messages: the lease holder's
// collector output for the mirrors (mirror.ts), and a mirror's question for the holder's snapshot.
// Messages from another replica are validated like any input: a bad one is dropped and reported.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import pg from 'pg';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Server } from 'socket.io';
import { ClusterEvent, ClusterSnapshot, SnapshotPatch } from '@quorate/model';
import { attachRedisAdapter } from './redis-adapter';
import type { FeedStatus, Revision } from './mirror';

export const FEED = 'quorate:feed';
export const ASK_SNAPSHOT = 'quorate:snapshot?';
/** the adapter's table for payloads over NOTIFY's 8000 bytes (large snapshots) */
export const ATTACHMENTS_TABLE = 'socket_io_attachments';
/**
 * connections of the adapter's own pool: one LISTENs for good, one publishes — one publisher keeps this
 * replica's messages in order (several would let a later NOTIFY commit first, and every patch that overtakes
 * its base makes the mirrors wait, or ask for a whole snapshot)
 */
const ADAPTER_POOL_MAX = 2;
/** a replica silent this long is gone (its sockets no longer count); heartbeats every third of it */
export const REPLICA_TIMEOUT_MS = 10_000;

const Status = z.object({
  health: z.looseObject({
    state: z.enum(['starting', 'ok', 'degraded', 'down']),
    message: z.string().max(10_000).nullable(),
    lastObservedAt: z.number().nullable(),
  }),
  capabilities: z.array(z.enum(['faults', 'expectedVotes', 'stateExport', 'join', 'create', 'delnode', 'advisorFacts', 'qdevice', 'links'])).max(20),
});

export const FeedMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), clusterId: z.string().min(1), status: Status }),
  z.object({ kind: z.literal('snapshot'), clusterId: z.string().min(1), rev: z.number().int().min(0), snapshot: ClusterSnapshot }),
  z.object({ kind: z.literal('patch'), clusterId: z.string().min(1), patch: SnapshotPatch }),
  z.object({ kind: z.literal('event'), clusterId: z.string().min(1), event: ClusterEvent }),
]);
export type FeedMessage = z.infer<typeof FeedMessage>;
/** what a holder publishes (its status typed as the source says it) */
export type Outgoing = Exclude<FeedMessage, { kind: 'status' }> | { kind: 'status'; clusterId: string; status: FeedStatus };

/**
 * Puts io on the adapter — Redis streams when redisUrl is set, else PostgreSQL's (url) — and returns what to
 * end after io closes.
 */
export async function attachAdapter(io: Server, url: string, onError: (err: Error) => void, redisUrl: string | null = null): Promise<{ end(): Promise<void> }> {
  if (redisUrl !== null) return attachRedisAdapter(io, redisUrl, { intervalMs: REPLICA_TIMEOUT_MS / 3, timeoutMs: REPLICA_TIMEOUT_MS }, onError);
  // a query waits at most this long for a free client (never for ever, whatever the pool's state)
  const pool = new pg.Pool({ connectionString: url, max: ADAPTER_POOL_MAX, application_name: 'quorate-adapter', connectionTimeoutMillis: ADAPTER_CONNECT_TIMEOUT_MS });
  pool.on('error', onError);
  // the adapter keeps one client checked out to LISTEN, with no error listener of its own: without this a
  // database restart would be an unhandled 'error' event, i.e. a crash (the adapter reconnects on 'end')
  pool.on('connect', (client) => client.on('error', onError));
  await pool.query(`CREATE TABLE IF NOT EXISTS ${ATTACHMENTS_TABLE} (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`);
  io.adapter(
    createAdapter(listenReleasing(pool), {
      tableName: ATTACHMENTS_TABLE,
      errorHandler: onError,
      heartbeatInterval: REPLICA_TIMEOUT_MS / 3,
      heartbeatTimeout: REPLICA_TIMEOUT_MS,
    }),
  );
  return pool;
}

/** how long the adapter's queries (NOTIFY, the attachments) wait for a connection before they fail */
const ADAPTER_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The pool as the adapter sees it: the client it checks out to LISTEN goes back to the pool, dropped, when its
 * connection ends. The adapter (0.5) only forgets that client and connects anew: the dead one kept its slot of
 * ADAPTER_POOL_MAX, the new LISTEN took the other, and every NOTIFY waited for a free client — after a database
 * restart the holders' feed stopped for good (replicas/outage.test.ts).
 */
function listenReleasing(pool: pg.Pool): pg.Pool {
  return {
    query: pool.query.bind(pool),
    async connect() {
      const client = await pool.connect();
      const release = client.release.bind(client);
      let released = false;
      client.release = (err?: Error | boolean) => {
        if (released) return;
        released = true;
        release(err);
      };
      client.once('end', () => client.release(new Error('the LISTEN connection ended')));
      return client;
    },
  } as unknown as pg.Pool;
}

/**
 * What one feed emit carries at most (NOTIFY's payload limit is 8000 bytes; the adapter's envelope takes the
 * rest): messages of one event-loop turn go together up to this, a larger one alone.
 */
export const FEED_BATCH_BYTES = 7_000;
/** messages one feed emit may carry (a receiver drops the rest as bad) */
export const FEED_BATCH_MAX = 500;

type Wire = Record<string, unknown> & { kind: string };
const pending = new WeakMap<Server, Wire[]>();

/**
 * The holder: what its collector emitted, to every other replica (patches and snapshots packed). The messages
 * of one event-loop turn (the clusters whose ticks fell due together) go as one emit, in order: each emit is
 * one NOTIFY on the adapter's one publishing connection, a round trip that waits for this replica's event
 * loop — one message each capped the feed at a NOTIFY per turn, and under load it queued (bench:scale: 60 %
 * of the feed over 0.1 s).
 */
export function publish(io: Server, msg: Outgoing): void {
  // sentAt: the receivers measure how long the database took to hand it on (replicas share a clock within NTP)
  const sentAt = Date.now();
  const wire: Wire =
    msg.kind === 'patch'
      ? { kind: 'patch', clusterId: msg.clusterId, packed: pack(msg.patch), sentAt }
      : msg.kind === 'snapshot'
        ? { kind: 'snapshot', clusterId: msg.clusterId, rev: msg.rev, packed: pack(msg.snapshot), sentAt }
        : { ...msg, sentAt };
  let queue = pending.get(io);
  if (!queue) pending.set(io, (queue = []));
  queue.push(wire);
  if (queue.length === 1) setImmediate(() => flush(io));
}

function flush(io: Server): void {
  const queue = pending.get(io)?.splice(0) ?? [];
  let batch: Wire[] = [];
  let bytes = 0;
  const send = () => {
    if (batch.length > 0) io.serverSideEmit(FEED, batch.length === 1 ? batch[0] : batch);
    batch = [];
    bytes = 0;
  };
  for (const wire of queue) {
    const size = typeof wire.packed === 'string' ? wire.packed.length + 100 : JSON.stringify(wire).length;
    if (bytes + size > FEED_BATCH_BYTES || batch.length >= FEED_BATCH_MAX) send();
    batch.push(wire);
    bytes += size;
  }
  send();
}

/**
 * Patches and snapshots travel deflated (level 1), base64 in the NOTIFY's JSON. A 16-node patch is 10.5 KB of
 * JSON, over NOTIFY's 8000 bytes: the adapter would store it in its table (an INSERT, then a SELECT by every
 * other replica, on the one connection its own messages queue on) and hand it on after smaller messages sent
 * after it — the mirrors then wait for the gap (bench:scale's p99 of 1.2 s at 300 clients). Packed it is 4.9 KB
 * and goes inline, in order; a 16-node snapshot 11.7 KB (through the table, but rarely). 0.2 ms per patch.
 */
function pack(value: unknown): string {
  return deflateRawSync(JSON.stringify(value), { level: 1 }).toString('base64');
}
/** a packed message inflates to at most this: a 32-node, 8-link snapshot is 1 MB of JSON */
export const MAX_UNPACKED_BYTES = 32 * 1024 * 1024;
/** the message as sent, or a problem */
function unpack(raw: unknown): unknown {
  const m = raw as { kind?: unknown; packed?: unknown } | null;
  if (typeof m !== 'object' || m === null || typeof m.packed !== 'string') return raw;
  const { packed, ...rest } = m as Record<string, unknown> & { packed: string };
  const value = JSON.parse(inflateRawSync(Buffer.from(packed, 'base64'), { maxOutputLength: MAX_UNPACKED_BYTES }).toString('utf8')) as unknown;
  return m.kind === 'patch' ? { ...rest, patch: value } : m.kind === 'snapshot' ? { ...rest, snapshot: value } : raw;
}

/**
 * A replica: every valid feed message from the others; a bad one goes to onBad. Snapshots and statuses are
 * checked whole; patches and events — the bulk, one a second per cluster, a 16-node patch tens of KB — by
 * their frame (what the mirror orders them by), as parsing each whole cost a replica more than its own
 * collectors (bench:scale). They come from the other replicas' collectors, which built them from validated
 * snapshots, over the database only replicas can write to. An emit carries one message, or a batch of them in
 * order (an array: publish).
 */
export function onFeed(io: Server, handle: (msg: FeedMessage, delayMs: number | null) => void, onBad: (problem: string) => void): void {
  io.on(FEED, (payload: unknown) => {
    if (!Array.isArray(payload)) return one(payload);
    if (payload.length > FEED_BATCH_MAX) onBad(`a batch of ${payload.length} messages: the first ${FEED_BATCH_MAX} taken`);
    for (const m of payload.slice(0, FEED_BATCH_MAX)) one(m);
  });
  const one = (packed: unknown) => {
    const sentAt = (packed as { sentAt?: unknown } | null)?.sentAt;
    const delayMs = typeof sentAt === 'number' && Number.isFinite(sentAt) ? Math.max(0, Date.now() - sentAt) : null;
    let raw: unknown;
    try {
      raw = unpack(packed);
    } catch (err) {
      return onBad(`cannot unpack: ${(err as Error).message}`);
    }
    const r = (isBulk(raw) ? Bulk : FeedMessage).safeParse(raw);
    if (r.success) handle(r.data as FeedMessage, delayMs);
    else onBad(r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  };
}

const isBulk = (raw: unknown): boolean => {
  const kind = (raw as { kind?: unknown } | null)?.kind;
  return kind === 'patch' || kind === 'event';
};
const Seq = z.number().int().min(0);
const Bulk = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('patch'), clusterId: z.string().min(1), patch: z.looseObject({ baseRev: Seq, rev: Seq }) }),
  z.object({ kind: z.literal('event'), clusterId: z.string().min(1), event: z.looseObject({ seq: Seq.min(1), clusterId: z.string().min(1), at: z.number(), severity: z.string(), message: z.string(), body: z.looseObject({ type: z.string() }) }) }),
]);

/** a cluster added, changed or removed through the API on one replica: the others read its row again */
export const CLUSTER_CHANGED = 'quorate:cluster-changed';
const ClusterId = z.string().min(1).max(64);

export function announceClusterChange(io: Server, clusterId: string): void {
  io.serverSideEmit(CLUSTER_CHANGED, clusterId);
}

export function onClusterChange(io: Server, handle: (clusterId: string) => void): void {
  io.on(CLUSTER_CHANGED, (raw: unknown) => {
    const r = ClusterId.safeParse(raw);
    if (r.success) handle(r.data);
  });
}

export type Answer = Revision & { status: FeedStatus };
const Answer = z.object({ rev: z.number().int().min(0), snapshot: ClusterSnapshot, status: Status }).nullable();

/** The holder answers with its current revision of the cluster and its status, the others with null. */
export function answerSnapshots(io: Server, current: (clusterId: string) => Answer | null): void {
  io.on(ASK_SNAPSHOT, (clusterId: unknown, reply: unknown) => {
    if (typeof reply !== 'function') return;
    (reply as (r: Answer | null) => void)(typeof clusterId === 'string' ? current(clusterId) : null);
  });
}

/**
 * Asks every other replica; the newest revision any of them holds, or null. The adapter waits 5 s at most
 * (socket.io-adapter's fixed timeout) and then gives what the others answered in time.
 */
export async function askSnapshot(io: Server, clusterId: string): Promise<Answer | null> {
  const replies = await new Promise<unknown[]>((resolve) => {
    io.serverSideEmit(ASK_SNAPSHOT, clusterId, (_err: Error | null, responses: unknown[]) => resolve(Array.isArray(responses) ? responses : []));
  });
  let best: Answer | null = null;
  for (const raw of replies) {
    const r = Answer.safeParse(raw);
    if (r.success && r.data && (!best || r.data.rev > best.rev)) best = r.data as Answer;
  }
  return best;
}
