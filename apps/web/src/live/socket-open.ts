// The socket itself, in socket.io-client's chunk (socket.ts loads both when first asked). socket.io's reconnect
// backoff is jittered (randomizationFactor). It retries a connection it could not make, not one the server refused
// in its handshake: 'unauthorized' goes to sign-in (useClusterLive), any other refusal (the database away a
// moment: "the database cannot be reached") is tried again here, or the page would say "reconnecting" for good.
import { io } from 'socket.io-client';
import type { AppSocket } from './socket';

/** a refused handshake is tried again after this, doubling with each refusal in a row up to 16×, ± half at random */
export const CONNECT_RETRY_MS = 1_000;

/** the wait before the next try after `attempt` refusals in a row (from 0) */
export const retryDelay = (attempt: number, random = Math.random): number => (CONNECT_RETRY_MS << Math.min(attempt, 4)) * (0.5 + random());

/** url: the page's own origin when absent (tests give a server's) */
export function openSocket(url?: string): AppSocket {
  const socket: AppSocket = io(url ?? '', {
    autoConnect: false,
    transports: ['websocket', 'polling'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
  });
  let refusals = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  socket.on('connect', () => void (refusals = 0));
  socket.on('connect_error', (err) => {
    // active: socket.io tries again itself
    if (socket.active || err.message === 'unauthorized' || timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (!socket.active) socket.connect();
    }, retryDelay(refusals++));
  });
  return socket;
}
