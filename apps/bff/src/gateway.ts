// socket.io gateway: one room per cluster. Collectors publish into rooms; a client subscribes to one
// cluster at a time and is brought up to date with a snapshot or the patches and events it missed.
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  SocketEvents,
  SubscribeRequest,
  type ClusterEvent,
  type PatchMessage,
  type SnapshotMessage,
  type SubscribeAck,
} from '@quorate/model';
import type { ClusterRegistry } from './clusters';
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
}
export type GatewayServer = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>;
type GatewaySocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

export const roomOf = (clusterId: string): string => `cluster:${clusterId}`;

/** events are replayed in pages of this size */
const REPLAY_PAGE = 1000;

export function createGateway(httpServer: HttpServer, clusters: ClusterRegistry, logger: Logger): GatewayServer {
  // same origin only (no CORS): the web app is served by this server, or proxied by Vite in development
  const io: GatewayServer = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024 });

  // Authentication hook: a later issue adds `io.use(authenticate)` here, once, for every socket.
  io.use((_socket, next) => next());

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
  reply({ ok: true, clusterId, resumed: patches ? 'patches' : 'snapshot' });

  if (patches) {
    for (const patch of patches) socket.emit(SocketEvents.patch, { clusterId, patch });
  } else {
    // before the first observation there is nothing yet: the collector's first snapshot reaches the room
    const current = collector.current();
    if (current) socket.emit(SocketEvents.snapshot, { clusterId, rev: current.rev, snapshot: current.snapshot });
  }
  if (req.seq !== undefined) {
    let since = req.seq;
    for (;;) {
      const page = collector.store.since(since, REPLAY_PAGE);
      for (const ev of page.events) socket.emit(SocketEvents.event, ev);
      if (page.events.length < REPLAY_PAGE) break;
      since = page.next;
    }
  }
}
