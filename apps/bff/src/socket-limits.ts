// Bounds on what one socket (and one identity) can make the BFF hold: sockets per identity, subscribe
// requests per socket, events per catch-up reply, bytes queued for a client that does not read.
// Without them a viewer could make the server buffer without limit (issue 7, item 1).
import type { Socket } from 'socket.io';

export interface SocketLimits {
  /** open sockets per user or API token (QUORATE_MAX_SOCKETS_PER_IDENTITY) */
  maxPerIdentity: number;
  /** at most this many events replayed in one subscribe reply; further behind = tooFarBehind (page REST /events) */
  maxReplay: number;
  /** subscribe requests per socket: a burst of this many, */
  subscribeBurst: number;
  /** then one per this many ms */
  subscribeRefillMs: number;
  /** a socket with more than this queued for it (not yet read by the client) is disconnected */
  maxBufferedBytes: number;
}

export const defaultSocketLimits: SocketLimits = {
  maxPerIdentity: 20,
  maxReplay: 500,
  subscribeBurst: 10,
  subscribeRefillMs: 1000,
  // several full snapshots of a 32-node cluster plus a full catch-up: a slow link catches up, a client
  // that stopped reading does not pin memory
  maxBufferedBytes: 4 * 1024 * 1024,
};

/** a token bucket: `burst` requests at once, then one per refillMs */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly refillMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** 0 when a token was taken; else ms until the next one */
  take(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (t - this.last) / this.refillMs);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) * this.refillMs);
  }
}

/**
 * Sockets per identity, counted from the handshake (before the connection completes, so a burst of
 * handshakes cannot slip past the cap) until the socket or its transport closes, whichever comes first.
 */
export class IdentitySockets {
  private readonly open = new Map<string, Set<string>>();

  constructor(private readonly max: () => number) {}

  /** false when key already has max sockets; else counts socket until it closes */
  admit(key: string, socket: Socket): boolean {
    const set = this.open.get(key) ?? new Set<string>();
    if (set.size >= this.max()) return false;
    set.add(socket.id);
    this.open.set(key, set);
    const release = () => {
      set.delete(socket.id);
      if (set.size === 0 && this.open.get(key) === set) this.open.delete(key);
    };
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    return true;
  }

  count(key: string): number {
    return this.open.get(key)?.size ?? 0;
  }
}

/** the `ws` WebSocket under engine.io's websocket transport (absent for long-polling) */
interface RawWebSocket {
  terminate?: () => void;
  _socket?: { writableLength?: number };
}

const packetBytes = (data: unknown): number =>
  typeof data === 'string' ? data.length : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;

/**
 * Disconnects the socket once more than maxBytes wait for its client: packets engine.io holds while the
 * transport is busy, plus what the TCP socket has not handed to the kernel. Both only grow while the
 * client does not read, and every growth starts with a packet, so the check runs per packet.
 */
export function boundBuffer(socket: Socket, maxBytes: number, onOverflow: (bytes: number) => void): void {
  const conn = socket.conn;
  let queued = 0;
  let tripped = false;
  const ws = () => (conn.transport as unknown as { socket?: RawWebSocket }).socket;
  conn.on('packetCreate', (packet: { data?: unknown }) => {
    queued += packetBytes(packet.data);
    const bytes = queued + (ws()?._socket?.writableLength ?? 0);
    if (bytes > maxBytes && !tripped) {
      tripped = true;
      // not in the middle of a room broadcast: close once this emit has returned
      process.nextTick(() => {
        onOverflow(bytes);
        socket.disconnect(true);
        // a polite close would wait for the client to read what is queued, which it does not: drop it
        const raw = ws();
        if (typeof raw?.terminate === 'function') raw.terminate();
        else conn.close(true);
      });
    }
  });
  conn.on('flush', (packets: { data?: unknown }[]) => {
    for (const p of packets) queued -= packetBytes(p.data);
    if (queued < 0) queued = 0;
  });
}
