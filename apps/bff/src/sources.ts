// Cluster configuration -> ClusterSource: the simulator, the real-Corosync lab in network namespaces, or a
// real PVE / Corosync cluster over SSH.
import {
  SimConfig,
  createSimSource,
  createLabSource,
  createSshCorosyncSource,
  deferredSource,
  type ClusterSource,
  type ExpectedVotesControl,
  type FaultInjection,
  type SimSource,
} from '@quorate/sources';
import type { ClusterConfig } from './config';
import { shiftSimTimes } from './persistence/checkpoint';

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

/** the saved state when it was made with the same simulator settings; null (start fresh) otherwise */
function resumable(saved: unknown, options: SimConfig, log?: (message: string) => void): { config: unknown; clock: number } | null {
  const st = saved as { version?: unknown; config?: unknown; clock?: unknown } | null;
  if (!st || typeof st !== 'object' || st.version !== 1 || typeof st.clock !== 'number') {
    log?.(`cluster '${options.clusterId}': saved simulator state has an unknown format; starting a fresh simulation`);
    return null;
  }
  const before = SimConfig.safeParse(st.config);
  if (!before.success || JSON.stringify(before.data) !== JSON.stringify(options)) {
    log?.(`cluster '${options.clusterId}': simulator settings changed since the last run; starting a fresh simulation`);
    return null;
  }
  return st as { config: unknown; clock: number };
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
      const saved = resume === undefined ? null : resumable(resume, options, log);
      if (saved) {
        try {
          // the cluster was paused while the BFF was down: same faults, same pending steps, wall-clock time
          const state = shiftSimTimes(saved, Math.max(0, Date.now() - saved.clock));
          return createSimSource({ state }) satisfies SimSource;
        } catch (err) {
          log?.(`cluster '${cluster.id}': cannot resume the saved simulator state (${(err as Error).message}); starting a fresh simulation`);
        }
      }
      return createSimSource(options);
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
