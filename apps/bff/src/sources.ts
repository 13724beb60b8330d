// Cluster configuration -> ClusterSource: the simulator, the real-Corosync lab in network namespaces, or a
// real PVE / Corosync cluster over SSH.
import {
  SimConfig,
  resumeSimSource,
  createLabSource,
  createSshCorosyncSource,
  deferredSource,
  type ClusterSource,
  type ExpectedVotesControl,
  type FaultInjection,
} from '@quorate/sources';
import type { ClusterConfig } from './config';

/** resume: the sim state a previous process saved (see persistence/checkpoint.ts), if any */
export type SourceFactory = (cluster: ClusterConfig, log?: (message: string) => void, resume?: unknown) => ClusterSource;

/** what the fault route needs of a source: only the simulator has it */
export function faultTarget(source: ClusterSource): FaultInjection | null {
  return source.capabilities.faults ?? null;
}

/** what the expected-votes operation needs of a source: the simulator (void), real Corosync (the command's log) */
export function expectedVotesTarget(source: ClusterSource): ExpectedVotesControl | null {
  return source.capabilities.expectedVotes ?? null;
}

export const createSource: SourceFactory = (cluster, log, resume) => {
  switch (cluster.source) {
    case 'sim': {
      const { sim } = cluster;
      const options = SimConfig.parse({
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
      // a restart resumes the same simulated cluster (sim/resume.ts)
      return resumeSimSource(options, resume, log);
    }
    case 'lab':
      // the lab may be started after the dashboard: until then the source is down and says how to start one
      return deferredSource({
        clusterId: cluster.id,
        kind: 'lab',
        // it follows the lab: a rebuilt lab (other nodes) is re-attached, and what happens is logged
        create: () => createLabSource(cluster.labPrefix, { clusterId: cluster.id, log: (line) => log?.(`cluster '${cluster.id}': ${line}`) }),
        onError: (message) => log?.(`cluster '${cluster.id}': ${message}`),
      });
    case 'ssh':
      // nothing connects here: an unreachable node (or a key file broken since start) shows as down with
      // the reason, never stops the BFF
      return deferredSource({
        clusterId: cluster.id,
        kind: 'ssh',
        create: async () => createSshCorosyncSource(cluster.ssh, { log: (line) => log?.(`cluster '${cluster.id}': ${line}`) }),
        onError: (message) => log?.(`cluster '${cluster.id}': ${message}`),
      });
  }
};
