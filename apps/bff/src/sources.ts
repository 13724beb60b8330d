// Cluster configuration -> ClusterSource, through the registry of source kinds (packages/sources kinds.ts):
// the simulator, the real-Corosync lab in network namespaces, a real PVE / Corosync cluster over SSH.
import { kindOf, type ClusterSource, type ExpectedVotesControl, type FaultInjection, type SimSource } from '@quorate/sources';
import { labOperations } from '@quorate/lab';
import type { ClusterConfig } from './cluster-entry';

/** resume: the state a previous process saved (see persistence/checkpoint.ts), if any */
export type SourceFactory = (cluster: ClusterConfig, log?: (message: string) => void, resume?: unknown) => ClusterSource;

/** what the fault route needs of a source: only the simulator has it */
export function faultTarget(source: ClusterSource): FaultInjection | null {
  return source.capabilities.faults ?? null;
}

/** the simulator's spares (join set-ups): only a sim source has them */
export function spareTarget(source: ClusterSource): Pick<SimSource, 'spares' | 'applySpareFault'> | null {
  const s = source as Partial<SimSource>;
  return source.kind === 'sim' && typeof s.applySpareFault === 'function' && typeof s.spares === 'function' ? (source as SimSource) : null;
}

/** what the expected-votes operation needs of a source: the simulator (void), real Corosync (the command's log) */
export function expectedVotesTarget(source: ClusterSource): ExpectedVotesControl | null {
  return source.capabilities.expectedVotes ?? null;
}

/** the factory, with what every kind may need of the BFF (Quorate's own SSH key, read when a source connects) */
export function sourceFactory(shared: { sshIdentity?: () => string | null } = {}): SourceFactory {
  return (cluster, log, resume) =>
    kindOf(cluster.source).create(cluster.settings, {
      clusterId: cluster.id,
      name: cluster.name,
      log: (line) => log?.(line),
      ...(resume !== undefined ? { resume } : {}),
      ...(shared.sshIdentity !== undefined ? { sshIdentity: shared.sshIdentity } : {}),
      // a lab cluster joins, creates and removes nodes through tools/lab (root, like the lab itself)
      labOperations,
    });
}

export const createSource: SourceFactory = sourceFactory();
