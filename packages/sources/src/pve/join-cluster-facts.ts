// The cluster half of the join's facts over the API (token): members from /cluster/status and
// /cluster/config/nodes, links from /cluster/config/totem, the QDevice from /cluster/config/qdevice, versions
// from each online member's /nodes/{n}/version and apt/versions, the member's certificate from
// /cluster/config/join (pve_fp of the preferred node). The API does not expose the quorum {} options: they
// are the defaults here (a pve cluster with SSH overlays the real ones: with-corosync.ts).
import { QuorumOptions, type ClusterFacts, type MemberFacts, type Unmeasured } from '@quorate/model';
import type { PveClient } from './client';
import { AptVersion, JoinInfoReply, NodeVersion, ringAddresses } from './ops-schemas';
import { ConfigNode, StatusCluster, StatusNode, StatusRow, Totem, parseRows } from './schemas';
import { mapLimit, NODE_CONCURRENCY } from './source';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** /nodes/{n}/version's "version" ("8.2.4", "7.4-16"), null when not read */
export async function pveVersionOf(client: PveClient, node: string): Promise<string | null> {
  const v = NodeVersion.safeParse(await client.get(`nodes/${encodeURIComponent(node)}/version`));
  return v.success ? (v.data.version ?? null) : null;
}

/** corosync's version from /nodes/{n}/apt/versions ("3.1.7-pve3" → "3.1.7"), null when not listed */
export async function corosyncVersionOf(client: PveClient, node: string): Promise<string | null> {
  const data = await client.get(`nodes/${encodeURIComponent(node)}/apt/versions`);
  const row = parseRows(data, AptVersion, 'apt/versions').rows.find((r) => r.Package === 'corosync');
  return row?.Version?.split('-')[0] ?? null;
}

/** the cluster's links: totem.interface (keyed by link number), else the links the nodes have addresses on */
function linksOf(totem: unknown, nodes: { addresses: { link: number }[] }[]): number[] {
  const t = Totem.safeParse(totem);
  const iface = t.success && typeof t.data.interface === 'object' && t.data.interface !== null ? Object.entries(t.data.interface as Record<string, unknown>) : [];
  const fromTotem = iface.map(([k, v]) => Number((v as { linknumber?: unknown } | null)?.linknumber ?? k)).filter((n) => Number.isInteger(n) && n >= 0 && n <= 7);
  const links = fromTotem.length > 0 ? fromTotem : nodes.flatMap((n) => n.addresses.map((a) => a.link));
  return [...new Set(links.length > 0 ? links : [0])].sort((a, b) => a - b);
}

export interface ClusterSide {
  cluster: ClusterFacts;
  /** the node the source reads through (its clock is the cluster's) */
  localNode: string | null;
}

export async function clusterFacts(client: PveClient): Promise<ClusterSide> {
  const status = parseRows(await client.get('cluster/status'), StatusRow, 'cluster/status').rows;
  const head = status.find((r): r is ReturnType<typeof StatusCluster.parse> => r.type === 'cluster');
  if (head === undefined) throw new Error('this node is not in a cluster (GET /cluster/status has no cluster entry): create a cluster first, or connect Quorate to a member of the cluster to join');
  const rows = status.filter((r): r is ReturnType<typeof StatusNode.parse> => r.type === 'node');
  const config = parseRows(await client.get('cluster/config/nodes'), ConfigNode, 'cluster/config/nodes').rows;
  const online = new Set(rows.filter((r) => r.online === true).map((r) => r.name));
  const versions = new Map<string, { pve: string | null; corosync: string | null }>();
  await mapLimit([...online], NODE_CONCURRENCY, async (n) => {
    const [pve, corosync] = await Promise.all([pveVersionOf(client, n).catch(() => null), corosyncVersionOf(client, n).catch(() => null)]);
    versions.set(n, { pve, corosync });
  });
  const members: MemberFacts[] = config.map((c) => {
    const name = c.name ?? c.node!;
    const row = rows.find((r) => r.name === name);
    return {
      name,
      id: c.nodeid ?? row?.nodeid ?? 0,
      votes: c.quorum_votes ?? 1,
      online: online.has(name),
      addresses: ringAddresses(c),
      corosyncVersion: versions.get(name)?.corosync ?? null,
      pveVersion: versions.get(name)?.pve ?? null,
    };
  });
  const totem = await client.get('cluster/config/totem', { allowMissing: true }).catch(() => undefined);
  const qd = await client.get('cluster/config/qdevice', { allowMissing: true }).catch(() => undefined);
  return {
    cluster: {
      name: head.name,
      quorate: head.quorate,
      members,
      links: linksOf(totem, members),
      // {} when no corosync-qdevice runs on the answering node
      qdevice: typeof qd === 'object' && qd !== null && Object.keys(qd).length > 0,
      options: QuorumOptions.parse({}),
      memberFingerprint: await memberFingerprint(client),
    },
    localNode: rows.find((r) => r.local === true)?.name ?? null,
  };
}

async function memberFingerprint(client: PveClient): Promise<string | Unmeasured> {
  try {
    const info = JoinInfoReply.parse(await client.get('cluster/config/join'));
    const fp = info.nodelist.find((n) => n.name === info.preferred_node)?.pve_fp;
    return fp ?? { unmeasured: `GET /cluster/config/join lists no pve_fp for ${info.preferred_node}` };
  } catch (err) {
    return { unmeasured: `GET /cluster/config/join: ${messageOf(err)}` };
  }
}
