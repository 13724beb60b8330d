// Cluster configuration -> ClusterSource. The sim is here now; the lab and PVE sources plug in the same way.
import type { SimFault } from '@quorate/model';
import { createSimSource, type ClusterSource } from '@quorate/sources';
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
    case 'sim': {
      const { sim } = cluster;
      return createSimSource({
        clusterId: cluster.id,
        clusterName: cluster.name,
        nodeCount: sim.nodeCount,
        linkCount: sim.linkCount,
        tokenMs: sim.tokenMs,
        tickMs: sim.tickMs,
        ...(sim.tokenCoefficientMs !== undefined ? { tokenCoefficientMs: sim.tokenCoefficientMs } : {}),
        ...(sim.seed !== undefined ? { seed: sim.seed } : {}),
        ...(sim.quorumOptions !== undefined ? { quorumOptions: sim.quorumOptions } : {}),
        ...(sim.qdevice !== undefined ? { qdevice: sim.qdevice } : {}),
      });
    }
    case 'lab':
      throw new Error(`cluster '${cluster.id}': source 'lab' is not available yet (QUORATE_SOURCE=lab)`);
  }
};
