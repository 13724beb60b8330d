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
import { isUnreachable, type Store } from '@quorate/store';
import { identify, type Identity } from './auth/identity';
import { originAllowed, type OriginPolicy } from './auth/origin';
import type { Cluster, ClusterFeed, ClusterRegistry } from './clusters';
import { EventFloors } from './event-floors';
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

/** what a socket is told when its connect or subscribe failed on our side (the details are logged) */
const failureText = (err: unknown): string => (isUnreachable(err) ? 'the database cannot be reached' : 'internal error');

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
  const floors = new EventFloors();

  // The one place sockets are authenticated: host and origin first (a foreign page must not ride the
  // cookie), then a session cookie, `auth: {token}` or an Authorization header. Every role may watch.
  io.use((socket, next) => {
    const req = socket.request;
    const hostRefused = auth.hostRefusal?.(req.headers);
    if (hostRefused) return next(new Error(hostRefused));
    if (!originAllowed(req.headers, auth.origins)) return next(new Error('origin not allowed'));
    const token = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    identify(auth.store, req.headers, token).then(
      (who) => admit(who),
      (err: unknown) => {
        logger.error({ err }, 'socket refused: could not check who it is');
        next(new Error(failureText(err)));
      },
    );
    const admit = (who: Identity | null) => {
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
    };
  });

  // each cluster's feed (its collector, or its mirror where another replica runs it) publishes into its room
  // on this replica alone (io.local): each replica relays its own feed, so what its sockets got is what its
  // feed emitted (the resume below relies on it); clusters come and go at runtime (cluster-admin.ts)
  const unwire = new Map<ClusterFeed, () => void>();
  const wire = ({ feed }: Cluster) => {
    const room = roomOf(feed.clusterId);
    const snapshot = (msg: SnapshotMessage) => io.local.to(room).emit(SocketEvents.snapshot, msg);
    const patch = (msg: PatchMessage) => io.local.to(room).emit(SocketEvents.patch, msg);
    const event = (ev: ClusterEvent) => {
      const skip = floors.skip(feed.clusterId, ev.seq);
      (skip.length > 0 ? io.local.to(room).except(skip) : io.local.to(room)).emit(SocketEvents.event, ev);
    };
    feed.on('snapshot', snapshot);
    feed.on('patch', patch);
    feed.on('event', event);
    unwire.set(feed, () => {
      feed.off('snapshot', snapshot);
      feed.off('patch', patch);
      feed.off('event', event);
    });
  };
  for (const c of clusters.all()) wire(c);
  clusters.on('added', wire);
  clusters.on('removed', ({ feed }) => {
    unwire.get(feed)?.();
    unwire.delete(feed);
  });

  io.on('connection', (socket) => {
    closeAtExpiry(socket, auth.store, logger);
    socket.on('disconnect', () => {
      if (socket.data.clusterId !== undefined) floors.clear(socket.data.clusterId, socket.id);
    });
    socket.on(SocketEvents.subscribe, (raw, ack) => {
      let replied = false;
      const reply = (r: SubscribeAck): void => {
        replied = true;
        if (typeof ack === 'function') ack(r);
      };
      const failed = (err: unknown) => {
        logger.error({ err, clusterId: socket.data.clusterId }, 'subscribe failed');
        if (!replied) reply({ ok: false, error: failureText(err) });
      };
      const wait = socket.data.subscribes?.take() ?? 0;
      if (wait > 0) return reply({ ok: false, error: `too many subscribe requests: try again in ${Math.ceil(wait / 1000)} s` });
      try {
        subscribe(socket, raw ?? {}, clusters, floors, limits.maxReplay, reply).catch(failed);
      } catch (err) {
        failed(err);
      }
    });
  });
  return io;
}

/** events read from the store per query while catching a client up */
export const REPLAY_PAGE = 100;

/**
 * Gap-free and without duplicates, although the store answers asynchronously: in the tick the socket
 * joins the room, the patches it missed (or the snapshot) are sent and L0 = the collector's last emitted
 * seq is taken. Every event the room gets from then on has a seq above L0, and every one up to L0 is in
 * the store: the catch-up is (seq, L0], read afterwards. Live events may so reach the client before the
 * caught-up ones: clients order events by seq and drop a seq they hold (web live/cache.ts mergeEvents).
 * A client ahead of L0 (it watched through the lease holder; this replica's feed lags) gets a floor
 * (event-floors.ts): the events it holds are not sent again.
 * Without seq the ack goes out at once, then the snapshot or patches; with seq the ack follows the
 * snapshot or patches (it says how many events come), then the caught-up events.
 */
async function subscribe(socket: GatewaySocket, raw: unknown, clusters: ClusterRegistry, floors: EventFloors, maxReplay: number, reply: (ack: SubscribeAck) => void): Promise<void> {
  const parsed = SubscribeRequest.safeParse(raw);
  if (!parsed.success) {
    const text = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
    return reply({ ok: false, error: `invalid subscribe request: ${text}` });
  }
  const req = parsed.data;
  const cluster = clusters.get(req.clusterId);
  if (!cluster) return reply({ ok: false, error: `unknown cluster '${req.clusterId}'` });
  const { feed } = cluster;
  const clusterId = feed.clusterId;

  // --- one tick: join, what the client missed of the rev chain, L0
  const before = socket.data.clusterId;
  if (before !== undefined) floors.clear(before, socket.id);
  if (before !== undefined && before !== clusterId) void socket.leave(roomOf(before));
  void socket.join(roomOf(clusterId));
  socket.data.clusterId = clusterId;
  const l0 = feed.emittedSeq();
  // ahead of this replica's feed (it watched through the holder): what it holds must not come again
  const ahead = req.seq !== undefined && req.seq > l0;
  if (ahead) floors.set(clusterId, socket.id, req.seq!);
  const patches = req.rev !== undefined ? feed.resume(req.rev) : null;
  const resumed = patches ? 'patches' : 'snapshot';
  const sendState = () => {
    if (patches) {
      for (const patch of patches) socket.emit(SocketEvents.patch, { clusterId, patch });
    } else {
      // before the first observation there is nothing yet: the collector's first snapshot reaches the room
      const current = feed.current();
      if (current) socket.emit(SocketEvents.snapshot, { clusterId, rev: current.rev, snapshot: current.snapshot });
    }
  };
  if (req.seq === undefined) {
    reply({ ok: true, clusterId, resumed });
    sendState();
    return;
  }
  // live patches go to the room from the next tick on: the missed ones must be out before them
  sendState();

  // --- then the events (seq, L0] from the store
  const replay = await missedEvents(feed.store, req.seq, l0, maxReplay);
  // a seq this store never had (another data directory): the client reloads from REST, no floor holds
  if (ahead && replay.tooFarBehind && socket.data.clusterId === clusterId) floors.clear(clusterId, socket.id, req.seq);
  reply({ ok: true, clusterId, resumed, catchUp: { events: replay.events.length, tooFarBehind: replay.tooFarBehind } });
  // not to a socket that moved on to another cluster meanwhile
  if (socket.data.clusterId !== clusterId) return;
  for (const ev of replay.events) socket.emit(SocketEvents.event, ev);
}

/**
 * The events in (seq, l0] (at most max, read in pages), or tooFarBehind when some of them are gone
 * (pruned, also while reading), when there are more than max, or when seq is ahead of this store (a
 * client of another data directory): such a client reloads its timeline from REST (GET /events pages
 * through it). A seq above l0 but stored (committed, not yet emitted) has nothing to catch up: its
 * events come live.
 */
async function missedEvents(store: EventStore, seq: number, l0: number, max: number): Promise<{ events: ClusterEvent[]; tooFarBehind: boolean }> {
  if (seq >= l0) return { events: [], tooFarBehind: seq > l0 && seq > (await store.lastSeq()) };
  if (l0 - seq > max || seq < (await store.firstSeq()) - 1) return { events: [], tooFarBehind: true };
  const events: ClusterEvent[] = [];
  for (let at = seq; at < l0; ) {
    const page = await store.since(at, Math.min(REPLAY_PAGE, l0 - at));
    const fits = page.events.filter((e) => e.seq <= l0);
    // seqs are gap-free: anything else means events were pruned meanwhile
    if (fits.length === 0 || fits[0]!.seq !== at + 1 || fits.at(-1)!.seq - at !== fits.length) return { events: [], tooFarBehind: true };
    events.push(...fits);
    at = fits.at(-1)!.seq;
  }
  return { events, tooFarBehind: false };
}

/**
 * A browser session's socket ends when the session does (expired, or revoked elsewhere): checked at
 * its expiry time, which REST use may have pushed back (sliding), so then the check is rescheduled.
 */
function closeAtExpiry(socket: GatewaySocket, store: Store, logger: Logger): void {
  const rawId = socket.data.identity?.session?.rawId;
  if (!rawId) return;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = (expiresAt: number) => {
    timer = setTimeout(check, Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - Date.now()) + 50));
    timer.unref?.();
  };
  const check = () => {
    timer = null;
    store.sessions.get(rawId).then(
      (s) => {
        if (socket.disconnected) return;
        if (s) return schedule(s.expiresAt);
        socket.disconnect(true);
      },
      (err: unknown) => {
        // not known: try again in a minute rather than end a session that may be fine
        logger.error({ err }, 'could not check a socket\'s session');
        if (!socket.disconnected) schedule(Date.now() + 60_000);
      },
    );
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
