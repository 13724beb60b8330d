// Each cluster's state in the list (cluster-state.ts, clusters.ts): votes and nodes online from the newest
// snapshot, `since` moving only with the health (the first look counts), and the list sent again only when
// the state key changes — a new snapshot that changes only latencies announces nothing; the whole list is
// announced only when the list itself changes.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ClusterState, sameStateAs, type ClusterSnapshot } from '@quorate/model';
import { sampleSnapshot } from '@quorate/model/testing';
import type { SourceHealth } from '@quorate/sources';
import { clusterState, stateKey } from './cluster-state';
import { ClusterRegistry, type Cluster } from './clusters';

const OK: SourceHealth = { state: 'ok', message: null, lastObservedAt: null };

/** what the registry reads of a cluster's feed: its newest snapshot, its source's health and capabilities, `observed` */
class FakeCollector extends EventEmitter {
  snapshot: ClusterSnapshot | null = null;
  sourceHealth: SourceHealth = OK;
  caps: string[] = [];
  capabilities() {
    return this.caps;
  }
  current() {
    return this.snapshot ? { rev: 1, snapshot: this.snapshot } : null;
  }
  health(): SourceHealth {
    return this.sourceHealth;
  }
  /** a new snapshot, as the collector's ingest announces it */
  observe(s: ClusterSnapshot) {
    this.snapshot = s;
    this.emit('observed', s);
  }
}

function clusterOf(id: string, collector: FakeCollector): Cluster {
  return { config: { id, name: id, default: false, source: 'sim', settings: {}, origin: 'runtime' }, feed: collector, collector, checkpoint: {} } as unknown as Cluster;
}

/** pve1..pve<nodes> seen from pve1, the last `offline` of them down; quorate while the rest hold a majority */
function withOffline(nodes: number, offline: number): ClusterSnapshot {
  const s = sampleSnapshot({ nodes });
  const left = nodes - offline;
  for (const n of s.nodes) if (n.id > left) n.state = 'offline';
  for (const l of s.links) if (l.from > left || l.to > left) Object.assign(l, { connected: false, latencyAvgMs: null, latencyMaxMs: null });
  s.quorum = { ...s.quorum!, totalVotes: left, quorate: left >= s.quorum!.quorum, members: s.nodes.filter((n) => n.id <= left).map((n) => n.id) };
  return s;
}

function registry(...collectors: FakeCollector[]) {
  let now = 1_000;
  const r = new ClusterRegistry(
    collectors.map((c, i) => clusterOf(`c${i}`, c)),
    () => now,
  );
  let changes = 0;
  let lists = 0;
  const announced: string[] = [];
  r.on('state', (id) => (changes++, announced.push(id)));
  r.on('changed', () => lists++);
  return {
    r,
    state: (i = 0) => r.summaries()[i]!.state!,
    changes: () => changes,
    lists: () => lists,
    announced,
    at: (t: number) => (now = t),
  };
}

describe('clusterState', () => {
  it('a snapshot marked as only telemetry newer than another takes its facts (not worked out again)', () => {
    const ok: SourceHealth = { state: 'ok', message: null, lastObservedAt: null };
    const a = sampleSnapshot({ nodes: 3 });
    expect(clusterState(a, ok).health).toBe('healthy');
    // not telemetry at all (quorum lost), but marked so: the mark is trusted, the facts are a's
    const b: ClusterSnapshot = { ...a, observedAt: a.observedAt + 1000, quorum: { ...a.quorum!, quorate: false } };
    expect(clusterState({ ...b }, ok).health).toBe('lost');
    sameStateAs(b, a);
    expect(clusterState(b, ok).health).toBe('healthy');
  });

  it('votes and nodes online come from the newest snapshot; the schema takes them', () => {
    const s = clusterState(sampleSnapshot({ nodes: 5 }), OK);
    expect(s).toEqual({ health: 'healthy', source: 'ok', votes: { total: 5, expected: 5, quorum: 3 }, nodes: { online: 5, total: 5 } });
    expect(ClusterState.parse(s)).toEqual(s);
    const lost = clusterState(withOffline(3, 2), OK);
    expect(lost).toMatchObject({ health: 'lost', votes: { total: 1, expected: 3, quorum: 2 }, nodes: { online: 1, total: 3 } });
  });

  it('nothing known: unknown with votes and nodes null; a snapshot without quorum has nodes but no votes', () => {
    expect(clusterState(null, { ...OK, state: 'starting' })).toEqual({ health: 'unknown', source: 'starting', votes: null, nodes: null });
    const blind = { ...sampleSnapshot(), quorum: null };
    expect(clusterState(blind, OK)).toMatchObject({ health: 'unknown', votes: null, nodes: { online: 3, total: 3 } });
  });

  it('the key holds health, source, certificate, votes and nodes; not latency', () => {
    const a = sampleSnapshot();
    const slower = structuredClone(a);
    for (const l of slower.links) l.latencyAvgMs = 40;
    expect(stateKey(clusterState(slower, OK))).toBe(stateKey(clusterState(a, OK)));
    expect(stateKey(clusterState(sampleSnapshot({ nodes: 4 }), OK))).not.toBe(stateKey(clusterState(a, OK)));
    expect(stateKey(clusterState(a, { ...OK, state: 'degraded' }))).not.toBe(stateKey(clusterState(a, OK)));
  });

  it('old lists (no votes, nodes, since) still parse', () => {
    expect(ClusterState.parse({ health: 'healthy', source: 'ok' })).toEqual({ health: 'healthy', source: 'ok' });
  });
});

describe('the registry', () => {
  it('since: the first look counts as a change; it moves when the health does, not when the votes do', () => {
    const c = new FakeCollector();
    const { state, at } = registry(c);
    expect(state()).toMatchObject({ health: 'unknown', since: 1_000, votes: null, nodes: null });

    at(2_000);
    c.observe(sampleSnapshot({ nodes: 5 }));
    expect(state()).toMatchObject({ health: 'healthy', since: 2_000, votes: { total: 5, expected: 5, quorum: 3 }, nodes: { online: 5, total: 5 } });

    at(3_000);
    c.observe(withOffline(5, 1));
    expect(state()).toMatchObject({ health: 'degraded', since: 3_000, votes: { total: 4, expected: 5, quorum: 3 }, nodes: { online: 4, total: 5 } });

    // still degraded, one more node gone: new figures, the same since
    at(4_000);
    c.observe(withOffline(5, 2));
    expect(state()).toMatchObject({ health: 'degraded', since: 3_000, votes: { total: 3 }, nodes: { online: 3, total: 5 } });

    at(5_000);
    c.observe(withOffline(5, 3));
    expect(state()).toMatchObject({ health: 'lost', since: 5_000, nodes: { online: 2, total: 5 } });
  });

  it('announces a state when health, votes or nodes change (its cluster alone, not the list); an unchanged state announces nothing', () => {
    const a = new FakeCollector();
    const b = new FakeCollector();
    const { changes, state, lists, announced } = registry(a, b);
    a.observe(sampleSnapshot());
    expect(changes()).toBe(1); // unknown -> healthy
    b.observe(sampleSnapshot());
    expect(changes()).toBe(2);

    // the same state again, and only latencies changed: nothing
    a.observe(sampleSnapshot());
    const slower = sampleSnapshot();
    for (const l of slower.links) l.latencyAvgMs = 12;
    a.observe(slower);
    expect(changes()).toBe(2);

    // a node down: health, votes and nodes change
    a.observe(withOffline(3, 1));
    expect(changes()).toBe(3);
    expect(state(0)).toMatchObject({ health: 'degraded', votes: { total: 2 } });

    // a fourth node joins, the cluster stays healthy: the votes and nodes are news
    b.observe(sampleSnapshot({ nodes: 4 }));
    expect(changes()).toBe(4);
    b.observe(sampleSnapshot({ nodes: 4 }));
    expect(changes()).toBe(4);
    expect(announced).toEqual(['c0', 'c1', 'c0', 'c1']);
    expect(lists()).toBe(0);
  });

  it('a cluster put again with the same listing (a replica took its lease over) announces its state if that changed, not the list', () => {
    const a = new FakeCollector();
    const b = new FakeCollector();
    const { r, lists, announced } = registry(a, b);
    a.observe(sampleSnapshot());
    const same = new FakeCollector();
    same.snapshot = sampleSnapshot();
    r.put(clusterOf('c0', same));
    expect(lists()).toBe(0);
    expect(announced).toEqual(['c0']); // the first observation only: the state held
    const degraded = new FakeCollector();
    degraded.snapshot = withOffline(3, 1);
    r.put(clusterOf('c0', degraded));
    expect(lists()).toBe(0);
    expect(announced).toEqual(['c0', 'c0']);
    // a mirror learns what the cluster can do from its holder: announced with the state, not as a list
    const mirror = new FakeCollector();
    mirror.snapshot = withOffline(3, 1);
    r.put(clusterOf('c0', mirror));
    expect(announced).toEqual(['c0', 'c0']);
    mirror.caps = ['faults'];
    mirror.observe(withOffline(3, 1));
    expect(announced).toEqual(['c0', 'c0', 'c0']);
    expect(r.stateOfId('c0')).toMatchObject({ capabilities: ['faults'], state: { health: 'degraded' } });
    expect(lists()).toBe(0);
    // renamed: the list
    r.put({ ...clusterOf('c0', degraded), config: { ...clusterOf('c0', degraded).config, name: 'renamed' } });
    expect(lists()).toBe(1);
    // a new id: the list
    r.put(clusterOf('c9', new FakeCollector()));
    expect(lists()).toBe(2);
  });

  it('listing does not emit, and a removed cluster is no longer heard', () => {
    const a = new FakeCollector();
    const b = new FakeCollector();
    const { r, changes, lists } = registry(a, b);
    r.summaries();
    r.summaries();
    expect(changes()).toBe(0);
    expect(lists()).toBe(0);
    r.remove('c1');
    expect(lists()).toBe(1);
    b.observe(sampleSnapshot());
    expect(changes()).toBe(0);
    expect(r.stateOfId('c1')).toBeUndefined();
    a.observe(sampleSnapshot());
    expect(changes()).toBe(1);
    expect(r.stateOfId('c0')).toMatchObject({ state: { health: 'healthy' } });
  });
});
