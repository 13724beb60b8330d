// GET /cluster/config/join on a member (facts §1.4): the Proxmox GUI's Join Information blob, the member a
// joining node talks to (pve_addr, pve_fp of the preferred node), and the certificate the cluster lists for
// any node (a joined node's NEW certificate, for re-pinning). A standalone node answers 424.
import { encodeJoinInfo } from '@quorate/model';
import type { PveClient } from './client';
import { JoinInfoReply, ringAddresses, type JoinNode } from './ops-schemas';
import { normalizeFingerprint, PveError } from './transport';

/** GET /cluster/config/join, parsed; 424 → "not in a cluster" in words */
export async function readJoinInfo(client: PveClient): Promise<JoinInfoReply> {
  let data: unknown;
  try {
    data = await client.get('cluster/config/join');
  } catch (err) {
    if (err instanceof PveError && err.detail.status === 424)
      throw new Error(`this node is not in a cluster, so it has no Join Information (${err.message.split(' (')[0]}). Create a cluster first, or connect Quorate to a member of the cluster to join`);
    throw err;
  }
  const r = JoinInfoReply.safeParse(data);
  if (!r.success) throw new Error(`GET /cluster/config/join: not join information (${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? ''})`.trim());
  return r.data;
}

/** the member the join goes through: the preferred node, with its API address and certificate */
export function preferredMember(info: JoinInfoReply): JoinNode & { pve_addr: string; pve_fp: string } {
  const p = info.nodelist.find((n) => n.name === info.preferred_node);
  if (p === undefined || p.pve_addr === undefined || p.pve_fp === undefined) throw new Error(`GET /cluster/config/join: no address and certificate (pve_addr, pve_fp) for ${info.preferred_node}`);
  return { ...p, pve_addr: p.pve_addr, pve_fp: normalizeFingerprint(p.pve_fp) ?? p.pve_fp };
}

/** the GUI's blob of the preferred member (model join-info.ts) */
export function joinInfoBlob(info: JoinInfoReply): string {
  const p = preferredMember(info);
  return encodeJoinInfo({ address: p.pve_addr, fingerprint: p.pve_fp, peerLinks: ringAddresses(p) }, info.totem);
}

/** the certificate the cluster lists for this node (pve_fp), null when it lists none */
export async function listedFingerprint(client: PveClient, node: string): Promise<string | null> {
  const fp = (await readJoinInfo(client)).nodelist.find((n) => n.name === node)?.pve_fp;
  return fp !== undefined ? (normalizeFingerprint(fp) ?? null) : null;
}
