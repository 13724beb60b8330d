// Issue 16 on real Corosync: a 3-node cluster on one link plus a spare network. Through the links capability
// (the BFF's path: linkFacts → packages/corosync's edit → apply) link 1 is added at runtime; with link 0 cut on
// every node the cluster stays 3/3 on link 1, whose knet counters grow; a new address a member cannot reach
// shows unreachable in the facts; a change Corosync refuses to reload leaves every corosync.conf as it was; a
// node's address changed through the capability is applied by a rolling restart. Every wait is bounded and its
// failure carries the tools' output. QUORATE_LINKS_CAPTURE_DIR=dir writes cfgtool -s and cmapctl -m stats with
// link 0 down and link 1 carrying (packages/corosync/fixtures).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { editCorosyncConfText, knetLinkStats, parseCfgtoolStatus, parseCmap, parseCorosyncConf, serializeCorosyncConf, type KnetLinkStats } from '@quorate/corosync';
import { isUnmeasured, type LinkChange } from '@quorate/model';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Lab, down, labOperations, readStateEx } from './index';
import { describeLab, stepTimer } from './lab-test-kit';
import { linkEditOf } from './links';
import { sleep } from './procs';

const prefix = process.env.QUORATE_LINKS_LAB_PREFIX ?? 'lkt';
const captureDir = process.env.QUORATE_LINKS_CAPTURE_DIR;
const { timed, report } = stepTimer(prefix);
/** knet marks a link down/up within a few seconds (token 1000 ms); every wait below is bounded by this */
const SETTLE_MS = 20_000;
/** how long the link-1 counters are watched for traffic */
const TRAFFIC_MS = 3_000;
const NODES = ['pve1', 'pve2', 'pve3'];

await describeLab('lab links', 'lab: Corosync links through the links capability (3 nodes, link 0 + a spare network, token 1000 ms)', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await timed('up --nodes 3 --spare-links 1', () => Lab.up({ nodes: 3, token: 1000, spareLinks: 1, prefix }));
  });

  afterAll(async () => {
    const r = await down(prefix).catch((err: unknown) => {
      console.error(`cleanup of ${prefix} failed:`, err);
      return null;
    });
    if (r) console.log(`[lab ${prefix}] down: ${r.corosync} corosync, ${r.namespaces.length} namespaces`);
    report();
  });

  const capability = () => labOperations(prefix, { current: () => null, log: () => {} }).links!;
  const taskIo = (lines: string[]) => ({ log: (l: string) => lines.push(l), signal: new AbortController().signal });
  const confs = () => NODES.map((n) => readFileSync(lab.node(n).conf, 'utf8'));

  const tool = async (node: string, cmd: string, args: string[]) => {
    const r = await lab.runner(node).run(cmd, args, { timeoutMs: 3_000 });
    return { ...r, text: r.stdout + r.stderr };
  };
  /** link `link`'s peers as `corosync-cfgtool -s` on `node` shows them: nodeid → state */
  const cfgLink = async (node: string, link: number) => {
    const r = await tool(node, 'corosync-cfgtool', ['-s']);
    const p = parseCfgtoolStatus(r.stdout);
    const l = p.ok ? p.value.links.find((x) => x.link === link) : undefined;
    return { raw: r.text, peers: l ? l.nodes.filter((n) => n.state !== 'localhost').map((n) => n.state) : null };
  };
  /** polls every node's `corosync-cfgtool -s` until link `link` shows every peer `want` (bounded) */
  const untilLink = async (link: number, want: 'connected' | 'disconnected') => {
    const t0 = performance.now();
    for (;;) {
      const views = await Promise.all(NODES.map((n) => cfgLink(n, link)));
      if (views.every((v) => v.peers !== null && v.peers.length === 2 && v.peers.every((s) => s === want))) return Math.round(performance.now() - t0);
      if (performance.now() - t0 > SETTLE_MS) throw new Error(`waited ${SETTLE_MS} ms for link ${link} ${want} on every node; corosync-cfgtool -s:\n${views.map((v, k) => `--- ${NODES[k]}\n${v.raw}`).join('\n')}`);
      await sleep(250);
    }
  };
  const knet = async (node: string): Promise<{ raw: string; stats: KnetLinkStats[] }> => {
    const r = await tool(node, 'corosync-cmapctl', ['-m', 'stats']);
    const m = parseCmap(r.stdout);
    return { raw: r.text, stats: m.ok ? knetLinkStats(m.value) : [] };
  };

  it('up --spare-links 1: a bridge and an interface per node on 198.18.1.x, recorded; no Corosync link uses it', async () => {
    const state = await readStateEx(prefix);
    expect(state).toMatchObject({ links: 1, spareLinks: [1], linkMode: 'passive' });
    for (const [k, n] of NODES.entries()) {
      const ip = await tool(n, 'ip', ['-4', '-o', 'addr', 'show', 'dev', 'lan1']);
      expect(ip.stdout, n).toContain(`inet 198.18.1.${11 + k}/24`);
    }
    expect(confs().join('\n')).not.toContain('ring1_addr');
    expect((await cfgLink('pve1', 1)).peers).toBeNull();
  });

  it('a new address one member cannot reach (not present on pve3): the facts say unreachable from every other member, nothing changes', async () => {
    const change: LinkChange = { kind: 'add-link', link: 1, addresses: [{ node: 'pve1', address: '198.18.1.11' }, { node: 'pve2', address: '198.18.1.12' }, { node: 'pve3', address: '198.18.1.99' }] };
    const facts = await timed('linkFacts (198.18.1.99 not present anywhere)', () => capability().linkFacts(change));
    const bad = facts.probes.filter((p) => p.address === '198.18.1.99');
    expect(bad.map((p) => [p.from, p.reachable, p.udp])).toEqual([
      ['pve1', false, null],
      ['pve2', false, null],
    ]);
    const good = facts.probes.filter((p) => p.address !== '198.18.1.99');
    expect(good, JSON.stringify(good)).toHaveLength(4);
    for (const p of good) expect(p, JSON.stringify(p)).toMatchObject({ reachable: true, udp: true, link: 1 });
    expect(lab.state.configVersion).toBe(1);
  });

  it('link 1 added through the capability (linkFacts → editCorosyncConfText → apply): connected between every pair', async () => {
    const before = confs();
    const change: LinkChange = { kind: 'add-link', link: 1, addresses: NODES.map((n, k) => ({ node: n, address: `198.18.1.${11 + k}` })) };
    const facts = await timed('linkFacts (add link 1)', () => capability().linkFacts(change));
    if (isUnmeasured(facts.conf)) throw new Error(`no conf: ${facts.conf.unmeasured}`);
    // the canonical text is pve1's file, as the lab wrote it
    expect(facts.conf.text).toBe(before[0]);
    expect(facts.probes).toHaveLength(6);
    for (const p of facts.probes) expect(p, JSON.stringify(p)).toMatchObject({ reachable: true, udp: true });
    const edit = editCorosyncConfText(facts.conf.text, linkEditOf(change));
    if (!edit.ok) throw new Error(edit.error);
    const lines: string[] = [];
    await timed('apply (add link 1: write + corosync-cfgtool -R)', () => capability().apply(edit.text, taskIo(lines)));
    console.log(`[lab ${prefix}] ${lines.join(`\n[lab ${prefix}] `)}`);
    expect(lines.filter((l) => /^[1-3]\/3 /.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^links changed on 'lab-cluster': link 1 added .*\(config_version 2, reloaded\)/);
    lab = await Lab.open(prefix);
    expect(lab.state).toMatchObject({ links: 2, spareLinks: [], configVersion: 2 });
    expect(lab.state.nodes.map((n) => n.addresses)).toEqual(NODES.map((_, k) => [`198.18.0.${11 + k}`, `198.18.1.${11 + k}`]));
    // each node's own file: the same cluster sections, its own logfile
    for (const [k, text] of confs().entries()) {
      expect(text, NODES[k]).toContain('ring1_addr: 198.18.1.13');
      expect(text, NODES[k]).toContain(`logfile: ${lab.node(NODES[k]!).log}`);
    }
    // pve1's file is the edited text, as the lab writes it (its layout: no blank lines between sections)
    const same = (x: string) => {
      const r = parseCorosyncConf(x);
      return r.ok ? serializeCorosyncConf(r.value) : x;
    };
    expect(same(confs()[0]!)).toBe(same(edit.text));
    await timed('link 1 connected on every node (cfgtool -s)', () => untilLink(1, 'connected'));
    for (const n of NODES) expect((await tool(n, 'corosync-cmapctl', ['-g', 'totem.config_version'])).stdout, n).toMatch(/= 2$/m);
  });

  it('link 0 cut on every node: all stay quorate 3/3, knet shows link 0 down and link 1 connected and carrying traffic', async () => {
    for (const n of NODES) await lab.fault(n, { kind: 'link-down', link: 0 });
    await timed('link 0 down on every node (cfgtool -s)', () => untilLink(0, 'disconnected'));
    await untilLink(1, 'connected');
    for (const n of NODES) {
      const q = await lab.quorum(n);
      expect({ exit: q.exitCode, quorate: q.quorate, members: q.members, totalVotes: q.totalVotes }, `${n}:\n${q.raw}`).toEqual({ exit: 0, quorate: true, members: 3, totalVotes: 3 });
    }
    const a = await Promise.all(NODES.map(knet));
    await sleep(TRAFFIC_MS);
    const b = await Promise.all(NODES.map(knet));
    for (const [k, n] of NODES.entries()) {
      const self = k + 1;
      for (const peer of [1, 2, 3].filter((p) => p !== self)) {
        const at = (x: { stats: KnetLinkStats[] }, link: number) => x.stats.find((s) => s.nodeId === peer && s.link === link);
        const l0 = at(b[k]!, 0);
        const [l1a, l1b] = [at(a[k]!, 1), at(b[k]!, 1)];
        const why = `${n} → node ${peer}:\n${b[k]!.raw.split('\n').filter((l) => l.includes(`node${peer}.link`)).join('\n')}`;
        expect(l0?.connected, why).toBe(false);
        expect(l1b?.connected, why).toBe(true);
        expect(l1b!.txTotalPackets!, why).toBeGreaterThan(l1a!.txTotalPackets!);
        expect(l1b!.rxTotalPackets!, why).toBeGreaterThan(l1a!.rxTotalPackets!);
      }
    }
    if (captureDir) {
      mkdirSync(captureDir, { recursive: true });
      writeFileSync(`${captureDir}/cfgtool-s.txt`, (await tool('pve1', 'corosync-cfgtool', ['-s'])).stdout);
      writeFileSync(`${captureDir}/cmapctl-m-stats.txt`, (await tool('pve1', 'corosync-cmapctl', ['-m', 'stats'])).stdout);
      writeFileSync(`${captureDir}/quorumtool-s.txt`, (await tool('pve1', 'corosync-quorumtool', ['-s'])).stdout);
    }
    for (const n of NODES) await lab.fault(n, { kind: 'link-up', link: 0 });
    await timed('link 0 back on every node', () => untilLink(0, 'connected'));
  });

  it('refusals and a reload Corosync refuses: corosync.conf unchanged on every node, the running config_version as it was', async () => {
    const before = confs();
    const facts = await capability().linkFacts({ kind: 'set-link-mode', mode: 'active' });
    if (isUnmeasured(facts.conf)) throw new Error(facts.conf.unmeasured);
    // not a link change: refused before anything is written
    await expect(lab.applyLinks(facts.conf.text.replace('token: 1000', 'token: 2000').replace('config_version: 2', 'config_version: 3'))).rejects.toThrow(/only link changes are applied .*token: 2000.*nothing changed/);
    await expect(lab.applyLinks(facts.conf.text)).rejects.toThrow(/config_version 2 is not above the running 2/);
    // a node's address on a link that stays: Corosync refuses it on a reload (restart: 'never' makes the lab try)
    await lab.runner('pve2').run('ip', ['addr', 'add', '198.18.1.22/24', 'dev', 'lan1'], { timeoutMs: 3_000 });
    const edit = editCorosyncConfText(facts.conf.text, { kind: 'set-address', node: 'pve2', link: 1, address: '198.18.1.22' });
    if (!edit.ok) throw new Error(edit.error);
    const lines: string[] = [];
    const logged = await Lab.open(prefix, (l) => lines.push(l));
    const err = await timed('apply refused by corosync-cfgtool -R (rolled back)', () => logged.applyLinks(edit.text, { restart: 'never' }).then(() => null, (e: unknown) => e as Error));
    console.log(`[lab ${prefix}] ${err?.message.split('\n').join(`\n[lab ${prefix}] `)}`);
    expect(err?.message).toMatch(/links apply failed at the (reload|check of config_version)/);
    expect(err?.message).toMatch(/rollback: the previous corosync.conf \(config_version 2\) is back on pve1, pve2, pve3, reloaded/);
    expect(lines.at(-1)).toMatch(/^rollback: /);
    expect(confs()).toEqual(before);
    lab = await Lab.open(prefix);
    expect(lab.state.configVersion).toBe(2);
    expect(lab.node('pve2').addresses).toEqual(['198.18.0.12', '198.18.1.12']);
    for (const n of NODES) expect((await tool(n, 'corosync-cmapctl', ['-g', 'totem.config_version'])).stdout, n).toMatch(/= 2$/m);
  });

  it("a node's address through the capability: a rolling restart, one node at a time, pve2 last; its new address carries link 1", async () => {
    const change: LinkChange = { kind: 'set-address', node: 'pve2', link: 1, address: '198.18.1.22' };
    const facts = await timed('linkFacts (pve2 198.18.1.22)', () => capability().linkFacts(change));
    if (isUnmeasured(facts.conf)) throw new Error(facts.conf.unmeasured);
    for (const p of facts.probes) expect(p, JSON.stringify(p)).toMatchObject({ reachable: true, udp: true });
    const edit = editCorosyncConfText(facts.conf.text, linkEditOf(change));
    if (!edit.ok) throw new Error(edit.error);
    const lines: string[] = [];
    await timed('apply (set-address: rolling restart)', () => capability().apply(edit.text, taskIo(lines)));
    console.log(`[lab ${prefix}] ${lines.join(`\n[lab ${prefix}] `)}`);
    expect(lines.find((l) => l.startsWith('Corosync does not reload a changed address'))).toBeDefined();
    expect(lines.filter((l) => /^[2-4]\/5 pve\d: Corosync restarted/.test(l)).map((l) => l.slice(4, 8))).toEqual(['pve1', 'pve3', 'pve2']);
    await timed('link 1 connected again after the restarts', () => untilLink(1, 'connected'));
    const n = await tool('pve1', 'corosync-cfgtool', ['-n']);
    expect(n.stdout).toContain('198.18.1.11->198.18.1.22');
    for (const x of NODES) await lab.waitQuorum(x, { quorate: true, members: 3 }, SETTLE_MS);
  });
});
