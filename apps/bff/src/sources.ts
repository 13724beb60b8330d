// Cluster configuration -> ClusterSource: the simulator, or the real-Corosync lab in network namespaces.
import type { SimFault } from '@quorate/model';
import { createLabSource, createSimSource, deferredSource, type ClusterSource } from '@quorate/sources';
import type { ClusterConfig } from './config';

export type SourceFactory = (cluster: ClusterConfig, log?: (message: string) => void) => ClusterSource;

/** what the fault route needs of a source: only the simulator has it */
export interface FaultTarget {
  applyFault(fault: SimFault): void;
}

export function faultTarget(source: ClusterSource): FaultTarget | null {
  const s = source as ClusterSource & Partial<FaultTarget>;
  return source.kind === 'sim' && typeof s.applyFault === 'function' ? (s as FaultTarget) : null;
}

export const createSource: SourceFactory = (cluster, log) => {
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
      // the lab may be started after the dashboard: until then the source is down and says how to start one
      return deferredSource({
        clusterId: cluster.id,
        kind: 'lab',
        create: () => createLabSource(cluster.labPrefix, { clusterId: cluster.id }),
        onError: (message) => log?.(`cluster '${cluster.id}': ${message}`),
      });
  }
};
