// Which cluster the wizard works on: every cluster, those without the capability disabled with the reason.
import type { Capability, ClusterList } from '@quorate/model';
import { Field } from '../form';

export function lacks(c: ClusterList['clusters'][number] | undefined, cap: Capability, what: string): string | null {
  if (!c) return 'Choose a cluster.';
  return c.capabilities.includes(cap) ? null : `${c.name} cannot ${what} through Quorate: its source (${c.source}) has no ${cap} capability.`;
}

export function ClusterPicker({ clusters, clusterId, cap, onPick }: { clusters: ClusterList['clusters']; clusterId: string | null; cap: Capability; onPick: (id: string) => void }) {
  return (
    <Field label="Cluster" layout="stack">
      <select className="input min-h-11" value={clusterId ?? ''} onChange={(e) => onPick(e.target.value)} data-testid="wizard-cluster">
        {clusters.map((c) => (
          <option key={c.id} value={c.id} disabled={!c.capabilities.includes(cap)}>
            {c.name} ({c.id}){c.capabilities.includes(cap) ? '' : ` — not possible: no ${cap} capability`}
          </option>
        ))}
      </select>
    </Field>
  );
}
