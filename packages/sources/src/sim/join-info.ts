// The sim's Join Information: the Proxmox GUI's blob (model join-info.ts) of the member the dashboard reads
// through, so the wizard's "paste the Join Information" path works on the sim. A sim has no TLS: its
// members "present" a certificate fingerprint derived from the cluster id (stable, clearly not a real one).
import { createHash } from 'node:crypto';
import { encodeJoinInfo, type ClusterSnapshot } from '@quorate/model';
import { SimFaultError } from './errors';

/** SHA-256 of "quorate-sim:<cluster id>", colon hex */
export function simFingerprint(clusterId: string): string {
  return createHash('sha256').update(`quorate-sim:${clusterId}`).digest('hex').toUpperCase().match(/../g)!.join(':');
}

export function simJoinInformation(clusterId: string, s: ClusterSnapshot | null): string {
  const member = s?.nodes.find((n) => n.id === s.observer?.nodeId) ?? s?.nodes.find((n) => n.state === 'online');
  if (!s || !member || s.cluster.standalone === true) throw new SimFaultError('no join information: the sim has no cluster yet (create one first)');
  const links = [...new Set(s.nodes.flatMap((n) => n.addresses.map((a) => a.link)))].sort((a, b) => a - b);
  const peerLinks = member.addresses.map((a) => ({ link: a.link, address: a.address }));
  return encodeJoinInfo(
    { address: peerLinks[0]?.address ?? '', fingerprint: simFingerprint(clusterId), peerLinks },
    {
      cluster_name: s.cluster.name,
      config_version: String(s.cluster.configVersion ?? 1),
      interface: Object.fromEntries(links.map((l) => [String(l), { linknumber: String(l) }])),
      ip_version: 'ipv4-6',
      link_mode: 'passive',
      secauth: 'on',
      version: '2',
    },
  );
}
