// The fan-out between replicas through Redis streams (QUORATE_REDIS_URL), socket.io's own adapter for it, in
// place of PostgreSQL's NOTIFY: the store stays on PostgreSQL. bench:scale (3 replicas, 100 clusters, 1,500
// clients, 2 cores) measured both; NOTIFY took over 0.1 s for about one feed message in ten (one round trip
// per message on one connection, each a transaction), which made most of the p99. Redis appends and reads
// in batches. The URL may hold a password: it is never logged.
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  createClient,
  DisconnectsClientError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server } from 'socket.io';

/** the stream every replica appends to and reads (one namespace: one stream keeps the order) */
export const REDIS_STREAM = 'quorate:socket.io';
/** entries kept (trimmed approximately): minutes of the feed at 100 clusters */
const STREAM_MAX_LEN = 100_000;
/** a read blocks at most this long: closing waits for it */
const BLOCK_MS = 1_000;

/** the Redis client's own failures: a command timed out, or the connection closed, while Redis was away */
const REDIS_CLIENT_ERRORS = [TimeoutError, ClientClosedError, ClientOfflineError, SocketClosedUnexpectedlyError, ConnectionTimeoutError, SocketTimeoutError, DisconnectsClientError];
export const isRedisClientError = (err: unknown): boolean => REDIS_CLIENT_ERRORS.some((E) => err instanceof E);

let reportRejection: ((err: Error) => void) | null = null;
/**
 * A command of the adapter's that failed while Redis was away (node-redis times each out after 5 s) may reject
 * where nobody listens: an unhandled rejection, which ends the process — a Redis restart killed replicas
 * (replicas/outage.test.ts). Those are reported and the replica goes on (the client reconnects, the mirrors fill
 * their gaps); any other unhandled rejection still ends the process, as it does without a handler.
 */
function guardRedisRejections(onError: (err: Error) => void): void {
  const first = reportRejection === null;
  reportRejection = onError;
  if (!first) return;
  process.on('unhandledRejection', (reason) => {
    if (isRedisClientError(reason)) return reportRejection?.(reason as Error);
    throw reason;
  });
}

export async function attachRedisAdapter(io: Server, url: string, heartbeat: { intervalMs: number; timeoutMs: number }, onError: (err: Error) => void): Promise<{ end(): Promise<void> }> {
  const client = createClient({ url, socket: { connectTimeout: 5_000 } });
  // without a listener an error event (Redis restarting) would crash; the client reconnects by itself
  client.on('error', onError);
  guardRedisRejections(onError);
  await client.connect();
  io.adapter(
    createAdapter(client, {
      streamName: REDIS_STREAM,
      maxLen: STREAM_MAX_LEN,
      blockTimeInMs: BLOCK_MS,
      onlyPlaintext: true,
      heartbeatInterval: heartbeat.intervalMs,
      heartbeatTimeout: heartbeat.timeoutMs,
    }),
  );
  return {
    async end() {
      if (client.isOpen) await client.close();
    },
  };
}
