// The join's pre-flight: each check's verdict (pass / warn / fail), what was measured, why it matters and
// the fix — from the facts a source measured (facts.ts). Pure. The texts in quotes are pvecm's own (facts
// §2.2), so an admin who has met them in a task log recognises them. Thresholds are named below.
import { z } from 'zod';
import { isUnmeasured, NODE_NAME, NODE_NAME_MAX, type JoinFactsParsed, type Measured, type Unmeasured } from './facts';

/** clock skew: warn above, fail above (ms) */
export const SKEW_WARN_MS = 500;
export const SKEW_FAIL_MS = 2_000;
/** link round-trip between a member and the joining node: warn above, fail above (ms) */
export const LATENCY_WARN_MS = 5;
export const LATENCY_FAIL_MS = 10;
/** probe loss: warn above, fail above (%) — knet retransmits little, and token timeouts follow from loss */
export const LOSS_WARN_PCT = 0;
export const LOSS_FAIL_PCT = 2;

export const CheckStatus = z.enum(['pass', 'warn', 'fail']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const JoinCheck = z.object({
  /** stable words: 'name-unique', 'corosync-port', … */
  id: z.string(),
  status: CheckStatus,
  title: z.string(),
  /** what was measured, in words ("pve1, pve2, pve3 reach 198.18.0.14 on link 0") */
  measured: z.string(),
  why: z.string(),
  /** what to do; null when it passed */
  fix: z.string().nullable(),
});
export type JoinCheck = z.infer<typeof JoinCheck>;

type Check = JoinCheck;
const check = (id: string, title: string, why: string) => ({
  pass: (measured: string): Check => ({ id, status: 'pass', title, measured, why, fix: null }),
  warn: (measured: string, fix: string): Check => ({ id, status: 'warn', title, measured, why, fix }),
  fail: (measured: string, fix: string): Check => ({ id, status: 'fail', title, measured, why, fix }),
  /** a check this source cannot make: a warning that says so */
  notChecked: (u: Unmeasured, fix = 'Check it by hand before joining.'): Check => ({ id, status: 'warn', title, measured: `not checked: ${u.unmeasured}`, why, fix }),
});

const list = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

/** the link addresses the join will use: as asked, else the fallback (the node's own address, single-link clusters) */
export function joinAddresses(f: JoinFactsParsed): { link: number; address: string }[] {
  if (f.joiner.addresses.length > 0) return f.joiner.addresses;
  const own = isUnmeasured(f.joiner.resolvesTo) ? undefined : f.joiner.resolvesTo.find((r) => r.addresses.length > 0)?.addresses[0];
  return own !== undefined && f.cluster.links.length === 1 ? [{ link: f.cluster.links[0]!, address: own }] : [];
}

/** the lowest free node id (Proxmox's automatic choice) */
export function nextNodeId(members: readonly { id: number }[]): number {
  const used = new Set(members.map((m) => m.id));
  let id = 1;
  while (used.has(id)) id++;
  return id;
}

export function joinChecks(f: JoinFactsParsed): JoinCheck[] {
  return [
    ...memberCertificate(f),
    ...joinerAccess(f),
    nameValid(f),
    nameUnique(f),
    nodeIdUnique(f),
    namesResolve(f),
    linkSet(f),
    addressesLocal(f),
    addressUnused(f),
    linksReachable(f),
    corosyncPort(f),
    linkLatency(f),
    notClustered(f),
    noGuests(f),
    quorate(f),
    noQdevice(f),
    clockSkew(f),
    versions(f),
    adviceQdevice(f),
    adviceSecondLink(f),
  ];
}

const colonHex = (fp: string) => fp.replace(/[\s:]/g, '').toUpperCase();

/** only when a fingerprint is involved: the one the join trusts must be the one the member presents */
function memberCertificate(f: JoinFactsParsed): Check[] {
  if (f.fingerprint === null && f.cluster.memberFingerprint === undefined) return [];
  const c = check('member-certificate', 'The member’s certificate is the one expected', 'The joining node sends the root password to the member it trusts by this fingerprint; another certificate means another machine, or one in the middle.');
  const seen = f.cluster.memberFingerprint;
  if (f.fingerprint === null) return [c.warn(`no fingerprint given; the member presents ${isUnmeasured(seen) || seen === undefined ? 'one not read here' : seen}`, 'Paste the Join Information, or the fingerprint the member’s GUI shows (System → Certificates).')];
  if (seen === undefined || isUnmeasured(seen)) return [c.notChecked(seen ?? { unmeasured: 'the member’s certificate was not read' }, 'Compare it with the member’s GUI → System → Certificates (or pvenode cert info on it).')];
  if (colonHex(seen) !== colonHex(f.fingerprint)) return [c.fail(`fingerprint '${f.fingerprint}' not verified, abort! — the member presents ${seen}`, 'Copy the Join Information again from a member of this cluster; if it still differs, find out why before sending a password.')];
  return [c.pass(`the member presents ${seen}`)];
}

function nameValid(f: JoinFactsParsed): Check {
  const c = check('name-valid', 'The node name is valid', 'Proxmox and Corosync take letters, digits and inner hyphens only; the name becomes the node’s directory in /etc/pve/nodes.');
  const n = f.joiner.name;
  if (n.length > NODE_NAME_MAX || !NODE_NAME.test(n)) return c.fail(`“${n}”`, `Rename the node (hostnamectl set-hostname, /etc/hosts) to letters, digits and hyphens, at most ${NODE_NAME_MAX} characters, before joining.`);
  return c.pass(`“${n}”`);
}

function nameUnique(f: JoinFactsParsed): Check {
  const c = check('name-unique', 'No member has this name', 'Two nodes with one name share one /etc/pve/nodes directory: the cluster refuses (“can’t add existing node”).');
  const same = f.cluster.members.find((m) => m.name.toLowerCase() === f.joiner.name.toLowerCase());
  if (same) return c.fail(`node ${same.name} (id ${same.id}) is already a member — “can't add existing node '${f.joiner.name}'”`, `Give the new node another name; if it is the same machine reinstalled, remove the old member first (pvecm delnode ${same.name}).`);
  return c.pass(`${f.cluster.members.length} members, none named ${f.joiner.name}`);
}

function nodeIdUnique(f: JoinFactsParsed): Check {
  const c = check('nodeid-unique', 'The node id is free', 'Corosync identifies nodes by id; a second node with an id in use would take over the other’s votes and membership.');
  const next = nextNodeId(f.cluster.members);
  const asked = f.joiner.nodeid;
  if (asked === null) return c.pass(`the lowest free id: ${next}`);
  const owner = f.cluster.members.find((m) => m.id === asked);
  if (owner) return c.fail(`id ${asked} is ${owner.name}’s`, `Leave the id empty (the lowest free one, ${next}, is used) or pick an unused one.`);
  return c.pass(`id ${asked} is free`);
}

function namesResolve(f: JoinFactsParsed): Check {
  const c = check('names-resolve', 'The name resolves the same everywhere', 'Proxmox reaches nodes by name (migration, SSH, the API proxy); a name that resolves differently on two members sends traffic to the wrong machine.');
  const { resolvesTo, reverse } = f.joiner;
  if (isUnmeasured(resolvesTo)) return c.notChecked(resolvesTo, `Check /etc/hosts on every member: ${f.joiner.name} must name the new node’s address.`);
  const addrs = joinAddresses(f).map((a) => a.address);
  const none = resolvesTo.filter((r) => r.addresses.length === 0).map((r) => r.on);
  if (none.length > 0) return c.warn(`${f.joiner.name} does not resolve on ${list(none)}`, `Add “${addrs[0] ?? '<address>'} ${f.joiner.name}” to /etc/hosts on ${list(none)} (Proxmox itself writes no hosts entries for other nodes).`);
  const distinct = new Set(resolvesTo.map((r) => [...r.addresses].sort().join(',')));
  if (distinct.size > 1) return c.fail(resolvesTo.map((r) => `${r.on}: ${r.addresses.join(', ')}`).join('; '), `Make /etc/hosts (or DNS) agree on every member: ${f.joiner.name} is one address.`);
  const resolved = resolvesTo[0]?.addresses ?? [];
  const elsewhere = resolved.filter((a) => f.cluster.members.some((m) => m.addresses.some((x) => x.address === a)));
  if (elsewhere.length > 0) return c.fail(`${f.joiner.name} resolves to ${list(elsewhere)}, a member’s address`, `Fix the hosts entry for ${f.joiner.name}: it points at another node.`);
  if (!isUnmeasured(reverse)) {
    const wrong = reverse.filter((r) => r.name !== null && r.name.split('.')[0]!.toLowerCase() !== f.joiner.name.toLowerCase());
    if (wrong.length > 0) return c.warn(wrong.map((r) => `${r.address} is “${r.name}” on ${r.on}`).join('; '), `Make the reverse entries name ${f.joiner.name} (or drop them): logs and certificates will show the other name.`);
  }
  return c.pass(`${f.joiner.name} → ${list(resolved)} on ${list(resolvesTo.map((r) => r.on))}`);
}

function linkSet(f: JoinFactsParsed): Check {
  const c = check('link-set', 'The new node has an address on every cluster link', 'Every node needs an address on each of the cluster’s Corosync links, and only on those; the cluster refuses any other set.');
  const asked = [...new Set(f.joiner.addresses.map((a) => a.link))].sort((a, b) => a - b);
  const cluster = [...f.cluster.links].sort((a, b) => a - b);
  if (asked.length === 0) {
    if (cluster.length > 1) return c.fail(`no link addresses given; the cluster has links ${cluster.join(', ')} — “no links given but multiple links found on other nodes, fallback only supported on single-link clusters”`, `Give an address for each link: ${cluster.map((l) => `link${l}`).join(', ')}.`);
    const fallback = joinAddresses(f);
    if (fallback.length === 0) return c.fail('no link address given, and the node’s name gives none', `Give the node’s address on link${cluster[0] ?? 0}.`);
    return c.pass(`link${fallback[0]!.link}: ${fallback[0]!.address} (the node’s own address: no link given)`);
  }
  const missing = cluster.filter((l) => !asked.includes(l));
  const extra = asked.filter((l) => !cluster.includes(l));
  if (missing.length > 0) return c.fail(`link ${missing.join(', ')} not given — “corosync: link ${missing[0]} exists in cluster config but wasn't specified for new node”`, `Add the node’s address on ${missing.map((l) => `link${l}`).join(', ')}.`);
  if (extra.length > 0) return c.fail(`link ${extra.join(', ')} is not a cluster link — “corosync: link ${extra[0]} specified for new node doesn't exist in cluster config”`, `Drop ${extra.map((l) => `link${l}`).join(', ')}, or add the link to the cluster first.`);
  return c.pass(f.joiner.addresses.map((a) => `link${a.link}: ${a.address}`).join(', '));
}

function addressesLocal(f: JoinFactsParsed): Check {
  const c = check('addresses-local', 'The addresses are the new node’s own', 'Corosync binds to these addresses on the new node; one it does not have fails the join (“cannot use IP …, not found on local node!”).');
  const local = f.joiner.localAddresses;
  const addrs = joinAddresses(f);
  if (isUnmeasured(local)) return c.notChecked(local, `Check with “ip -br addr” on ${f.joiner.name} that it has ${list(addrs.map((a) => a.address))}.`);
  const absent = addrs.filter((a) => !local.includes(a.address));
  if (absent.length > 0) return c.fail(absent.map((a) => `link${a.link}: cannot use IP '${a.address}', not found on local node!`).join('; '), `Configure ${list(absent.map((a) => a.address))} on ${f.joiner.name} (/etc/network/interfaces, ifreload -a), or give the addresses it has.`);
  return c.pass(`${f.joiner.name} has ${list(addrs.map((a) => a.address))}`);
}

function addressUnused(f: JoinFactsParsed): Check {
  const c = check('address-unused', 'No member uses these addresses', 'Two nodes on one Corosync address would receive each other’s traffic; the cluster refuses it.');
  for (const a of joinAddresses(f)) {
    for (const m of f.cluster.members) {
      const clash = m.addresses.find((x) => x.address === a.address);
      if (clash) return c.fail(`corosync: address '${a.address}' already used on link ring${clash.link}_addr by node '${m.name}'`, `Give ${f.joiner.name} an address of its own on link${a.link}.`);
    }
  }
  return c.pass(`${list(joinAddresses(f).map((a) => a.address)) || 'no address'} used by no member`);
}

const probesOf = (f: JoinFactsParsed) => (isUnmeasured(f.probes) ? null : f.probes);

function linksReachable(f: JoinFactsParsed): Check {
  const c = check('links-reachable', 'Every member reaches the new node on every link', 'Corosync needs every node to reach every other on each link; a node some members cannot reach splits the membership as soon as it joins.');
  const probes = probesOf(f);
  if (probes === null) return c.notChecked(f.probes as Unmeasured, `From every member: ping each of ${f.joiner.name}’s link addresses.`);
  const online = f.cluster.members.filter((m) => m.online).map((m) => m.name);
  const missing = joinAddresses(f).flatMap((a) => online.filter((m) => !probes.some((p) => p.from === m && p.link === a.link)).map((m) => `${m} → link${a.link}`));
  const bad = probes.filter((p) => !p.reachable).map((p) => `${p.from} → ${p.address} (link${p.link})`);
  if (bad.length > 0) return c.fail(`no answer: ${list(bad)}`, 'Check cabling, VLANs and routes on that link, and that the address is up on the new node.');
  if (missing.length > 0) return c.warn(`not probed: ${list(missing)}`, 'Probe again when those members are online.');
  return c.pass(`${probes.length} probe${probes.length === 1 ? '' : 's'} from ${list([...new Set(probes.map((p) => p.from))])} answered`);
}

function corosyncPort(f: JoinFactsParsed): Check {
  const c = check('corosync-port', `Corosync’s UDP port ${f.port} passes`, 'Corosync (knet) talks over UDP; a firewall that drops it lets ping through but leaves the new node alone in its own partition.');
  const probes = probesOf(f);
  if (probes === null) return c.notChecked(f.probes as Unmeasured, `Check that UDP ${f.port} is open between the members and ${f.joiner.name} (Proxmox firewall: the cluster network’s “corosync” macro; nftables/iptables on the hosts).`);
  const tested = probes.filter((p) => p.reachable && p.udp !== null);
  const dropped = tested.filter((p) => p.udp === false).map((p) => `${p.from} → ${p.address}:${f.port}`);
  if (dropped.length > 0) return c.fail(`UDP dropped: ${list(dropped)}`, `Open UDP ${f.port} on ${f.joiner.name} and on the path from every member (Proxmox firewall: allow the cluster network; nftables: accept udp dport ${f.port}).`);
  if (tested.length === 0) return c.warn('not probed: no member could send a test datagram', `Check UDP ${f.port} by hand.`);
  return c.pass(`UDP ${f.port} passes on ${tested.length} path${tested.length === 1 ? '' : 's'}`);
}

function linkLatency(f: JoinFactsParsed): Check {
  const c = check('link-latency', 'Link latency and loss suit Corosync', `Corosync wants a low-latency network: above ${LATENCY_WARN_MS} ms the token runs late, above ${LATENCY_FAIL_MS} ms (or with loss) memberships flap.`);
  const probes = probesOf(f)?.filter((p) => p.reachable && p.latencyMs !== null);
  if (!probes) return c.notChecked(f.probes as Unmeasured, `Measure with ping from every member to ${f.joiner.name}: under ${LATENCY_WARN_MS} ms, no loss.`);
  if (probes.length === 0) return c.warn('no round-trip measured', 'Measure with ping from every member.');
  const worst = probes.reduce((a, b) => ((b.latencyMs ?? 0) > (a.latencyMs ?? 0) ? b : a));
  const lossy = probes.reduce((a, b) => ((b.lossPct ?? 0) > (a.lossPct ?? 0) ? b : a));
  const ms = worst.latencyMs!;
  const loss = lossy.lossPct ?? 0;
  const measured = `worst ${ms.toFixed(1)} ms (${worst.from} → ${worst.address}), loss ${loss.toFixed(1)} %${loss > 0 ? ` (${lossy.from} → ${lossy.address})` : ''}`;
  const fix = 'Put Corosync on a dedicated, low-latency network (its own switch or VLAN, not the storage network); add a second link.';
  if (ms > LATENCY_FAIL_MS || loss > LOSS_FAIL_PCT) return c.fail(measured, fix);
  if (ms > LATENCY_WARN_MS || loss > LOSS_WARN_PCT) return c.warn(measured, fix);
  return c.pass(measured);
}

/** only when the source reaches the node in a way that can fail (pve: the node's API as root@pam) */
function joinerAccess(f: JoinFactsParsed): Check[] {
  const a = f.joiner.access;
  if (a === null) return [];
  const c = check('joiner-access', `Quorate can log in to ${f.joiner.name}`, `The join runs on ${f.joiner.name} itself (POST /cluster/config/join as root@pam there): without its API nothing on it can be checked or changed.`);
  if (a.ok) return [c.pass(a.detail)];
  return [c.fail(a.detail, `Give ${f.joiner.name}'s API address (https://<address>:8006), its certificate fingerprint (its GUI: System → Certificates) and root@pam's password; with a second factor on root@pam, a fresh TOTP code.`)];
}

function notClustered(f: JoinFactsParsed): Check {
  const c = check('not-clustered', 'The new node is in no cluster', 'A node joins only from a clean state: its own corosync.conf or authkey would be replaced while its Corosync still talks to its old cluster.');
  const s = f.joiner.clustered;
  if (isUnmeasured(s)) return c.notChecked(s, `On ${f.joiner.name}: no /etc/pve/corosync.conf, no /etc/corosync/authkey, and “corosync-quorumtool -l” fails.`);
  const found = [
    s.authkey ? "authentication key '/etc/corosync/authkey' already exists" : null,
    s.corosyncConf ? "cluster config '/etc/pve/corosync.conf' already exists" : null,
    s.corosyncRunning ? 'corosync is already running, is this node already in a cluster?!' : null,
  ].filter((x): x is string => x !== null);
  if (found.length > 0)
    return c.fail(`${found.join('; ')}${s.clusterName ? ` (cluster ${s.clusterName})` : ''}`, `Remove ${f.joiner.name} from its cluster first (pvecm delnode there), or separate it (Proxmox docs: “Separate a Node Without Reinstalling”); a reinstall is the clean way.`);
  return c.pass('no corosync.conf, no authkey, Corosync not running');
}

function noGuests(f: JoinFactsParsed): Check {
  const c = check('no-guests', 'The new node has no guests', 'Joining replaces the node’s /etc/pve with the cluster’s: its VM and container configurations would be lost, and their ids may clash (“this host already contains virtual guests”).');
  const g = f.joiner.guests;
  if (isUnmeasured(g)) return c.notChecked(g, `On ${f.joiner.name}: qm list and pct list must be empty.`);
  if (g > 0) return c.fail(`${g} guest${g === 1 ? '' : 's'} — “this host already contains virtual guests”`, 'Back the guests up (vzdump), remove them, join, then restore them with ids free in the cluster.');
  return c.pass('no VMs or containers');
}

function quorate(f: JoinFactsParsed): Check {
  const c = check('quorate', 'The cluster is quorate', 'Adding a node writes /etc/pve/corosync.conf, which is read-only without quorum (“cluster not ready - no quorum?”).');
  if (!f.cluster.quorate) return c.fail('the cluster is not quorate', 'Bring the missing nodes back first; the overview says which.');
  const online = f.cluster.members.filter((m) => m.online).length;
  return c.pass(`quorate, ${online} of ${f.cluster.members.length} members online`);
}

function noQdevice(f: JoinFactsParsed): Check {
  const c = check('no-qdevice', 'No QDevice is configured', 'Proxmox does not support adding a node while a QDevice is configured: its votes would be wrong for the new node count.');
  if (f.cluster.qdevice) return c.fail('a QDevice is configured', 'Remove it (pvecm qdevice remove), join, then set it up again if the new node count is even.');
  return c.pass('no QDevice');
}

function clockSkew(f: JoinFactsParsed): Check {
  const c = check('clock-skew', 'The clocks agree', 'Certificates, tickets and logs need one time; a skewed node is refused by the API (“ticket … expired”) and its log lines lie.');
  const o = f.joiner.clockOffsetMs;
  if (isUnmeasured(o)) return c.notChecked(o, `Compare “date +%s.%N” on ${f.joiner.name} and a member; run chrony (Proxmox’s default) on both.`);
  const measured = `${f.joiner.name} is ${Math.abs(o) < 1 ? 'in step' : `${Math.round(Math.abs(o))} ms ${o > 0 ? 'ahead' : 'behind'}`}`;
  const fix = `Start chrony on ${f.joiner.name} (systemctl enable --now chrony) with the members’ time source, and wait for it to sync (chronyc tracking).`;
  if (Math.abs(o) > SKEW_FAIL_MS) return c.fail(measured, fix);
  if (Math.abs(o) > SKEW_WARN_MS) return c.warn(measured, fix);
  return c.pass(measured);
}

const major = (v: string) => v.split(/[.-]/)[0]!;
const minor = (v: string) => v.split(/[.-]/).slice(0, 2).join('.');

function versions(f: JoinFactsParsed): Check {
  const c = check('versions', 'Corosync and Proxmox versions match', 'Corosync 2 and 3 do not talk to each other (knet); Proxmox majors differ in the cluster join API and in corosync.conf features.');
  const { corosyncVersion: cv, pveVersion: pv } = f.joiner;
  if (isUnmeasured(cv) && isUnmeasured(pv)) return c.notChecked(cv, `Compare “corosync -v” and “pveversion” on ${f.joiner.name} with a member’s.`);
  const theirs = (pick: (m: (typeof f.cluster.members)[number]) => string | null) => [...new Set(f.cluster.members.map(pick).filter((v): v is string => v !== null))];
  const parts: string[] = [];
  let status: 'pass' | 'warn' | 'fail' = 'pass';
  for (const [what, mine, all] of [
    ['Corosync', isUnmeasured(cv) ? null : cv, theirs((m) => m.corosyncVersion)],
    ['Proxmox VE', isUnmeasured(pv) ? null : pv, theirs((m) => m.pveVersion)],
  ] as const) {
    if (mine === null || all.length === 0) continue;
    parts.push(`${what} ${mine} here, ${all.join(' / ')} on the cluster`);
    if (all.some((v) => major(v) !== major(mine))) status = 'fail';
    else if (status === 'pass' && all.some((v) => minor(v) !== minor(mine))) status = 'warn';
  }
  const measured = parts.length > 0 ? parts.join('; ') : 'no versions to compare';
  const fix = `Upgrade the older side (apt full-upgrade) so ${f.joiner.name} and the members run the same major and, ideally, the same minor versions.`;
  if (status === 'fail') return c.fail(measured, fix);
  if (status === 'warn') return c.warn(measured, fix);
  if (parts.length === 0) return c.warn(measured, `Compare “corosync -v” and “pveversion” by hand.`);
  return c.pass(measured);
}

function adviceQdevice(f: JoinFactsParsed): Check {
  const c = check('advice-qdevice', 'Node count after the join', 'With an even number of nodes a clean split leaves no half with a majority; a QDevice (an external tie-breaker vote) keeps one half running.');
  const after = f.cluster.members.length + 1;
  if (after % 2 === 0) return c.warn(`${after} nodes: even`, 'After the join, set up a QDevice on a machine outside the cluster (pvecm qdevice setup <address>).');
  return c.pass(`${after} nodes: odd`);
}

function adviceSecondLink(f: JoinFactsParsed): Check {
  const c = check('advice-second-link', 'Redundant Corosync links', 'With one link, one switch or cable fault takes nodes out of the membership; a second link (another network) keeps them in.');
  if (f.cluster.links.length < 2) return c.warn(`${f.cluster.links.length} link`, 'Add a second Corosync link on another network (and keep Corosync off the storage network).');
  return c.pass(`${f.cluster.links.length} links`);
}

export type { Measured };
