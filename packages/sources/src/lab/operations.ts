// The lab's cluster-shape operations (join, create, delnode, qdevice, links) are tools/lab's: it writes the nodes'
// corosync.conf, copies the authkey and starts Corosync in the namespaces. tools/lab depends on this
// package, not the reverse, so whoever runs the source (the BFF) hands them in through the kind's context.
import type { ClusterSnapshot } from '@quorate/model';
import type { SourceCapabilities } from '../source';

export type LabOperations = Pick<SourceCapabilities, 'join' | 'create' | 'delnode' | 'qdevice' | 'links'>;

export interface LabOperationsContext {
  /** the lab source's newest snapshot: the cluster side of the join pre-flight */
  current(): ClusterSnapshot | null;
  log(line: string): void;
}

export type LabOperationsFactory = (prefix: string, ctx: LabOperationsContext) => LabOperations;
