// The simulated cluster as a ClusterSnapshot: what the observer (observer.ts: the best view) reports, as the
// corosync source would read it from a real node — its ring's quorum, knet's link matrix, every node's
// own view, storage as PVE shows it, and the early warning for members knet has already lost.
import { type ClusterNode, type ClusterSnapshot, type LinkObservation, type NodeView, type UnreachableWarning } from '@quorate/model';
import { at } from './invariant';
import type { Links } from './links';
import type { Membership } from './membership';
import { quorumWithout } from './quorum';
import type { SimRing, SimState } from './state';
import { storageSnapshot } from './storage';
import type { Topology } from './topology';

/** what a snapshot is made from */
export interface ProjectionSource {
  topo: Topology;
  s: SimState;
  links: Links;
  membership: Membership;
}

export function projectSnapshot(src: ProjectionSource): ClusterSnapshot {
  const { topo, s, membership } = src;
  const { config } = topo;
  const t = s.clock;
  const obs = membership.observerIndex();
  const obsRing = membership.observerRing();
  const q = config.qdevice;
  // asked once per storage and node: a set, not a scan of the member list each time
  const observed = new Set(obsRing?.members ?? []);
  return {
    clusterId: config.clusterId,
    observedAt: t,
    source: 'sim',
    observer: obs === null ? null : { nodeId: topo.idOf(obs), name: topo.name(obs) },
    cluster: {
      name: config.clusterName,
      configVersion: s.configVersion ?? 1,
      transport: 'knet',
      secureAuth: true,
      quorumOptions: config.quorumOptions,
      ...(topo.n === 0 ? { standalone: true } : {}),
      tokenMs: config.tokenMs,
      runtimeTokenMs: topo.runtimeToken,
    },
    quorum: obsRing?.state ?? null,
    nodes: nodes(src),
    links: links(src),
    qdevice: q
      ? {
          votes: topo.qdeviceVotes,
          state: obsRing ? 'connected' : 'unknown',
          algorithm: q.algorithm,
          host: q.host,
          castsVote: obsRing?.castsVote ?? false,
        }
      : null,
    // as in PVE, a node's storage status is what the observer's side last heard while it counts the node
    // as a member: a crashed node's storage turns inactive when Corosync drops it, not before
    storage: storageSnapshot(s.storage, topo.names, (i) => observed.has(topo.idOf(i))),
    views: views(src, obs),
    // a ring about to merge with others is a join in progress, not a partition
    partitioned: membership.settledRingCount() > 1,
    warnings: obs === null || !obsRing ? [] : warnings(src, obs, obsRing),
  };
}

function nodes({ topo, s }: ProjectionSource): ClusterNode[] {
  return topo.nodes.map(({ name, id, votes, addresses }, i) => ({
    id,
    name,
    votes,
    state: at(s.nodeState, i, 'node'),
    addresses: addresses.map((address, link) => ({ link, address })),
    since: at(s.nodeSince, i, 'node'),
  }));
}

/** knet's view from every running node of each link to every other node */
function links({ topo, s, links }: ProjectionSource): LinkObservation[] {
  const out: LinkObservation[] = [];
  for (let i = 0; i < topo.n; i++) {
    if (s.status[i] !== 'running') continue;
    for (let j = 0; j < topo.n; j++) {
      if (j === i) continue;
      for (let l = 0; l < topo.L; l++) out.push(links.observe(i, j, l));
    }
  }
  return out;
}

/** every node's own view, the observer's first */
function views({ topo, s, membership }: ProjectionSource, obs: number | null): NodeView[] {
  const all = topo.names.map((_, i) => i);
  const order = obs === null ? all : [obs, ...all.filter((i) => i !== obs)];
  return order.map((i) => {
    const st = at(s.status, i, 'node');
    const ring = st === 'running' ? membership.ringOf(i) : null;
    return {
      nodeId: topo.idOf(i),
      name: topo.name(i),
      reachable: ring !== null,
      reason: st === 'crashed' ? 'node down: not answering' : st === 'stopped' ? 'node down: corosync stopped' : null,
      observedAt: s.clock,
      quorum: ring?.state ?? null,
    };
  });
}

/** members of the observer's ring to which knet has no connected link left: Corosync will drop them */
function warnings({ topo, s, links }: ProjectionSource, obs: number, ring: SimRing): UnreachableWarning[] {
  const cut: Array<{ i: number; since: number }> = [];
  for (const m of ring.members) {
    const j = topo.indexOf(m);
    if (j === obs) continue;
    const since = links.cutSince(obs, j);
    if (since !== null) cut.push({ i: j, since });
  }
  if (cut.length === 0) return [];
  const after = quorumWithout(topo, ring, new Set(cut.map((c) => topo.idOf(c.i))), s.clock);
  const dropAt = ring.pendingSince !== null && ring.pendingFailure ? ring.pendingSince + topo.detectMs : null;
  return cut.map((c) => ({
    nodeId: topo.idOf(c.i),
    name: topo.name(c.i),
    since: c.since,
    expectedDropInMs: Math.max(0, dropAt !== null ? dropAt - c.since : topo.detectMs - topo.knetDownMs),
    quorateAfterDrop: after.quorate,
    totalVotesAfterDrop: after.totalVotes,
    expectedVotesAfterDrop: after.expectedVotes,
  }));
}
