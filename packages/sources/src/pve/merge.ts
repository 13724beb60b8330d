// The API's snapshot and Corosync's (over SSH), made one. Corosync wins where the two disagree: it is the
// truth the API itself is built from, it knows the quorum {} options, the links and the early warning, and
// it changes at push speed (`corosync-quorumtool -m`) instead of every 2 s. The API adds what Corosync
// cannot see: storage, load, versions, guests, HA, Ceph. Pure.
//  - no usable Corosync view (no node could be asked, or a standalone node where no Corosync runs): the
//    API's snapshot, with why SSH did not help among `unavailable`.
//  - nodes are matched by name (ids may be shared in a broken reply; names are the API's key too).
import type { ClusterNode, ClusterSnapshot, Unavailable } from '@quorate/model';

/** what SSH brings: these lines leave `unavailable` once Corosync answers */
const SEEN_WITH_SSH = new Set<Unavailable['what']>(['links', 'quorum-options', 'early-warning', 'push']);

export function mergeCorosync(api: ClusterSnapshot | null, corosync: ClusterSnapshot | null, sshProblem: string | null): ClusterSnapshot | null {
  const usable = corosync !== null && corosync.quorum !== null && corosync.observer !== null && api?.cluster.standalone !== true;
  if (!usable) {
    if (api === null) return null;
    if (sshProblem === null) return api;
    // the API's view, and why the SSH half is not adding to it
    const unavailable = (api.unavailable ?? []).map((u) => (SEEN_WITH_SSH.has(u.what) ? { ...u, why: `${u.why} (SSH is configured but: ${sshProblem})` } : u));
    return { ...api, unavailable };
  }
  const c = corosync;
  if (api === null) {
    // the API does not answer but Corosync does: its view, under the pve source's name
    return { ...c, source: 'pve', unavailable: [{ what: 'storage', why: 'the Proxmox API does not answer: storage, load and guests are unknown' }] };
  }
  const apiByName = new Map(api.nodes.map((n) => [n.name, n]));
  const nodes: ClusterNode[] = c.nodes.map((n) => {
    const r = apiByName.get(n.name)?.resources;
    return r !== undefined ? { ...n, resources: r } : n;
  });
  // a node only the API knows (not in this Corosync's nodelist: a config being changed) is still shown
  const inCorosync = new Set(c.nodes.map((n) => n.name));
  for (const n of api.nodes) if (!inCorosync.has(n.name)) nodes.push({ ...n, state: 'unknown' });
  const { quorumOptionsKnown: _assumed, ...apiCluster } = api.cluster;
  void _assumed;
  const unavailable = (api.unavailable ?? []).filter((u) => !SEEN_WITH_SSH.has(u.what));
  return {
    ...api,
    observedAt: Math.max(api.observedAt, c.observedAt),
    observer: c.observer,
    cluster: {
      ...apiCluster,
      name: api.cluster.name || c.cluster.name,
      configVersion: c.cluster.configVersion ?? api.cluster.configVersion,
      transport: c.cluster.transport ?? api.cluster.transport,
      secureAuth: c.cluster.secureAuth ?? api.cluster.secureAuth,
      quorumOptions: c.cluster.quorumOptions,
      tokenMs: c.cluster.tokenMs ?? api.cluster.tokenMs,
      runtimeTokenMs: c.cluster.runtimeTokenMs,
    },
    quorum: c.quorum,
    nodes,
    links: c.links,
    qdevice: c.qdevice ?? api.qdevice,
    views: c.views,
    partitioned: c.partitioned,
    warnings: c.warnings,
    ...(unavailable.length > 0 ? { unavailable } : { unavailable: [] }),
  };
}
