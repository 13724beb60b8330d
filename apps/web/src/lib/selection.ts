// The chosen cluster as the signed-in layout (Dashboard.tsx) resolved it from `?cluster=` and the cluster
// list, handed to the pages below it.
import { createContext, useContext } from 'react';
import type { ClusterList } from '@quorate/model';
import type { SnapshotEntry } from '../live/cache';

export interface Selection {
  /** null until the cluster list is known */
  clusterId: string | null;
  clusters: ClusterList['clusters'];
  clustersError: Error | null;
  /** the live snapshot of the chosen cluster, once the socket delivered one */
  entry: SnapshotEntry | undefined;
  /** `?sample=`: static data, no server */
  sample: string | null;
}

export const SelectionContext = createContext<Selection | null>(null);

export function useSelection(): Selection {
  const s = useContext(SelectionContext);
  if (!s) throw new Error('useSelection outside the dashboard layout');
  return s;
}
