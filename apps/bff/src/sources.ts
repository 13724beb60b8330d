// Cluster configuration -> ClusterSource. The sim is here now; the lab and PVE sources plug in the same way.
import type { SimFault } from '@quorate/model';
import type { ClusterSource } from '@quorate/sources';
import type { ClusterConfig } from './config';

export type SourceFactory = (cluster: ClusterConfig) => ClusterSource;

/** what the fault route needs of a source: only the simulator has it */
export interface FaultTarget {
  applyFault(fault: SimFault): void;
}

export function faultTarget(source: ClusterSource): FaultTarget | null {
  const s = source as ClusterSource & Partial<FaultTarget>;
  return source.kind === 'sim' && typeof s.applyFault === 'function' ? (s as FaultTarget) : null;
}

export const createSource: SourceFactory = (cluster) => {
  switch (cluster.source) {
    case 'sim':
      throw new Error(`cluster '${cluster.id}': the simulator source is not available yet`);
    case 'lab':
      throw new Error(`cluster '${cluster.id}': source 'lab' is not available yet (QUORATE_SOURCE=lab)`);
  }
};
