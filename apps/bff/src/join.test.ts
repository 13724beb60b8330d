// POST /api/v1/operations/join, /delnode and /create through the guard, on a fake source with the join,
// create and delnode capabilities (a spare pve4 whose Corosync port can be "blocked"): a dry run always
// answers with every check and quorum before/after; a failing check refuses the run (409, audited); a run
// is a task that proves its result; the password never reaches the audit trail or the task; a pasted Join
// Information from another cluster, or a broken one, is refused in words; delnode follows Proxmox's order.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, JoinDryRunResponse, SnapshotMessage, base64Utf8, type JoinFacts, type Role } from '@quorate/model';
import type { CreateControl, DelnodeControl, JoinControl, JoinInput, SourceCapabilities, TaskIo } from '@quorate/sources';
import { FakeSource } from './testing/fake-source';
import { endedTask, simCluster, startFake, type Harness } from './testing/harness';

const PASSWORD = 'root-password-never-kept-0042';
const FP = Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(':');

class JoinableFake extends FakeSource {
  spares = ['pve4'];
  portBlocked = false;
  readonly calls: string[] = [];
  override readonly capabilities: SourceCapabilities = {
    faults: { applyFault: (f) => this.applyFault(f) },
    join: this.joinControl(),
    create: this.createControl(),
    delnode: this.delnodeControl(),
  };

  private joinControl(): JoinControl {
    return {
      candidates: async () => this.spares.map((name) => ({ name, addresses: [] })),
      joinFacts: async (input) => this.facts(input),
      join: async (input: JoinInput, io: TaskIo) => {
        this.calls.push(`join ${input.name} fp=${input.fingerprint ?? '-'} pw=${input.password ? 'yes' : 'no'}`);
        io.log('Request addition of this node');
        this.nodeNames.push(input.name);
        this.spares = this.spares.filter((s) => s !== input.name);
        this.applyFault({ action: 'start', nodes: [input.name] });
        io.log(`successfully added node '${input.name}' to cluster.`);
      },
    };
  }

  private createControl(): CreateControl {
    return { candidates: async () => this.spares.map((name) => ({ name, addresses: [] })), create: async () => undefined };
  }

  private delnodeControl(): DelnodeControl {
    return {
      delnode: async (name: string, io: TaskIo) => {
        io.log(`Killing node ${this.nodeNames.indexOf(name) + 1}`);
        this.nodeNames.splice(this.nodeNames.indexOf(name), 1);
        this.observe();
      },
    };
  }

  private facts(input: JoinInput): JoinFacts {
    const s = this.current()!;
    const n = this.nodeNames.length + 1;
    const addresses = input.addresses ?? [
      { link: 0, address: `198.18.0.${n}` },
      { link: 1, address: `198.19.0.${n}` },
    ];
    const members = s.quorum?.members ?? [];
    return {
      cluster: {
        name: s.cluster.name,
        quorate: s.quorum?.quorate === true,
        members: s.nodes.map((m) => ({ name: m.name, id: m.id, votes: m.votes, online: members.includes(m.id), addresses: m.addresses })),
        links: [0, 1],
        qdevice: false,
        options: s.cluster.quorumOptions,
      },
      joiner: {
        name: input.name,
        addresses,
        resolvesTo: s.nodes.map((m) => ({ on: m.name, addresses: [addresses[0]!.address] })),
        reverse: [],
        localAddresses: addresses.map((a) => a.address),
        clustered: { corosyncConf: false, authkey: false, corosyncRunning: false },
        guests: 0,
        clockOffsetMs: 3,
        corosyncVersion: null,
        pveVersion: null,
      },
      probes: s.nodes
        .filter((m) => members.includes(m.id))
        .flatMap((m) => addresses.map((a) => ({ from: m.name, link: a.link, address: a.address, reachable: true, udp: !this.portBlocked, latencyMs: 0.3, lossPct: 0 }))),
    };
  }
}

let h: Harness | null = null;
let fake: JoinableFake;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function start(): Promise<Harness> {
  h = await startFake([simCluster('c1', 'c1', true)], {
    createSource: (c) => {
      fake = new JoinableFake(c.id);
      return fake;
    },
  });
  return h;
}
const post = (op: string, body: unknown, as: Role = 'operator') => h!.api(`/api/v1/operations/${op}`, { method: 'POST', body, as });
const errorOf = async (r: Response) => ApiError.parse(await r.json()).error;
const nodesNow = async () => SnapshotMessage.parse(await (await h!.api('/api/v1/snapshot')).json()).snapshot.nodes.map((n) => n.name);
const audits = async (operation: string) => (await h!.server.store.audit.list({ limit: 100, operation })).records;

describe('join', () => {
  it('dry run: every check and quorum 3 → 4; a blocked Corosync port still answers, and refuses the run', async () => {
    await start();
    const dry = await post('join', { node: { name: 'pve4' }, dryRun: true });
    expect(dry.status).toBe(200);
    const { plan } = JoinDryRunResponse.parse(await dry.json());
    expect(plan.canJoin).toBe(true);
    expect(plan.nodeid).toBe(4);
    expect(plan.before).toMatchObject({ expectedVotes: 3, quorum: 2, nodesCanLose: 1 });
    expect(plan.after).toMatchObject({ expectedVotes: 4, quorum: 3, nodesCanLose: 1 });
    expect(plan.checks.find((c) => c.id === 'corosync-port')).toMatchObject({ status: 'pass' });
    expect(await nodesNow()).toEqual(['pve1', 'pve2', 'pve3']);

    fake.portBlocked = true;
    const blocked = JoinDryRunResponse.parse(await (await post('join', { node: { name: 'pve4' }, dryRun: true })).json());
    expect(blocked.plan.canJoin).toBe(false);
    expect(blocked.plan.checks.find((c) => c.id === 'corosync-port')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/udp dport 5405/) });
    const run = await post('join', { node: { name: 'pve4' }, confirm: true });
    expect(run.status).toBe(409);
    expect(await errorOf(run)).toMatch(/^the pre-flight failed: corosync’s udp port 5405 passes — UDP dropped: pve1 → 198\.18\.0\.4:5405/);
    expect((await audits('join')).at(0)).toMatchObject({ result: 'refused' });
    expect(fake.calls).toEqual([]);
  });

  it('a run is a task that proves the new member and quorum; the password goes to the source only', async () => {
    await start();
    const res = await post('join', { node: { name: 'pve4' }, credentials: { password: PASSWORD }, fingerprint: FP, confirm: true });
    const task = await endedTask(h!.url, h!.tokens.operator, res);
    expect(task.status).toBe('ok');
    const lines = task.log.map((l) => l.line);
    expect(lines).toContain('joining pve4 as node id 4: expected votes 3 → 4, needed 2 → 3');
    expect(lines).toContain("successfully added node 'pve4' to cluster.");
    expect(lines.at(-1)).toBe('verified: 4 nodes, 4 of 4 votes, needed 3, quorate');
    expect(await nodesNow()).toEqual(['pve1', 'pve2', 'pve3', 'pve4']);
    expect(fake.calls).toEqual([`join pve4 fp=${FP} pw=yes`]);
    const rec = (await audits('join')).at(0)!;
    expect(rec).toMatchObject({ result: 'ok', confirmed: true, params: { node: 'pve4', credentials: 'given for this call only' } });
    expect(JSON.stringify((await audits('join')))).not.toContain(PASSWORD);
    expect(JSON.stringify(task)).not.toContain(PASSWORD);
  });

  it('join information: from another cluster 409, broken 400, the right one fills the fingerprint', async () => {
    await start();
    const blob = (name: string) => base64Utf8(JSON.stringify({ ipAddress: '198.18.0.1', fingerprint: FP, peerLinks: { '0': '198.18.0.1' }, ring_addr: ['198.18.0.1'], totem: { cluster_name: name, interface: { '0': {}, '1': {} } } }));
    const other = await post('join', { node: { name: 'pve4' }, joinInfo: blob('elsewhere'), dryRun: true });
    expect(other.status).toBe(409);
    expect(await errorOf(other)).toMatch(/this join information is cluster 'elsewhere's, not 'c1's/);
    const broken = await post('join', { node: { name: 'pve4' }, joinInfo: 'bm90IGpzb24=', dryRun: true });
    expect(broken.status).toBe(400);
    expect(await errorOf(broken)).toMatch(/not to JSON/);
    const res = await post('join', { node: { name: 'pve4' }, joinInfo: blob('c1'), confirm: true });
    expect((await endedTask(h!.url, h!.tokens.operator, res)).status).toBe('ok');
    expect(fake.calls).toEqual([`join pve4 fp=${FP} pw=no`]);
  });

  it('not quorate: the dry run still answers (the check fails); a run is refused; viewers may not', async () => {
    await start();
    fake.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    const { plan } = JoinDryRunResponse.parse(await (await post('join', { node: { name: 'pve4' }, dryRun: true })).json());
    expect(plan.checks.find((c) => c.id === 'quorate')).toMatchObject({ status: 'fail' });
    const run = await post('join', { node: { name: 'pve4' }, confirm: true });
    expect(run.status).toBe(409);
    expect((await post('join', { node: { name: 'pve4' }, dryRun: true }, 'viewer')).status).toBe(403);
    expect((await post('join', { node: { name: 'pve4' } })).status).toBe(400);
  });

  it('join candidates: the spares, for operators', async () => {
    await start();
    const r = await h!.api('/api/v1/join-candidates', { as: 'operator' });
    expect(z.object({ candidates: z.array(z.object({ name: z.string() })) }).parse(await r.json()).candidates.map((c) => c.name)).toEqual(['pve4']);
    expect((await h!.api('/api/v1/join-candidates', { as: 'viewer' })).status).toBe(403);
  });
});

describe('delnode', () => {
  it('refuses an online node and the observer; needs the cluster name; then removes and verifies', async () => {
    await start();
    const online = await post('delnode', { node: 'pve3', confirm: true, clusterName: 'c1' });
    expect(online.status).toBe(409);
    expect(await errorOf(online)).toMatch(/^pve3 is online: power it off first/);
    expect(await errorOf(await post('delnode', { node: 'pve1', dryRun: true }))).toMatch(/^Cannot delete myself from cluster!/);
    expect(await errorOf(await post('delnode', { node: 'pve9', dryRun: true }))).toBe('Node/IP: pve9 is not a known host of the cluster.');
    fake.applyFault({ action: 'stop', nodes: ['pve3'] });
    const dry = await post('delnode', { node: 'pve3', dryRun: true });
    expect(await dry.json()).toMatchObject({ plan: { before: { expectedVotes: 3, quorum: 2, nodesCanLose: 0 }, after: { expectedVotes: 2, quorum: 2, nodesCanLose: 0 }, needsClusterName: true } });
    expect((await post('delnode', { node: 'pve3', confirm: true })).status).toBe(400);
    const task = await endedTask(h!.url, h!.tokens.operator, await post('delnode', { node: 'pve3', confirm: true, clusterName: 'c1' }));
    expect(task.status).toBe('ok');
    expect(task.log.map((l) => l.line)).toEqual(expect.arrayContaining(['verified: 2 nodes, 2 of 2 votes, needed 2, quorate', expect.stringMatching(/^left for you: on a member: rm -r \/etc\/pve\/nodes\/pve3/)]));
    expect(await nodesNow()).toEqual(['pve1', 'pve2']);
  });
});

describe('create', () => {
  it('on a cluster that exists: refused in pvecm’s words, even as a dry run', async () => {
    await start();
    const r = await post('create', { clusterName: 'new', nodes: [{ name: 'pve4' }], dryRun: true });
    expect(r.status).toBe(409);
    expect(await errorOf(r)).toMatch(/^cluster config '\/etc\/pve\/corosync.conf' already exists: c1 has 3 nodes/);
  });
});
