// socket.io gateway: one room per cluster. Collectors publish into rooms; a client subscribes to one
// cluster at a time and is brought up to date with a snapshot or the patches and events it missed.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server, type Socket } from 'socket.io';
import {
  SocketEvents,
  SubscribeRequest,
  type ClusterEvent,
  type PatchMessage,
  type SnapshotMessage,
  type SubscribeAck,
} from '@quorate/model';
import type { Store } from '@quorate/store';
import { identify, type Identity } from './auth/identity';
import { originAllowed, type OriginPolicy } from './auth/origin';
import type { ClusterRegistry } from './clusters';
import type { EventStore } from './event-store';
import type { Logger } from './logger';

export interface ServerToClient {
  snapshot: (msg: SnapshotMessage) => void;
  patch: (msg: PatchMessage) => void;
  event: (event: ClusterEvent) => void;
}
export interface ClientToServer {
  subscribe: (req: unknown, ack?: (reply: SubscribeAck) => void) => void;
}
export interface SocketData {
  clusterId?: string;
  /** who opened the socket (checked once, in the handshake middleware) */
  identity?: Identity;
}
export type GatewayServer = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
type GatewaySocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

export const roomOf = (clusterId: string): string => `cluster:${clusterId}`;

/** events are replayed in pages of this size */
const REPLAY_PAGE = 1000;
/** a client further behind than this reloads its timeline from REST instead of a replay */
export const MAX_REPLAY = 10_000;

export interface GatewayAuth {
  store: Store;
  origins: OriginPolicy;
}

export function createGateway(httpServer: HttpServer | HttpsServer, clusters: ClusterRegistry, logger: Logger, auth: GatewayAuth): GatewayServer {
  // same origin only (no CORS): the web app is served by this server, or proxied by Vite in development
  const io: GatewayServer = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024 });

  // The one place sockets are authenticated: origin first (a foreign page must not ride the cookie),
  // then a session cookie, `auth: {token}` or an Authorization header. Every role may watch.
  io.use((socket, next) => {
    const req = socket.request;
    if (!originAllowed(req.headers, auth.origins)) return next(new Error('origin not allowed'));
    const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    const who = identify(auth.store, req.headers, token);
    if (!who) return next(new Error('unauthorized'));
    socket.data.identity = who;
    next();
  });

  for (const { collector } of clusters.all()) {
    const room = roomOf(collector.clusterId);
    collector.on('snapshot', (msg) => io.to(room).emit(SocketEvents.snapshot, msg));
    collector.on('patch', (msg) => io.to(room).emit(SocketEvents.patch, msg));
    collector.on('event', (ev) => io.to(room).emit(SocketEvents.event, ev));
  }

  io.on('connection', (socket) => {
    socket.on(SocketEvents.subscribe, (raw, ack) => {
      let replied = false;
      const reply = (r: SubscribeAck): void => {
        replied = true;
        if (typeof ack === 'function') ack(r);
      };
      try {
        subscribe(socket, raw ?? {}, clusters, reply);
      } catch (err) {
        logger.error({ err, clusterId: socket.data.clusterId }, 'subscribe failed');
        if (!replied) reply({ ok: false, error: 'internal error' });
      }
    });
  });
  return io;
}

/**
 * Everything from join to the last replayed message runs synchronously: nothing the collector publishes
 * can slip in between, so the client sees no gap and no duplicate. The ack goes out first, then the
 * catch-up (emits on one socket keep their order).
 */
function subscribe(socket: GatewaySocket, raw: unknown, clusters: ClusterRegistry, reply: (ack: SubscribeAck) => void): void {
  const parsed = SubscribeRequest.safeParse(raw);
  if (!parsed.success) {
    const text = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
    return reply({ ok: false, error: `invalid subscribe request: ${text}` });
  }
  const req = parsed.data;
  const cluster = clusters.get(req.clusterId);
  if (!cluster) return reply({ ok: false, error: `unknown cluster '${req.clusterId}'` });
  const { collector } = cluster;
  const clusterId = collector.clusterId;

  const before = socket.data.clusterId;
  if (before !== undefined && before !== clusterId) void socket.leave(roomOf(before));
  void socket.join(roomOf(clusterId));
  socket.data.clusterId = clusterId;

  const patches = req.rev !== undefined ? collector.resume(req.rev) : null;
  const replay = req.seq !== undefined ? missedEvents(collector.store, req.seq) : null;
  reply({
    ok: true,
    clusterId,
    resumed: patches ? 'patches' : 'snapshot',
    ...(replay ? { catchUp: { events: replay.events.length, tooFarBehind: replay.tooFarBehind } } : {}),
  });

  if (patches) {
    for (const patch of patches) socket.emit(SocketEvents.patch, { clusterId, patch });
  } else {
    // before the first observation there is nothing yet: the collector's first snapshot reaches the room
    const current = collector.current();
    if (current) socket.emit(SocketEvents.snapshot, { clusterId, rev: current.rev, snapshot: current.snapshot });
  }
  for (const ev of replay?.events ?? []) socket.emit(SocketEvents.event, ev);
}

/**
 * The events after seq, or tooFarBehind when some of them are gone (pruned), when there are too many to
 * replay, or when seq is ahead of this store (a client of another data directory): such a client
 * reloads its timeline from REST.
 */
function missedEvents(store: EventStore, seq: number): { events: ClusterEvent[]; tooFarBehind: boolean } {
  const last = store.lastSeq();
  if (seq > last || seq < store.firstSeq() - 1 || last - seq > MAX_REPLAY) return { events: [], tooFarBehind: true };
  const events: ClusterEvent[] = [];
  let since = seq;
  while (since < last) {
    const page = store.since(since, REPLAY_PAGE);
    events.push(...page.events);
    if (page.next <= since) break;
    since = page.next;
  }
  return { events, tooFarBehind: false };
}

/** end the sockets of a user (signed out, deleted, password changed) or of a revoked token */
export function disconnectWhere(io: GatewayServer, pred: (who: Identity) => boolean): void {
  for (const socket of io.sockets.sockets.values()) {
    const who = socket.data.identity;
    if (who && pred(who)) socket.disconnect(true);
  }
}
