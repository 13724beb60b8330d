// The one socket of the app, typed by the model's contract. socket.io-client is its own chunk (with
// socket-open.ts, which makes the socket): loadSocket() fetches it (once), started early (App.tsx) so it arrives
// while the sign-in state is asked for; the login page never needs it.
import type { ClientToServer, ServerToClient } from '@quorate/model';
import type { Socket } from 'socket.io-client';

export type AppSocket = Socket<ServerToClient, ClientToServer>;

let socket: AppSocket | null = null;
let loading: Promise<AppSocket> | null = null;

export function loadSocket(): Promise<AppSocket> {
  loading ??= import('./socket-open').then(({ openSocket }) => (socket ??= openSocket()));
  // a failed chunk load may be retried by the next caller
  loading.catch(() => (loading = null));
  return loading;
}

/** the socket if it was made already (nothing to close otherwise) */
export function existingSocket(): AppSocket | null {
  return socket;
}
