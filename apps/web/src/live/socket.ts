// The one socket of the app, typed by the model's contract. socket.io's reconnect backoff is jittered
// (randomizationFactor).
import type { ClientToServer, ServerToClient } from '@quorate/model';
import { io, type Socket } from 'socket.io-client';

export type AppSocket = Socket<ServerToClient, ClientToServer>;

let socket: AppSocket | null = null;

export function getSocket(): AppSocket {
  socket ??= io({
    autoConnect: false,
    transports: ['websocket', 'polling'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
  });
  return socket;
}
