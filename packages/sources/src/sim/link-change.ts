// Corosync link changes on the simulator (issue 16): the corosync.conf its nodes "run" (rendered from the
// nodelist, config_version, the links' priorities and link_mode), probes of new addresses, and a new
// corosync.conf applied — the nodelist's addresses, the number of links, priorities and link_mode taken from it.
// The simulated network: link l is 198.18.<l>.0/24; an address elsewhere is not reachable (the "bad address"
// failure mode: probes fail, and a node applied with one has that link down). The sim numbers links 0..N−1, so
// it adds the next link and removes the last one only; it refuses any other change in words.
import { confNodelist, confTotem, parseCorosyncConf, serializeCorosyncConf, type ConfItem } from '@quorate/corosync';
import { newAddresses, type LinkChange, type LinkFacts } from '@quorate/model';
import { SimFaultError } from './errors';
import { runner, type OperationOptions, type SimControl } from './operation';
import type { SimState } from './state';
import { hostAddress, Topology } from './topology';

/** 198.18.<l>.x: the simulated network of link l */
export function simReachable(link: number, address: string): boolean {
  const m = /^198\.18\.(\d+)\.(\d+)$/.exec(address);
  return m !== null && Number(m[1]) === link && Number(m[2]) >= 1 && Number(m[2]) <= 254;
}

const pair = (key: string, value: string | number): ConfItem => ({ type: 'pair', key, value: String(value) });
const section = (name: string, items: ConfItem[]): ConfItem => ({ type: 'section', name, items });

/** the corosync.conf the simulated nodes run */
export function simCorosyncConf(s: SimState): string {
  const topo = new Topology(s.config, s);
  const totem = [
    pair('cluster_name', topo.config.clusterName),
    pair('config_version', s.configVersion ?? 1),
    pair('ip_version', 'ipv4'),
    pair('link_mode', s.linkMode ?? 'passive'),
    pair('secauth', 'on'),
    pair('token', topo.config.tokenMs),
    pair('version', 2),
    ...Array.from({ length: topo.L }, (_, l) => section('interface', [pair('linknumber', l), ...(s.linkPriority?.[l] !== undefined ? [pair('knet_link_priority', s.linkPriority[l]!)] : [])])),
  ];
  const nodes = topo.nodes.map((n) => section('node', [pair('name', n.name), pair('nodeid', n.id), pair('quorum_votes', n.votes), ...n.addresses.map((a, l) => pair(`ring${l}_addr`, a))]));
  return serializeCorosyncConf({ items: [section('totem', totem), section('nodelist', nodes), section('quorum', [pair('provider', 'corosync_votequorum')])] });
}

/** each member's addresses on the simulated networks: 198.18.<l>.<host + 10> for every link knet allows */
export function simInterfaces(s: SimState): Record<string, string[]> {
  const topo = new Topology(s.config, s);
  return Object.fromEntries(
    topo.nodes.map((n) => {
      const host = Number(n.addresses[0]?.split('.')[3] ?? 0) - 10;
      return [n.name, Array.from({ length: 8 }, (_, l) => hostAddress(host > 0 ? host : n.id, l))];
    }),
  );
}

/** the facts of a link change: the conf, and each new address probed from every other running member */
export function simLinkFacts(ctl: SimControl, change: LinkChange): LinkFacts {
  const s = ctl.state();
  const snap = ctl.snapshot();
  const fresh = newAddresses(change);
  const running = snap.nodes.filter((n) => n.state === 'online').map((n) => n.name);
  const probes = fresh.flatMap((a) =>
    running
      .filter((from) => from !== a.node)
      .map((from) => {
        const reachable = simReachable(a.link, a.address);
        return { from, to: a.node, link: a.link, address: a.address, reachable, udp: reachable, latencyMs: reachable ? 0.2 : null, lossPct: reachable ? 0 : 100 };
      }),
  );
  return { conf: { text: simCorosyncConf(s) }, probes };
}

/** the state with a new corosync.conf's links; refuses (SimFaultError) what the sim cannot represent */
export function withConf(s: SimState, text: string): SimState {
  const parsed = parseCorosyncConf(text);
  if (!parsed.ok) throw new SimFaultError(`corosync.conf does not parse: ${parsed.error.message}`);
  const totem = confTotem(parsed.value);
  const nodes = confNodelist(parsed.value);
  const topo = new Topology(s.config, s);
  if (!totem || totem.configVersion === null) throw new SimFaultError('corosync.conf has no totem.config_version');
  if (totem.configVersion <= (s.configVersion ?? 1)) throw new SimFaultError(`config_version ${totem.configVersion} is not above the running ${s.configVersion ?? 1}: corosync keeps the old configuration`);
  const names = nodes.map((n) => n.name);
  if (names.join() !== topo.names.join()) throw new SimFaultError('the simulator applies link changes only: the nodelist must stay as it is');
  const links = [...new Set(nodes.flatMap((n) => n.addresses.map((a) => a.link)))].sort((a, b) => a - b);
  const L = links.length;
  if (L === 0) throw new SimFaultError('no link left');
  if (links.some((l, k) => l !== k)) throw new SimFaultError(`the simulator numbers its links 0..N−1: links ${links.join(', ')} cannot be simulated (add link ${topo.L}, or remove link ${topo.L - 1})`);
  const addresses = nodes.map((n) => {
    const a = links.map((l) => n.addresses.find((x) => x.link === l)?.address);
    if (a.some((x) => x === undefined)) throw new SimFaultError(`${n.name} has no address on every link`);
    return a as string[];
  });
  const keep = Math.min(topo.L, L);
  const next = new Topology(s.config, { ...s, linkCount: L });
  const t = s.clock;
  // the per-pair-link figures of the links that stay; a new link comes up connected
  const size = next.n * next.n * L;
  const pairs = { physUp: Array<number>(size).fill(1), connected: Array<number>(size).fill(1), changedAt: Array<number>(size).fill(t), downCount: Array<number>(size).fill(0), disconnectedAt: Array<number>(size).fill(0) };
  for (let i = 0; i < next.n; i++)
    for (let j = i + 1; j < next.n; j++)
      for (let l = 0; l < keep; l++) {
        const k = next.pairLink(i, j, l);
        const o = topo.pairLink(i, j, l);
        for (const key of ['physUp', 'connected', 'changedAt', 'downCount', 'disconnectedAt'] as const) pairs[key][k] = s[key][o] ?? 0;
      }
  const nodelist = topo.nodes.map((n, i) => ({ ...n, addresses: addresses[i]! }));
  // a node whose address on a link is outside that link's network cannot use it: that link is down for it
  const linkDown = nodelist.map((n, i) => Array.from({ length: L }, (_, l) => !simReachable(l, n.addresses[l]!) || (l < keep && (s.linkDown[i]?.[l] ?? false))));
  const quality = nodelist.map((_, i) => Array.from({ length: L }, (_, l) => (l < keep ? s.quality[i]![l]! : { latencyMs: 0, lossPct: 0, jitterMs: 0 })));
  const priority = Array.from({ length: L }, (_, l) => totem.interfaces.find((f) => (f.linknumber ?? 0) === l)?.knetLinkPriority ?? undefined);
  // the spares are wired to the same networks: an address on each link (a join needs one per link)
  const spares = (s.spares ?? []).map((x) => ({ ...x, addresses: Array.from({ length: L }, (_, l) => x.addresses[l] ?? hostAddress(x.host, l)) }));
  return {
    ...s,
    ...pairs,
    nodelist,
    spares,
    linkCount: L,
    linkDown,
    quality,
    configVersion: totem.configVersion,
    ...(priority.some((p) => p !== undefined && p !== null) ? { linkPriority: priority.map((p) => p ?? 0) } : { linkPriority: undefined }),
    linkMode: (totem.linkMode as SimState['linkMode']) ?? 'passive',
  };
}

export async function simApplyConf(ctl: SimControl, text: string, o: OperationOptions = {}): Promise<void> {
  const r = runner(o);
  r.checkAbort('the link change');
  const next = withConf(ctl.state(), text);
  await r.line('writing corosync.conf on every node');
  ctl.replace(next);
  await r.line('corosync-cfgtool -R: Reloading corosync.conf...');
  await r.line('Done');
}
