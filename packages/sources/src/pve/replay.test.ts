// Replay directories built from the fixtures (fixtures/SOURCES.md), checked against what a correct reader
// concludes (expected.json per directory), through the same code path as a live cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterSnapshot, storageStateWord, type CephStatus, type HaStatus, type NodeResources } from '@quorate/model';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from './build';
import { PveClient } from './client';
import { PveSource, observeOnce } from './source';
import { ReplayTransport } from './transport';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const scenarios = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

interface Expected {
  cluster: { name: string; configVersion: number | null; standalone: boolean };
  observer: string;
  quorum: { quorate: boolean; expectedVotes: number; totalVotes: number; quorum: number; members: number[] };
  nodes: { name: string; id: number; votes: number; state: string }[];
  qdevice: Record<string, unknown> | null;
  storage: Record<string, { shared: boolean; nodes: string[]; unknown: string[] }> | null;
  sameSize?: [string, string][];
  addresses?: Record<string, string>;
  note?: string;
  /** what the snapshot says it cannot see (the `what` of each line) */
  unavailable: string[];
  ha: HaStatus | null;
  ceph: CephStatus | null;
  /** per node, the fields of NodeResources a correct reader is sure of */
  resources?: Record<string, Partial<NodeResources>>;
  /** per storage and node: active / inactive / disabled / unknown */
  storageState?: Record<string, Record<string, string>>;
}

describe('pve replay scenarios', () => {
  it('has the scenarios the issue asks for', () => {
    expect(scenarios).toEqual(expect.arrayContaining(['healthy', 'offline-node', 'inquorate-node', 'standalone-node', 'qdevice-connected', 'qdevice-connect-failed', 'qdevice-empty', 'strings-for-numbers', 'ha-error', 'ceph-warn', 'storage-config']));
  });

  it.each(scenarios)('%s: the snapshot says what a correct reader concludes', async (name) => {
    const exp = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
    const { snapshot, notes } = await observeOnce(new PveClient(new ReplayTransport(join(FIXTURES, name))), { clusterId: name, name, now: () => 1_000 });
    expect(() => ClusterSnapshot.parse(snapshot)).not.toThrow();
    expect(snapshot.source).toBe('pve');
    expect(snapshot.cluster).toMatchObject({ name: exp.cluster.name, configVersion: exp.cluster.configVersion, quorumOptionsKnown: false });
    expect(snapshot.cluster.standalone === true).toBe(exp.cluster.standalone);
    expect(snapshot.observer?.name).toBe(exp.observer);
    expect(snapshot.quorum).toMatchObject(exp.quorum);
    expect(snapshot.nodes.map(({ name: n, id, votes, state }) => ({ name: n, id, votes, state }))).toEqual(exp.nodes);
    if (exp.qdevice === null) expect(snapshot.qdevice).toBeNull();
    else expect(snapshot.qdevice).toEqual(exp.qdevice);
    if (exp.storage === null) expect(snapshot.storage).toBeNull();
    else {
      const got = Object.fromEntries((snapshot.storage ?? []).map((s) => [s.id, { shared: s.shared, nodes: s.nodes.map((n) => n.node), unknown: s.nodes.filter((n) => n.unknown).map((n) => n.node) }]));
      expect(got).toEqual(exp.storage);
    }
    for (const [a, b] of exp.sameSize ?? []) {
      // two dir storages on one filesystem: each keeps its own (identical) size; nothing adds them up
      const sa = snapshot.storage!.find((s) => s.id === a)!;
      const sb = snapshot.storage!.find((s) => s.id === b)!;
      expect(sa.nodes.map((n) => n.totalBytes)).toEqual(sb.nodes.map((n) => n.totalBytes));
    }
    for (const [node, addr] of Object.entries(exp.addresses ?? {})) expect(snapshot.nodes.find((n) => n.name === node)?.addresses).toEqual([{ link: 0, address: addr }]);
    if (exp.note) expect(notes.join('\n')).toContain(exp.note);
    expect((snapshot.unavailable ?? []).map((u) => u.what)).toEqual(exp.unavailable);
    expect(snapshot.ha ?? null).toEqual(exp.ha);
    expect(snapshot.ceph ?? null).toEqual(exp.ceph);
    // every node of a pve snapshot carries its resources (all null where unknown)
    for (const n of snapshot.nodes) expect(n.resources).toBeDefined();
    for (const [node, r] of Object.entries(exp.resources ?? {})) expect(snapshot.nodes.find((n) => n.name === node)?.resources).toMatchObject(r);
    for (const [id, byNode] of Object.entries(exp.storageState ?? {})) {
      const s = snapshot.storage!.find((x) => x.id === id)!;
      expect(Object.fromEntries(s.nodes.map((n) => [n.node, storageStateWord(n)]))).toEqual(byNode);
    }
  });

  it('the source on a replay dir: ok, one snapshot per poll; a 403 part makes it degraded with the privilege', async () => {
    const ok = new PveSource({ clusterId: 'h', name: 'h', client: new PveClient(new ReplayTransport(join(FIXTURES, 'healthy'))) });
    const seen: ClusterSnapshot[] = [];
    ok.subscribe((s) => seen.push(s));
    await ok.tick();
    expect(ok.health()).toMatchObject({ state: 'ok', message: null });
    expect(seen).toHaveLength(1);
    expect(ok.current()?.storage).toHaveLength(3);

    const forbidden = new PveSource({ clusterId: 'f', name: 'f', client: new PveClient(new ReplayTransport(join(FIXTURES, 'forbidden-resources'))) });
    await forbidden.tick();
    expect(forbidden.health().state).toBe('degraded');
    expect(forbidden.health().message).toMatch(/403 Permission check failed \(GET \/cluster\/resources\): the token needs Datastore\.Audit/);
  });

  it('a replay dir without cluster/status: down, the 404 named', async () => {
    const src = new PveSource({ clusterId: 'x', name: 'x', client: new PveClient(new ReplayTransport(join(FIXTURES, 'nonexistent'))) });
    await src.tick();
    expect(src.health()).toMatchObject({ state: 'down', message: expect.stringMatching(/^404 .*GET \/cluster\/status/) });
  });
});

describe('buildSnapshot edge cases', () => {
  const ctx = { clusterId: 'c', name: 'c', observedAt: 1 };
  const cluster = { type: 'cluster', id: 'cluster', name: 'lab', nodes: 2, version: 2, quorate: 1 };

  it('two nodes that share a node id in a reply are still two nodes', () => {
    const { snapshot } = buildSnapshot(
      {
        status: [cluster, { type: 'node', id: 'node/a', name: 'a', nodeid: 1, online: 1, local: 1 }, { type: 'node', id: 'node/b', name: 'b', nodeid: 1, online: 1, local: 0 }],
        configNodes: [{ name: 'a', node: 'a', nodeid: '1', quorum_votes: '1' }, { name: 'b', node: 'b', nodeid: '1', quorum_votes: '1' }],
      },
      ctx,
    );
    expect(snapshot.nodes.map((n) => n.name)).toEqual(['a', 'b']);
    expect(snapshot.quorum?.totalVotes).toBe(2);
  });

  it('a row that does not parse is dropped and named, the rest of the reply is kept', () => {
    const { snapshot, notes } = buildSnapshot({ status: [cluster, { type: 'node', name: 'a', nodeid: 1, online: 1, local: 1 }, { type: 'node', nodeid: 'x?' }] }, ctx);
    expect(snapshot.nodes.map((n) => n.name)).toEqual(['a']);
    expect(notes.join()).toMatch(/cluster\/status\[2\]/);
  });

  it('a node missing from /cluster/status is unknown, not offline; votes default to 1 without the nodelist', () => {
    const { snapshot } = buildSnapshot({ status: [cluster, { type: 'node', name: 'a', nodeid: 1, online: 1, local: 1 }], configNodes: [{ name: 'a', nodeid: '1', quorum_votes: '2' }, { name: 'z', nodeid: '9' }] }, ctx);
    expect(snapshot.nodes).toMatchObject([{ name: 'a', votes: 2, state: 'online' }, { name: 'z', votes: 1, state: 'unknown' }]);
  });
});
