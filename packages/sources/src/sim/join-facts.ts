// The join pre-flight's facts for a spare, from the simulation: the sim knows everything, so nothing is
// unmeasured. Probes go from every online member to each link address the join would use: reachable
// unless the member is down, its link is down, a partition separates it from the spare (a spare is in "the
// rest of the network": the last group), or no spare has that address; UDP passes unless the spare blocks it.
import { z } from 'zod';
import { joinAddresses, JoinFacts, LinkAddress, membersOf, type ClusterSnapshot, type Probe } from '@quorate/model';
import { SimFaultError } from './errors';
import { findSpare, SIM_COROSYNC_VERSION, SIM_PVE_VERSION } from './spares';
import type { SimState } from './state';
import { Topology } from './topology';

/** Corosync's knet port */
export const SIM_COROSYNC_PORT = 5405;
/** a member's round trip to a spare before link quality is added (the sim's pair-links are 0.15–0.6 ms) */
const PROBE_BASE_LATENCY_MS = 0.3;

export const SimJoinRequest = z
  .object({
    addresses: z.array(LinkAddress).max(8).optional(),
    nodeid: z.number().int().min(1).max(65_535).optional(),
    votes: z.number().int().min(0).max(255).optional(),
  })
  .strict();
export type SimJoinRequest = z.infer<typeof SimJoinRequest>;

/** a request as parsed; refuses (SimFaultError) a malformed one */
export function parseJoinRequest(input: unknown): SimJoinRequest {
  const r = SimJoinRequest.safeParse(input ?? {});
  if (!r.success) throw new SimFaultError(`invalid join request: ${r.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
  return r.data;
}

export function simJoinFacts(s: SimState, snapshot: ClusterSnapshot, spareName: string, input: unknown = {}): JoinFacts {
  const request = parseJoinRequest(input);
  const spare = findSpare(s, spareName);
  const topo = new Topology(s.config, s);
  const members = membersOf(snapshot, () => ({ corosync: SIM_COROSYNC_VERSION, pve: SIM_PVE_VERSION }));
  const online = members.filter((m) => m.online);
  // what the members' /etc/hosts say: a member of that name wins (Proxmox writes the local node's entry)
  const named = members.find((m) => m.name === spare.name);
  const own = named ? (named.addresses[0]?.address ?? null) : (spare.addresses[0] ?? null);
  const facts: JoinFacts = {
    cluster: {
      name: snapshot.cluster.name,
      quorate: snapshot.quorum?.quorate ?? false,
      members,
      links: Array.from({ length: topo.L }, (_, l) => l),
      qdevice: snapshot.qdevice !== null,
      options: snapshot.cluster.quorumOptions,
    },
    joiner: {
      name: spare.name,
      nodeid: request.nodeid ?? null,
      votes: request.votes ?? 1,
      addresses: request.addresses ?? [],
      resolvesTo: online.map((m) => ({ on: m.name, addresses: own === null ? [] : [own] })),
      reverse: online.flatMap((m) => spare.addresses.map((address) => ({ on: m.name, address, name: spare.name }))),
      localAddresses: [...spare.addresses],
      clustered: spare.clustered
        ? { corosyncConf: true, authkey: true, corosyncRunning: false, clusterName: spare.clustered.clusterName }
        : { corosyncConf: false, authkey: false, corosyncRunning: false, clusterName: null },
      guests: spare.guests,
      clockOffsetMs: spare.clockOffsetMs,
      corosyncVersion: spare.corosyncVersion,
      pveVersion: spare.pveVersion,
    },
    probes: [],
    port: SIM_COROSYNC_PORT,
  };
  const targets = joinAddresses(JoinFacts.parse(facts));
  const probes: Probe[] = [];
  const rest = s.groups ? Math.max(...s.groups) : null;
  for (const m of online) {
    const i = topo.indexOf(m.id);
    for (const { link, address } of targets) {
      const cut = s.status[i] !== 'running' || (s.linkDown[i]?.[link] ?? true) || (rest !== null && s.groups?.[i] !== rest);
      const q = s.quality[i]?.[link] ?? { latencyMs: 0, lossPct: 0 };
      const loss = 100 * (1 - (1 - q.lossPct / 100) * (1 - spare.lossPct / 100));
      const reachable = !cut && spare.addresses.includes(address) && loss < 100;
      probes.push({
        from: m.name,
        link,
        address,
        reachable,
        udp: reachable ? !spare.corosyncPortBlocked : null,
        latencyMs: reachable ? PROBE_BASE_LATENCY_MS + q.latencyMs + spare.latencyMs : null,
        lossPct: reachable ? Math.round(loss * 10) / 10 : null,
      });
    }
  }
  return { ...facts, probes };
}
