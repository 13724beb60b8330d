// socket.io gateway: one room per cluster. Collectors publish into rooms; a client subscribes to one
// cluster at a time and is brought up to date with a snapshot or the patches and events it missed.
import type { Server as HttpServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server, type Socket } from 'socket.io';
import {
  SocketEvents,
  SubscribeRequest,
  type ClientToServer,
  type ClusterEvent,
  type PatchMessage,
  type ServerToClient,
  type SnapshotMessage,
  type SubscribeAck,
} from '@quorate/model';
import type { Store } from '@quorate/store';
import { identify, type Identity } from './auth/identity';
import { originAllowed, type OriginPolicy } from './auth/origin';
import type { Cluster, ClusterRegistry } from './clusters';
import type { Collector } from './collector';
import type { EventStore } from './event-store';
import type { Logger } from './logger';
import { IdentitySockets, TokenBucket, boundBuffer, defaultSocketLimits, type SocketLimits } from './socket-limits';

/**
 * The model's contract (ClientToServer), as this end must treat it: a client may send anything, so the
 * request is unknown until parsed and the ack may be missing.
 */
type ClientToServerUnchecked = { [E in keyof ClientToServer]: (req: unknown, ack?: Parameters<ClientToServer[E]>[1]) => void };
export interface SocketData {
  clusterId?: string;
  /** who opened the socket (checked once, in the handshake middleware) */
  identity?: Identity;
  /** subscribe requests this socket may still make (rate limit) */
  subscribes?: TokenBucket;
}
export type GatewayServer = Server<ClientToServerUnchecked, ServerToClient, Record<string, never>, SocketData>;
type GatewaySocket = Socket<ClientToServerUnchecked, ServerToClient, Record<string, never>, SocketData>;

export const roomOf = (clusterId: string): string => `cluster:${clusterId}`;

export interface GatewayAuth {
  store: Store;
  origins: OriginPolicy;
  /** Host header allow-list (DNS rebinding): null = allowed, else the refusal text */
  hostRefusal?: (headers: IncomingHttpHeaders) => string | null;
}

/** setTimeout's limit (~24.8 days): longer session lifetimes are re-checked at that interval */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createGateway(
  httpServer: HttpServer | HttpsServer,
  clusters: ClusterRegistry,
  logger: Logger,
  auth: GatewayAuth,
  limitsIn: Partial<SocketLimits> = {},
): GatewayServer {
  const limits: SocketLimits = { ...defaultSocketLimits, ...limitsIn };
  // same origin only (no CORS): the web app is served by this server, or proxied by Vite in development
  const io: GatewayServer = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024 });
  const perIdentity = new IdentitySockets(() => limits.maxPerIdentity);

  // The one place sockets are authenticated: host and origin first (a foreign page must not ride the
  // cookie), then a session cookie, `auth: {token}` or an Authorization header. Every role may watch.
  io.use((socket, next) => {
    const req = socket.request;
    const hostRefused = auth.hostRefusal?.(req.headers);
    if (hostRefused) return next(new Error(hostRefused));
    if (!originAllowed(req.headers, auth.origins)) return next(new Error('origin not allowed'));
    const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    const who = identify(auth.store, req.headers, token);
    if (!who) return next(new Error('unauthorized'));
    if (!perIdentity.admit(`${who.kind}:${who.id}`, socket)) {
      logger.warn({ who: who.name, kind: who.kind, limit: limits.maxPerIdentity }, 'socket refused: too many sockets for one identity');
      return next(
        new Error(
          `too many open connections for ${who.kind} ${who.name} (limit ${limits.maxPerIdentity}): close other tabs or scripts, or raise QUORATE_MAX_SOCKETS_PER_IDENTITY`,
        ),
      );
    }
    socket.data.identity = who;
    socket.data.subscribes = new TokenBucket(limits.subscribeBurst, limits.subscribeRefillMs);
    boundBuffer(socket, limits.maxBufferedBytes, (bytes) =>
      logger.warn({ who: who.name, kind: who.kind, bytes, limit: limits.maxBufferedBytes }, 'socket disconnected: its client stopped reading'),
    );
    next();
  });

  // each cluster's collector publishes into its room; clusters come and go at runtime (cluster-admin.ts)
  const unwire = new Map<Collector, () => void>();
  const wire = ({ collector }: Cluster) => {
    const room = roomOf(collector.clusterId);
    const snapshot = (msg: SnapshotMessage) => io.to(room).emit(SocketEvents.snapshot, msg);
    const patch = (msg: PatchMessage) => io.to(room).emit(SocketEvents.patch, msg);
    const event = (ev: ClusterEvent) => io.to(room).emit(SocketEvents.event, ev);
    collector.on('snapshot', snapshot).on('patch', patch).on('event', event);
    unwire.set(collector, () => collector.off('snapshot', snapshot).off('patch', patch).off('event', event));
  };
  for (const c of clusters.all()) wire(c);
  clusters.on('added', wire);
  clusters.on('removed', ({ collector }) => {
    unwire.get(collector)?.();
    unwire.delete(collector);
  });

  io.on('connection', (socket) => {
    closeAtExpiry(socket, auth.store);
    socket.on(SocketEvents.subscribe, (raw, ack) => {
      let replied = false;
      const reply = (r: SubscribeAck): void => {
        replied = true;
        if (typeof ack === 'function') ack(r);
      };
      const wait = socket.data.subscribes?.take() ?? 0;
      if (wait > 0) return reply({ ok: false, error: `too many subscribe requests: try again in ${Math.ceil(wait / 1000)} s` });
      try {
        subscribe(socket, raw ?? {}, clusters, limits.maxReplay, reply);
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
function subscribe(socket: GatewaySocket, raw: unknown, clusters: ClusterRegistry, maxReplay: number, reply: (ack: SubscribeAck) => void): void {
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
  const replay = req.seq !== undefined ? missedEvents(collector.store, req.seq, maxReplay) : null;
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
 * The events after seq (at most max, one page), or tooFarBehind when some of them are gone (pruned),
 * when there are more than max, or when seq is ahead of this store (a client of another data
 * directory): such a client reloads its timeline from REST (GET /events pages through it).
 */
function missedEvents(store: EventStore, seq: number, max: number): { events: ClusterEvent[]; tooFarBehind: boolean } {
  const last = store.lastSeq();
  if (seq > last || seq < store.firstSeq() - 1 || last - seq > max) return { events: [], tooFarBehind: true };
  if (seq === last) return { events: [], tooFarBehind: false };
  return { events: store.since(seq, max).events, tooFarBehind: false };
}

/**
 * A browser session's socket ends when the session does (expired, or revoked elsewhere): checked at
 * its expiry time, which REST use may have pushed back (sliding), so then the check is rescheduled.
 */
function closeAtExpiry(socket: GatewaySocket, store: Store): void {
  const rawId = socket.data.identity?.session?.rawId;
  if (!rawId) return;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = (expiresAt: number) => {
    timer = setTimeout(check, Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - Date.now()) + 50));
    timer.unref?.();
  };
  const check = () => {
    const s = store.sessions.get(rawId);
    if (s) return schedule(s.expiresAt);
    timer = null;
    socket.disconnect(true);
  };
  schedule(socket.data.identity!.session!.expiresAt);
  socket.once('disconnect', () => {
    if (timer) clearTimeout(timer);
  });
}

/** end the sockets of a user (signed out, deleted, password changed) or of a revoked token */
export function disconnectWhere(io: GatewayServer, pred: (who: Identity) => boolean): void {
  for (const socket of io.sockets.sockets.values()) {
    const who = socket.data.identity;
    if (who && pred(who)) socket.disconnect(true);
  }
}
