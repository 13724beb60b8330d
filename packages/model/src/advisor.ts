// The design advisor (issue 15): live checks of a cluster's design against Corosync's and Proxmox's best
// practices, each with a stable id, a status, what was found, why it matters and the fix. A check whose data
// the snapshot (or the extra facts below) does not carry is 'not-checked' and says what it needs — it never
// passes silently. Pure: thresholds are named here, facts come in as arguments.
import { z } from 'zod';
import { LATENCY_FAIL_MS, LATENCY_WARN_MS, SKEW_FAIL_MS, SKEW_WARN_MS } from './join/checks';
import type { ClusterSnapshot } from './snapshot';

export const ADVISOR_CHECK_IDS = [
  'few-votes',
  'qdevice-even-nodes',
  'two-node-wait-for-all',
  'single-link',
  'link-latency',
  'corosync-shares-storage-network',
  'clock-skew',
  'mixed-versions',
  'ha-on-local-storage',
  'token-timeout',
] as const;
export const AdvisorCheckId = z.enum(ADVISOR_CHECK_IDS);
export type AdvisorCheckId = z.infer<typeof AdvisorCheckId>;

export const AdvisorStatus = z.enum(['pass', 'warn', 'fail', 'not-checked']);
export type AdvisorStatus = z.infer<typeof AdvisorStatus>;

export const AdvisorCheck = z.object({
  id: AdvisorCheckId,
  status: AdvisorStatus,
  title: z.string(),
  /** what was found, in words; for not-checked: "not checked (needs …)" */
  measured: z.string(),
  why: z.string(),
  /** what to do; null when it passed */
  fix: z.string().nullable(),
});
export type AdvisorCheck = z.infer<typeof AdvisorCheck>;

export const AdvisorReport = z.object({ checks: z.array(AdvisorCheck) });
export type AdvisorReport = z.infer<typeof AdvisorReport>;

/** GET /api/v1/advisor */
export const AdvisorResponse = AdvisorReport.extend({ clusterId: z.string(), observedAt: z.number() });
export type AdvisorResponse = z.infer<typeof AdvisorResponse>;

/** latency jitter: a link whose max exceeds its average by more than this (ms) */
export const JITTER_WARN_MS = 5;
/** corosync.conf(5): token_coefficient when totem sets none (ms per node beyond two) */
export const DEFAULT_TOKEN_COEFFICIENT_MS = 650;
/** consensus = 1.2 × token by default; token + consensus is how long a new membership takes after a failure */
export const CONSENSUS_FACTOR = 1.2;
/** the HA watchdog fences a node after 60 s without quorum: a membership that takes this long risks fencing (fail) */
export const MEMBERSHIP_FAIL_MS = 50_000;
/** … and this long is too close for comfort (warn) */
export const MEMBERSHIP_WARN_MS = 30_000;
/** a token below this turns a busy switch or a short hiccup into a membership change */
export const TOKEN_MIN_MS = 1_000;
/** storage types whose traffic crosses the network */
export const NETWORK_STORAGE_TYPES = ['nfs', 'cifs', 'iscsi', 'iscsidirect', 'rbd', 'cephfs', 'glusterfs', 'zfs', 'pbs'] as const;
/** the subnets compared when only addresses are known (masks are not): IPv4 /24, IPv6 /64 */
export const ASSUMED_PREFIX_V4 = 24;
export const ASSUMED_PREFIX_V6 = 64;

/** Facts the snapshot does not carry; a check that needs one of them is not-checked without it. */
export interface AdvisorFacts {
  /** link thresholds of the cluster (defaults: the join's 5 / 10 ms) */
  latency?: { warnMs: number; badMs: number };
  /** each node's clock minus a reference clock (ms), by node name */
  clockOffsetsMs?: Record<string, number>;
  /** each node's Corosync version ("3.1.8"), by node name */
  corosyncVersions?: Record<string, string>;
  /** the server addresses of network storages (storage.cfg: server, portal, monhost), by storage id */
  storageAddresses?: Record<string, string[]>;
  /** the storages each HA guest's disks live on, by HA resource id ("vm:100") */
  haGuestStorages?: Record<string, string[]>;
}

type Verdict = Pick<AdvisorCheck, 'status' | 'measured' | 'fix'>;

const pass = (measured: string): Verdict => ({ status: 'pass', measured, fix: null });
const warn = (measured: string, fix: string): Verdict => ({ status: 'warn', measured, fix });
const fail = (measured: string, fix: string): Verdict => ({ status: 'fail', measured, fix });
const notChecked = (needs: string, fix: string): Verdict => ({ status: 'not-checked', measured: `not checked (needs ${needs})`, fix });

const list = (xs: readonly string[]): string => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

interface Def {
  id: AdvisorCheckId;
  title: string;
  why: string;
  run: (s: ClusterSnapshot, f: AdvisorFacts) => Verdict;
}

const STANDALONE = 'a cluster: this is a standalone node';

const DEFS: Def[] = [
  {
    id: 'few-votes',
    title: 'At least 3 votes, or a QDevice',
    why: 'With fewer than 3 votes no node can fail without losing quorum, unless two_node or a QDevice makes up for it; two_node alone lets both halves of a split believe they are quorate and leaves the outcome to a fencing race.',
    run: (s) => {
      if (s.cluster.standalone) return notChecked(STANDALONE, 'Create a cluster (pvecm create) first.');
      if (s.nodes.length === 0) return notChecked('the node list', 'Connect a source that reads the nodelist.');
      const votes = s.nodes.reduce((a, n) => a + n.votes, 0);
      if (s.qdevice) return pass(`${plural(votes, 'node vote')} and a QDevice with ${plural(s.qdevice.votes, 'vote')}`);
      if (votes >= 3) return pass(`${plural(votes, 'vote')}, no QDevice needed`);
      const fix = 'Add a QDevice (an external corosync-qnetd host: pvecm qdevice setup <address>) or a third node.';
      return warn(`${plural(votes, 'vote')} and no QDevice${s.cluster.quorumOptions.twoNode ? ' (two_node is on)' : ''}`, fix);
    },
  },
  {
    id: 'qdevice-even-nodes',
    title: 'An even node count has a QDevice',
    why: 'An even number of nodes can split into equal halves, neither of which is quorate; a QDevice (ffsplit) gives its vote to one half. With an odd node count Proxmox advises against a QDevice: it gets (N−1) votes and becomes a single point of failure.',
    run: (s) => {
      if (s.cluster.standalone) return notChecked(STANDALONE, 'Create a cluster (pvecm create) first.');
      const n = s.nodes.length;
      if (n === 0) return notChecked('the node list', 'Connect a source that reads the nodelist.');
      const even = n % 2 === 0;
      if (even && s.qdevice) return pass(`${plural(n, 'node')} and a QDevice (${s.qdevice.algorithm})`);
      if (!even && s.qdevice)
        return warn(`${plural(n, 'node')} (odd) with a QDevice (${s.qdevice.algorithm}, ${plural(s.qdevice.votes, 'vote')})`, 'Remove the QDevice (pvecm qdevice remove), or add a node to make the count even.');
      if (!even) return pass(`${plural(n, 'node')}: an odd count, no tie possible`);
      if (s.cluster.quorumOptions.autoTieBreaker) return pass(`${plural(n, 'node')} without a QDevice, but auto_tie_breaker decides an even split`);
      return warn(`${plural(n, 'node')} (even) and no QDevice`, 'Add a QDevice on a host outside the cluster (pvecm qdevice setup <address>), or a node to make the count odd.');
    },
  },
  {
    id: 'two-node-wait-for-all',
    title: 'two_node keeps wait_for_all',
    why: 'two_node lets one node of two be quorate alone; without wait_for_all two nodes that start cut off from each other both become quorate and both run the guests (split brain).',
    run: (s) => {
      const o = s.cluster.quorumOptions;
      if (s.cluster.quorumOptionsKnown === false)
        return notChecked("the quorum section of corosync.conf (this source assumes defaults: add SSH access to read it)", 'Read /etc/pve/corosync.conf: two_node: 1 needs wait_for_all left on (its default with two_node).');
      if (!o.twoNode) return pass('two_node is off');
      if (o.waitForAll === false) return fail('two_node: 1 with wait_for_all: 0', 'Remove “wait_for_all: 0” from the quorum section of /etc/pve/corosync.conf (two_node turns it on), and raise config_version.');
      return pass(`two_node with wait_for_all ${o.waitForAll === true ? 'on' : 'implied'}`);
    },
  },
  {
    id: 'single-link',
    title: 'Redundant Corosync links',
    why: 'With one link a switch or NIC failure is a node failure to Corosync (and fencing with HA); knet fails over between links in well under a second.',
    run: (s) => {
      if (s.cluster.standalone) return notChecked(STANDALONE, 'Create a cluster (pvecm create) first.');
      if (s.nodes.length === 0) return notChecked('the node list', 'Connect a source that reads the nodelist.');
      const linksOf = (id: number) => {
        const fromAddresses = new Set(s.nodes.find((n) => n.id === id)?.addresses.map((a) => a.link) ?? []);
        if (fromAddresses.size > 0) return fromAddresses.size;
        return new Set(s.links.filter((l) => l.from === id || l.to === id).map((l) => l.link)).size;
      };
      const counts = s.nodes.map((n) => ({ name: n.name, links: linksOf(n.id) }));
      if (counts.every((c) => c.links === 0))
        return notChecked('the nodes’ ring addresses or knet’s link status (this source reports neither)', 'Compare the ringX_addr lines of each node in /etc/pve/corosync.conf.');
      if (s.nodes.length === 1) return pass('one node: no peer to reach');
      const single = counts.filter((c) => c.links === 1).map((c) => c.name);
      if (single.length > 0)
        return warn(`${single.length === counts.length ? 'every node has' : `${list(single)} ${single.length === 1 ? 'has' : 'have'}`} one Corosync link only`, 'Add a second link on a separate network (pvecm: ring1_addr per node in /etc/pve/corosync.conf, a new interface in totem, config_version raised).');
      return pass(`every node has ${Math.min(...counts.map((c) => c.links))} or more links`);
    },
  },
  {
    id: 'link-latency',
    title: 'Low, steady link latency',
    why: `Corosync needs a low-latency network: above ${LATENCY_WARN_MS} ms the token runs late, above ${LATENCY_FAIL_MS} ms or with jitter memberships flap and nodes are fenced.`,
    run: (s, f) => {
      const warnMs = f.latency?.warnMs ?? LATENCY_WARN_MS;
      const badMs = f.latency?.badMs ?? LATENCY_FAIL_MS;
      const measured = s.links.filter((l) => l.connected && l.latencyAvgMs !== null);
      if (measured.length === 0) return notChecked('knet’s per-link latency (no connected link reports it)', 'Look at “corosync-cfgtool -n” and the knet stats in “corosync-cmapctl -m stats” on a node.');
      const nameOf = (id: number) => s.nodes.find((n) => n.id === id)?.name ?? `node ${id}`;
      const worst = measured.reduce((a, b) => (b.latencyAvgMs! > a.latencyAvgMs! ? b : a));
      const jittery = measured.filter((l) => l.latencyMaxMs !== null && l.latencyMaxMs - l.latencyAvgMs! > JITTER_WARN_MS);
      const at = (l: (typeof measured)[number]) => `${nameOf(l.from)}→${nameOf(l.to)} link ${l.link}`;
      const text = `worst ${at(worst)}: ${worst.latencyAvgMs!.toFixed(1)} ms average${worst.latencyMaxMs !== null ? `, ${worst.latencyMaxMs.toFixed(1)} ms max` : ''}`;
      const jitter = jittery.length > 0 ? `; jitter on ${plural(jittery.length, 'link')} (max above average by more than ${JITTER_WARN_MS} ms, e.g. ${at(jittery[0]!)})` : '';
      const fix = 'Put Corosync on a dedicated, quiet network (its own switch or VLAN with QoS, no storage or migration traffic); check NICs, cabling and switch load.';
      if (worst.latencyAvgMs! > badMs) return fail(text + jitter, fix);
      if (worst.latencyAvgMs! > warnMs || jittery.length > 0) return warn(text + jitter, fix);
      return pass(text);
    },
  },
  {
    id: 'corosync-shares-storage-network',
    title: 'Corosync does not share a network with storage',
    why: 'Storage traffic (NFS, iSCSI, Ceph, backups) fills a network in bursts; Corosync on the same network then misses its token, memberships flap and HA fences nodes.',
    run: (s, f) => {
      if (s.storage === null) return notChecked('the storage list (this source does not read it)', 'Compare the storages’ servers in /etc/pve/storage.cfg with the ring addresses in /etc/pve/corosync.conf.');
      const network = s.storage.filter((st) => (NETWORK_STORAGE_TYPES as readonly string[]).includes(st.type));
      if (network.length === 0) return pass('no network storage');
      const unknown = network.filter((st) => !f.storageAddresses?.[st.id]?.length);
      if (unknown.length > 0)
        return notChecked(
          `the server addresses of ${list(unknown.map((st) => `${st.id} (${st.type})`))}: storage.cfg's server, portal or monhost, which this source does not read`,
          'Compare those servers with the ring addresses in /etc/pve/corosync.conf: they should be on different subnets.',
        );
      const shared: string[] = [];
      for (const st of network)
        for (const server of f.storageAddresses![st.id]!)
          for (const n of s.nodes)
            for (const a of n.addresses)
              if (sameSubnet(server, a.address)) shared.push(`${st.id} (${server}) and ${n.name}'s link ${a.link} (${a.address})`);
      const assumed = `compared as /${ASSUMED_PREFIX_V4} (IPv4) and /${ASSUMED_PREFIX_V6} (IPv6) subnets: the masks are not known`;
      if (shared.length > 0)
        return warn(`same subnet: ${shared.slice(0, 3).join('; ')}${shared.length > 3 ? ` and ${shared.length - 3} more` : ''} (${assumed})`, 'Give Corosync its own network (at least its own link 0), and keep storage on another one.');
      return pass(`${plural(network.length, 'network storage')} on other subnets than every Corosync link (${assumed})`);
    },
  },
  {
    id: 'clock-skew',
    title: 'The clocks agree',
    why: 'pmxcfs, tickets, certificates and Ceph need one time: a skewed node is refused by the API (“ticket … expired”) and its log lines lie.',
    run: (s, f) => {
      const offsets = f.clockOffsetsMs;
      if (!offsets || Object.keys(offsets).length < 2) return notChecked('each node’s clock, read on at least 2 nodes (the source did not read them: no answer, or it cannot)', 'Run “chronyc tracking” on each node; Proxmox uses chrony by default.');
      const entries = Object.entries(offsets);
      const min = entries.reduce((a, b) => (b[1] < a[1] ? b : a));
      const max = entries.reduce((a, b) => (b[1] > a[1] ? b : a));
      const skew = max[1] - min[1];
      const measured = Math.round(skew) === 0 ? `${entries.length} clocks agree to the millisecond` : `${Math.round(skew)} ms between ${min[0]} and ${max[0]}`;
      const fix = 'Run chrony on every node against the same time sources (systemctl enable --now chrony; chronyc sources).';
      if (skew > SKEW_FAIL_MS) return fail(measured, fix);
      if (skew > SKEW_WARN_MS) return warn(measured, fix);
      return pass(`${measured}${s.nodes.length > entries.length ? ` (${entries.length} of ${s.nodes.length} nodes measured)` : ''}`);
    },
  },
  {
    id: 'mixed-versions',
    title: 'One Corosync and Proxmox version',
    why: 'Mixed versions are fine for the length of an upgrade only: Corosync 2 and 3 do not talk at all, and Proxmox majors differ in the cluster API and corosync.conf features.',
    run: (s, f) => {
      const pve = new Map<string, string>();
      for (const n of s.nodes) {
        const v = n.resources?.pveVersion?.match(/pve-manager\/([^/\s]+)/)?.[1] ?? n.resources?.pveVersion ?? null;
        if (v) pve.set(n.name, v);
      }
      const corosync = new Map(Object.entries(f.corosyncVersions ?? {}));
      if (pve.size === 0 && corosync.size === 0)
        return notChecked('each node’s versions (corosync -v over SSH or the lab, pve-manager’s and apt/versions over the API)', 'Compare “pveversion” and “corosync -v” on each node.');
      let status: 'pass' | 'warn' | 'fail' = 'pass';
      const parts: string[] = [];
      for (const [what, versions] of [
        ['Proxmox VE', pve],
        ['Corosync', corosync],
      ] as const) {
        if (versions.size === 0) continue;
        const distinct = [...new Set(versions.values())];
        parts.push(distinct.length === 1 ? `${what} ${distinct[0]} on ${plural(versions.size, 'node')}` : `${what} ${distinct.map((v) => `${v} on ${list([...versions].filter(([, x]) => x === v).map(([name]) => name))}`).join(', ')}`);
        const majors = new Set(distinct.map((v) => v.split(/[.-]/)[0]));
        if (majors.size > 1) status = 'fail';
        else if (distinct.length > 1 && status === 'pass') status = 'warn';
      }
      const measured = parts.join('; ');
      const fix = 'Finish the upgrade: bring every node to the same version (apt full-upgrade), one node at a time, checking quorum between nodes.';
      return status === 'pass' ? pass(measured) : status === 'warn' ? warn(measured, fix) : fail(measured, fix);
    },
  },
  {
    id: 'ha-on-local-storage',
    title: 'HA guests live on shared storage',
    why: 'HA recovers a guest on another node only if its disks are reachable there; a guest on local storage cannot be recovered (or is started without its disks).',
    run: (s, f) => {
      if (s.unavailable?.some((u) => u.what === 'ha') || s.ha === undefined)
        return notChecked('the HA resources (the pve source reads them)', 'Look at “ha-manager status” and each HA guest’s disks.');
      if (s.ha === null || s.ha.services.length === 0) return pass('no HA resources');
      const sids = s.ha.services.map((x) => x.sid);
      const disks = f.haGuestStorages;
      const missing = sids.filter((sid) => !disks?.[sid]);
      if (missing.length > 0)
        return notChecked(`the storages of each HA guest’s disks (${list(missing.slice(0, 5))}${missing.length > 5 ? ' …' : ''}: their configs were not read — the token needs VM.Audit)`, 'Check each HA guest’s disks (qm config / pct config) against /etc/pve/storage.cfg’s shared storages.');
      const byId = new Map((s.storage ?? []).map((st) => [st.id, st]));
      const local: string[] = [];
      for (const sid of sids) {
        const onLocal = disks![sid]!.filter((id) => byId.get(id)?.shared === false);
        if (onLocal.length > 0) local.push(`${sid} on ${list(onLocal)}`);
      }
      if (local.length > 0) return fail(`HA guests on local storage: ${local.join('; ')}`, 'Move their disks to shared storage (Move disk / qm disk move), or use storage replication (ZFS) for them.');
      return pass(`${plural(sids.length, 'HA guest')} on shared storage`);
    },
  },
  {
    id: 'token-timeout',
    title: 'A token timeout that suits the node count',
    why: `After a node fails Corosync needs token + consensus (${CONSENSUS_FACTOR} × token) to form a new membership; the token grows with every node beyond two (token_coefficient). The HA watchdog fences nodes that go 60 s without quorum, so that sum must stay well below it — and a token below ${TOKEN_MIN_MS} ms turns short hiccups into membership changes.`,
    run: (s) => {
      const token = s.cluster.tokenMs;
      if (token === null) return notChecked('totem.token from corosync.conf (this source does not read it)', 'Read the totem section of /etc/pve/corosync.conf (and “corosync-cmapctl -g runtime.config.totem.token”).');
      const n = s.nodes.length;
      const runtime = s.cluster.runtimeTokenMs ?? token + Math.max(0, n - 2) * DEFAULT_TOKEN_COEFFICIENT_MS;
      const membership = Math.round(runtime * (1 + CONSENSUS_FACTOR));
      const measured = `token ${token} ms, ${runtime} ms at ${plural(n, 'node')}: a new membership takes about ${(membership / 1000).toFixed(1)} s`;
      const fix = 'Lower token_coefficient in the totem section of /etc/pve/corosync.conf (Proxmox creates new clusters with 125 ms) and raise config_version.';
      if (membership >= MEMBERSHIP_FAIL_MS) return fail(measured, fix);
      if (membership >= MEMBERSHIP_WARN_MS) return warn(measured, fix);
      if (token < TOKEN_MIN_MS) return warn(measured, `Raise token to at least ${TOKEN_MIN_MS} ms in the totem section of /etc/pve/corosync.conf (or remove it for Corosync's default, 3000 ms).`);
      return pass(measured);
    },
  },
];

/** Every advisor check on this snapshot, in ADVISOR_CHECK_IDS order. */
export function adviseCluster(snapshot: ClusterSnapshot, facts: AdvisorFacts = {}): AdvisorReport {
  return { checks: DEFS.map((d) => ({ id: d.id, title: d.title, why: d.why, ...d.run(snapshot, facts) })) };
}

// ---- addresses: same subnet under the assumed prefixes ----

function ipv4(a: string): number[] | null {
  const m = a.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** the 8 groups of an IPv6 address, or null */
function ipv6(a: string): number[] | null {
  const s = a.replace(/^\[|\]$/g, '').split('%')[0]!;
  if (!s.includes(':')) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const groups = halves.length === 2 ? [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail] : head;
  return groups.length === 8 && groups.every((g) => Number.isFinite(g)) ? groups : null;
}

/** same /24 (IPv4) or /64 (IPv6); false for host names and mixed families */
export function sameSubnet(a: string, b: string): boolean {
  const a4 = ipv4(a);
  const b4 = ipv4(b);
  if (a4 && b4) return a4.slice(0, ASSUMED_PREFIX_V4 / 8).every((x, i) => x === b4[i]);
  const a6 = ipv6(a);
  const b6 = ipv6(b);
  if (a6 && b6) return a6.slice(0, ASSUMED_PREFIX_V6 / 16).every((x, i) => x === b6[i]);
  return false;
}
