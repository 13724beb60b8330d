// Connection state of the one socket, readable from any component.
import { useSyncExternalStore } from 'react';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface ConnectionInfo {
  status: ConnectionStatus;
  /** why the last subscribe or connect failed, for the header */
  error: string | null;
  /** how the last subscribe brought us up to date */
  resumed: 'snapshot' | 'patches' | null;
}

let info: ConnectionInfo = { status: 'connecting', error: null, resumed: null };
const listeners = new Set<() => void>();

export function setConnection(patch: Partial<ConnectionInfo>): void {
  const next = { ...info, ...patch };
  if (next.status === info.status && next.error === info.error && next.resumed === info.resumed) return;
  info = next;
  for (const l of listeners) l();
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
