// Each pre-flight check's verdicts: pass on a clean 3-node cluster and spare; each failure set up alone
// fails (or warns) only its own check, with pvecm's words where pvecm has them; a measurement the source
// could not make is a warning that says why — never a silent pass.
import { describe, expect, it } from 'vitest';
import { QuorumOptions } from '../snapshot';
import { joinChecks, type JoinCheck } from './checks';
import { JoinFacts, type JoinFactsParsed } from './facts';
import { joinPlan } from './plan';

const member = (i: number, over: Partial<JoinFactsParsed['cluster']['members'][number]> = {}) => ({
  name: `pve${i}`,
  id: i,
  votes: 1,
  online: true,
  addresses: [{ link: 0, address: `198.18.0.1${i}` }],
  corosyncVersion: '3.1.7',
  pveVersion: '8.2.4',
  ...over,
});
const members = [member(1), member(2), member(3)];
const probes = members.map((m) => ({ from: m.name, link: 0, address: '198.18.0.14', reachable: true, udp: true, latencyMs: 0.4, lossPct: 0 }));

function facts(over: { cluster?: Partial<JoinFactsParsed['cluster']>; joiner?: Partial<JoinFactsParsed['joiner']>; probes?: JoinFactsParsed['probes'] } = {}): JoinFactsParsed {
  return JoinFacts.parse({
    cluster: { name: 'lab', quorate: true, members, links: [0], qdevice: false, options: QuorumOptions.parse({}), ...over.cluster },
    joiner: {
      name: 'pve4',
      addresses: [{ link: 0, address: '198.18.0.14' }],
      resolvesTo: members.map((m) => ({ on: m.name, addresses: ['198.18.0.14'] })),
      reverse: members.map((m) => ({ on: m.name, address: '198.18.0.14', name: 'pve4.lab' })),
      localAddresses: ['198.18.0.14', '127.0.0.1'],
      clustered: { corosyncConf: false, authkey: false, corosyncRunning: false, clusterName: null },
      guests: 0,
      clockOffsetMs: 12,
      corosyncVersion: '3.1.7',
      pveVersion: '8.2.4',
      ...over.joiner,
    },
    probes: over.probes ?? probes,
  });
}

const byId = (cs: JoinCheck[]) => Object.fromEntries(cs.map((c) => [c.id, c]));
/** the checks that are not a pass, apart from the advice that a 4-node single-link cluster always gets */
const problems = (f: JoinFactsParsed) => joinChecks(f).filter((c) => c.status !== 'pass' && !c.id.startsWith('advice-')).map((c) => `${c.id}:${c.status}`);
const one = (f: JoinFactsParsed, id: string) => byId(joinChecks(f))[id]!;

describe('joinChecks', () => {
  it('a clean spare joining a healthy cluster: every check passes, the advice speaks (4 nodes, 1 link)', () => {
    const cs = joinChecks(facts());
    expect(problems(facts())).toEqual([]);
    expect(cs.filter((c) => c.id.startsWith('advice-')).map((c) => [c.id, c.status])).toEqual([
      ['advice-qdevice', 'warn'],
      ['advice-second-link', 'warn'],
    ]);
    for (const c of cs) {
      expect(c.measured.length).toBeGreaterThan(0);
      expect(c.why.length).toBeGreaterThan(20);
      expect(c.fix === null).toBe(c.status === 'pass');
    }
  });

  it('names: invalid, taken, resolving differently, to a member, or not at all', () => {
    expect(problems(facts({ joiner: { name: 'pve_4' } }))).toContain('name-valid:fail');
    const taken = one(facts({ joiner: { name: 'PVE2' } }), 'name-unique');
    expect(taken).toMatchObject({ status: 'fail' });
    expect(taken.measured).toMatch(/can't add existing node 'PVE2'/);
    expect(one(facts({ joiner: { nodeid: 2 } }), 'nodeid-unique')).toMatchObject({ status: 'fail', measured: 'id 2 is pve2’s' });
    expect(one(facts({ joiner: { nodeid: 9 } }), 'nodeid-unique').status).toBe('pass');
    expect(one(facts(), 'nodeid-unique').measured).toBe('the lowest free id: 4');
    const split = facts({ joiner: { resolvesTo: [{ on: 'pve1', addresses: ['198.18.0.14'] }, { on: 'pve2', addresses: ['198.18.0.99'] }] } });
    expect(one(split, 'names-resolve')).toMatchObject({ status: 'fail', measured: 'pve1: 198.18.0.14; pve2: 198.18.0.99' });
    expect(one(facts({ joiner: { resolvesTo: members.map((m) => ({ on: m.name, addresses: ['198.18.0.12'] })) } }), 'names-resolve').status).toBe('fail');
    expect(one(facts({ joiner: { resolvesTo: [{ on: 'pve1', addresses: [] }] } }), 'names-resolve')).toMatchObject({ status: 'warn', measured: 'pve4 does not resolve on pve1' });
    expect(one(facts({ joiner: { reverse: [{ on: 'pve1', address: '198.18.0.14', name: 'old-host' }] } }), 'names-resolve').status).toBe('warn');
    expect(one(facts({ joiner: { resolvesTo: { unmeasured: 'needs SSH' } } }), 'names-resolve')).toMatchObject({ status: 'warn', measured: 'not checked: needs SSH' });
  });

  it('links: the set must match the cluster’s, the addresses must be the node’s own and nobody else’s', () => {
    const twoLinks = { links: [0, 1] };
    expect(one(facts({ cluster: twoLinks }), 'link-set').measured).toMatch(/link 1 exists in cluster config but wasn't specified/);
    expect(one(facts({ joiner: { addresses: [{ link: 0, address: '198.18.0.14' }, { link: 2, address: '198.20.0.14' }] } }), 'link-set').measured).toMatch(/link 2 specified for new node doesn't exist/);
    expect(one(facts({ cluster: twoLinks, joiner: { addresses: [] } }), 'link-set').measured).toMatch(/fallback only supported on single-link clusters/);
    // no address given on a single-link cluster: the node's own address (its name) is used, as pvecm does
    const fallback = facts({ joiner: { addresses: [] } });
    expect(one(fallback, 'link-set')).toMatchObject({ status: 'pass', measured: 'link0: 198.18.0.14 (the node’s own address: no link given)' });
    expect(problems(fallback)).toEqual([]);
    expect(one(facts({ joiner: { localAddresses: ['198.18.0.99'] } }), 'addresses-local').measured).toBe("link0: cannot use IP '198.18.0.14', not found on local node!");
    expect(one(facts({ joiner: { addresses: [{ link: 0, address: '198.18.0.13' }], localAddresses: ['198.18.0.13'], resolvesTo: { unmeasured: 'x' } } }), 'address-unused').measured).toBe(
      "corosync: address '198.18.0.13' already used on link ring0_addr by node 'pve3'",
    );
  });

  it('reachability, Corosync’s UDP port, latency and loss from the probes', () => {
    const cut = probes.map((p) => (p.from === 'pve2' ? { ...p, reachable: false, udp: null, latencyMs: null, lossPct: 100 } : p));
    expect(problems(facts({ probes: cut }))).toEqual(['links-reachable:fail']);
    const dropped = probes.map((p) => ({ ...p, udp: false }));
    const port = one(facts({ probes: dropped }), 'corosync-port');
    expect(port).toMatchObject({ status: 'fail' });
    expect(port.measured).toBe('UDP dropped: pve1 → 198.18.0.14:5405, pve2 → 198.18.0.14:5405 and pve3 → 198.18.0.14:5405');
    expect(problems(facts({ probes: dropped }))).toEqual(['corosync-port:fail']);
    expect(one(facts({ probes: probes.map((p, i) => ({ ...p, latencyMs: i === 1 ? 7.2 : 0.4 })) }), 'link-latency')).toMatchObject({ status: 'warn', measured: 'worst 7.2 ms (pve2 → 198.18.0.14), loss 0.0 %' });
    expect(one(facts({ probes: probes.map((p) => ({ ...p, latencyMs: 12 })) }), 'link-latency').status).toBe('fail');
    expect(one(facts({ probes: probes.map((p) => ({ ...p, lossPct: 1 })) }), 'link-latency').status).toBe('warn');
    expect(one(facts({ probes: probes.map((p) => ({ ...p, lossPct: 5 })) }), 'link-latency').status).toBe('fail');
    // exactly at the marks: not above them
    expect(one(facts({ probes: probes.map((p) => ({ ...p, latencyMs: 5 })) }), 'link-latency').status).toBe('pass');
    expect(one(facts({ probes: probes.map((p) => ({ ...p, latencyMs: 10 })) }), 'link-latency').status).toBe('warn');
    // a member that did not probe (offline): a warning, not a pass
    const fewer = facts({ cluster: { members: [...members.slice(0, 2), member(3, { online: true })] }, probes: probes.slice(0, 2) });
    expect(one(fewer, 'links-reachable')).toMatchObject({ status: 'warn', measured: 'not probed: pve3 → link0' });
    // a pve cluster without SSH cannot probe: each probe check warns and says why
    const none = facts({ probes: { unmeasured: 'the Proxmox API cannot send a UDP probe; add SSH to this cluster' } });
    for (const id of ['links-reachable', 'corosync-port', 'link-latency']) expect(one(none, id)).toMatchObject({ status: 'warn', measured: 'not checked: the Proxmox API cannot send a UDP probe; add SSH to this cluster' });
  });

  it('the joining node: clustered, guests, clock, versions', () => {
    const clustered = one(facts({ joiner: { clustered: { corosyncConf: true, authkey: true, corosyncRunning: true, clusterName: 'other' } } }), 'not-clustered');
    expect(clustered.status).toBe('fail');
    expect(clustered.measured).toBe(
      "authentication key '/etc/corosync/authkey' already exists; cluster config '/etc/pve/corosync.conf' already exists; corosync is already running, is this node already in a cluster?! (cluster other)",
    );
    expect(one(facts({ joiner: { guests: 2 } }), 'no-guests')).toMatchObject({ status: 'fail', measured: '2 guests — “this host already contains virtual guests”' });
    expect(one(facts({ joiner: { clockOffsetMs: 500 } }), 'clock-skew').status).toBe('pass');
    expect(one(facts({ joiner: { clockOffsetMs: -501 } }), 'clock-skew')).toMatchObject({ status: 'warn', measured: 'pve4 is 501 ms behind' });
    expect(one(facts({ joiner: { clockOffsetMs: 2000 } }), 'clock-skew').status).toBe('warn');
    expect(one(facts({ joiner: { clockOffsetMs: 2001 } }), 'clock-skew')).toMatchObject({ status: 'fail', measured: 'pve4 is 2001 ms ahead' });
    expect(one(facts({ joiner: { clockOffsetMs: { unmeasured: 'no SSH' } } }), 'clock-skew').status).toBe('warn');
    expect(one(facts({ joiner: { corosyncVersion: '2.4.4' } }), 'versions').status).toBe('fail');
    expect(one(facts({ joiner: { pveVersion: '8.1.0' } }), 'versions')).toMatchObject({ status: 'warn', measured: 'Corosync 3.1.7 here, 3.1.7 on the cluster; Proxmox VE 8.1.0 here, 8.2.4 on the cluster' });
    expect(one(facts({ joiner: { pveVersion: '7.4-16' } }), 'versions').status).toBe('fail');
    expect(one(facts({ joiner: { corosyncVersion: { unmeasured: 'a' }, pveVersion: { unmeasured: 'b' } } }), 'versions').status).toBe('warn');
  });

  it('the member’s certificate: only when a fingerprint is involved; the same passes, another fails in pvecm’s words', () => {
    const FP = Array.from({ length: 32 }, () => 'AB').join(':');
    const OTHER = Array.from({ length: 32 }, () => 'CD').join(':');
    expect(byId(joinChecks(facts()))['member-certificate']).toBeUndefined();
    const same = JoinFacts.parse({ ...facts(), fingerprint: FP.toLowerCase(), cluster: { ...facts().cluster, memberFingerprint: FP } });
    expect(one(same, 'member-certificate')).toMatchObject({ status: 'pass', measured: `the member presents ${FP}` });
    const other = JoinFacts.parse({ ...facts(), fingerprint: OTHER, cluster: { ...facts().cluster, memberFingerprint: FP } });
    expect(one(other, 'member-certificate')).toMatchObject({ status: 'fail', measured: `fingerprint '${OTHER}' not verified, abort! — the member presents ${FP}` });
    const unread = JoinFacts.parse({ ...facts(), fingerprint: FP });
    expect(one(unread, 'member-certificate')).toMatchObject({ status: 'warn', measured: 'not checked: the member’s certificate was not read' });
  });

  it('the cluster: quorate, no QDevice; the advice on the result', () => {
    expect(one(facts({ cluster: { quorate: false } }), 'quorate')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/missing nodes/) });
    expect(one(facts({ cluster: { qdevice: true } }), 'no-qdevice')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/pvecm qdevice remove/) });
    const two = facts({ cluster: { members: members.slice(0, 2), links: [0, 1] }, joiner: { addresses: [{ link: 0, address: '198.18.0.14' }, { link: 1, address: '198.19.0.14' }], localAddresses: ['198.18.0.14', '198.19.0.14'] }, probes: probes.slice(0, 2) });
    expect(one(two, 'advice-qdevice')).toMatchObject({ status: 'pass', measured: '3 nodes: odd' });
    expect(one(two, 'advice-second-link')).toMatchObject({ status: 'pass', measured: '2 links' });
  });
});

describe('joiner-access (pve: the joining node reached through its API)', () => {
  it('absent when the source reaches the node by its own means; pass when logged in; fail naming why', () => {
    expect(byId(joinChecks(facts()))['joiner-access']).toBeUndefined();
    expect(one(facts({ joiner: { access: { ok: true, detail: 'logged in to pve4 (https://198.18.0.14:8006) as root@pam' } } }), 'joiner-access')).toMatchObject({ status: 'pass', measured: 'logged in to pve4 (https://198.18.0.14:8006) as root@pam' });
    const refused = one(facts({ joiner: { access: { ok: false, detail: "pve4's API: authentication failure (401)" } } }), 'joiner-access');
    expect(refused).toMatchObject({ status: 'fail', title: 'Quorate can log in to pve4', measured: "pve4's API: authentication failure (401)" });
    expect(refused.fix).toMatch(/certificate fingerprint .* root@pam's password/);
    expect(joinPlan(facts({ joiner: { access: { ok: false, detail: 'x' } } })).canJoin).toBe(false);
  });
});
