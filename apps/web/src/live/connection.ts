// Connection state of the one socket, readable from any component.
import { useSyncExternalStore } from 'react';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface FreshnessNotice {
  /** increases with every notice, so the same words twice still show (and are announced) again */
  id: number;
  text: string;
}

export interface ConnectionInfo {
  status: ConnectionStatus;
  /** why the last subscribe or connect failed, for the header */
  error: string | null;
  /** how the last subscribe brought us up to date */
  resumed: 'snapshot' | 'patches' | null;
  /** after a reconnect: how the page caught up, shown briefly */
  notice: FreshnessNotice | null;
}

let info: ConnectionInfo = { status: 'connecting', error: null, resumed: null, notice: null };
const listeners = new Set<() => void>();

export function setConnection(patch: Partial<ConnectionInfo>): void {
  const next = { ...info, ...patch };
  if (next.status === info.status && next.error === info.error && next.resumed === info.resumed && next.notice === info.notice) return;
  info = next;
  for (const l of listeners) l();
}

let noticeId = 0;
export function announceFreshness(text: string): void {
  setConnection({ notice: { id: ++noticeId, text } });
}

/** words for a resubscribe after a gap: from SubscribeAck.catchUp, else from how we were resumed */
export function catchUpText(resumed: 'snapshot' | 'patches', catchUp: { events: number; tooFarBehind: boolean } | undefined): string {
  if (catchUp?.tooFarBehind) return 'Reconnected: was too far behind: reloaded the full state';
  // nothing happened while away: say so, not "caught up on 0 missed events"
  if (catchUp?.events === 0) return 'Reconnected: nothing was missed';
  if (catchUp) return `Reconnected: caught up on ${catchUp.events} missed event${catchUp.events === 1 ? '' : 's'}`;
  return resumed === 'snapshot' ? 'Reconnected: reloaded the full state' : 'Reconnected: caught up';
}

/** a refused handshake is tried again after this, doubling up to CONNECT_RETRY_MAX_MS (± half at random) */
export const CONNECT_RETRY_MS = 1_000;
export const CONNECT_RETRY_MAX_MS = 15_000;

/**
 * What a failed connect means. socket.io retries a connection it could not make (active), not one the server
 * refused in its handshake: a refusal other than 'unauthorized' (the database briefly away) is tried again
 * here, the wait doubling with each refusal in a row (attempt counts from 0); 'unauthorized' goes to sign-in.
 */
export function afterConnectError(
  message: string,
  active: boolean,
  attempt: number,
  random: () => number = Math.random,
): { error: string; unauthorized: boolean; retryInMs: number | null } {
  if (message === 'unauthorized') return { error: 'not signed in', unauthorized: true, retryInMs: null };
  // socket.io's own words ("xhr poll error", "websocket error") only as the detail
  if (active) return { error: `the server cannot be reached (${message})`, unauthorized: false, retryInMs: null };
  const base = Math.min(CONNECT_RETRY_MAX_MS, CONNECT_RETRY_MS * 2 ** Math.min(attempt, 10));
  return { error: `the server refused the connection (${message}); trying again`, unauthorized: false, retryInMs: Math.round(base * (0.5 + random())) };
}

export function useConnection(): ConnectionInfo {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => info,
  );
}
