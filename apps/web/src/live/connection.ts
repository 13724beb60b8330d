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

export function useConnection(): ConnectionInfo {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => info,
  );
}
