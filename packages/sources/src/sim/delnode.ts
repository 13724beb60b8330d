// `pvecm delnode`: needs quorum, and (Proxmox's documented order) the node powered off for good first.
// The node leaves the nodelist; expected votes follow. It becomes a spare that still carries the old
// cluster's configuration: joining it again fails the not-clustered check, as starting it unchanged would
// be wrong on a real cluster.
import { SimFaultError } from './errors';
import { runner, type OperationOptions, type SimControl } from './operation';
import { relayout } from './relayout';
import { cleanSpare } from './spares';
import { Topology } from './topology';

export async function simDelnode(ctl: SimControl, name: unknown, o: OperationOptions = {}): Promise<void> {
  const r = runner(o);
  const s = ctl.state();
  const topo = new Topology(s.config, s);
  const i = typeof name === 'string' ? topo.names.indexOf(name) : -1;
  if (i < 0) throw new SimFaultError(`Node/IP: ${String(name)} is not a known host of the cluster.`);
  const node = topo.nodes[i]!;
  const snap = ctl.snapshot();
  if (snap.quorum?.quorate !== true) throw new SimFaultError('cluster not ready - no quorum?');
  if (s.status[i] === 'running')
    throw new SimFaultError(
      `${node.name} is ${snap.nodes[i]?.state === 'online' ? 'online' : 'still running'}: power it off for good first (Proxmox: shut the node down, then pvecm delnode ${node.name}; never start it again with this configuration)`,
    );
  if ((s.spares ?? []).some((x) => x.name === node.name)) throw new SimFaultError(`a spare is named ${node.name} too: rename or remove that spare first`);
  r.checkAbort('delnode');
  o.log?.(`Killing node ${node.id}`);
  // the point of no return: the member's corosync.conf no longer has the node
  const keep = topo.nodes.map((_, k) => k).filter((k) => k !== i);
  const next = relayout(
    s,
    keep.map((k) => topo.nodes[k]!),
    keep,
  );
  const host = Number(node.addresses[0]?.split('.')[3] ?? 0) - 10;
  const spare = { ...cleanSpare(node.name, host > 0 ? host : node.id, topo.L), addresses: [...node.addresses], clustered: { clusterName: topo.config.clusterName } };
  ctl.replace({ ...next, spares: [...(next.spares ?? []).filter((x) => x.name !== node.name), spare] });
  await r.line('Could not kill node (error = CS_ERR_NOT_EXIST)');
}
