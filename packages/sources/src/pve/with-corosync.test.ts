// PveWithCorosync: a Corosync change is passed on at once (not at the API's next poll), health names the
// half that fails, expected votes is Corosync's, join/create/delnode the API's.
import { QuorumOptions, type ClusterSnapshot } from '@quorate/model';
import { sampleSnapshot } from '@quorate/model/testing';
import { describe, expect, it, vi } from 'vitest';
import { capabilityNames, type ClusterSource, type JoinControl, type SourceCapabilities, type SourceHealth } from '../source';
import { Subscribable } from '../subscribable';
import { PveWithCorosync } from './with-corosync';

class Fake implements ClusterSource {
  readonly listeners = new Subscribable<ClusterSnapshot>();
  snapshot: ClusterSnapshot | null = null;
  state: SourceHealth = { state: 'starting', message: null, lastObservedAt: null };
  capabilities: SourceCapabilities = {};
  started = 0;
  stopped = 0;
  constructor(
    readonly kind: 'pve' | 'ssh',
    readonly clusterId = 'c1',
  ) {}
  start = async () => void (this.started += 1);
  stop = async () => void (this.stopped += 1);
  current = () => this.snapshot;
  subscribe = (l: (s: ClusterSnapshot) => void) => this.listeners.subscribe(l);
  health = () => this.state;
  push(s: ClusterSnapshot, state: SourceHealth['state'] = 'ok', message: string | null = null) {
    this.snapshot = s;
    this.state = { state, message, lastObservedAt: s.observedAt };
    this.listeners.emit(s);
  }
}

const api = () => ({ ...sampleSnapshot({ clusterId: 'c1', observedAt: 1000 }), source: 'pve' as const, links: [], unavailable: [{ what: 'links' as const, why: 'needs SSH' }] });
const coro = (members: number[]) => {
  const s = sampleSnapshot({ clusterId: 'c1', observedAt: 2000 });
  return { ...s, source: 'ssh' as const, nodes: s.nodes.map((n) => ({ ...n, state: members.includes(n.id) ? ('online' as const) : ('offline' as const) })), quorum: { ...s.quorum!, members, totalVotes: members.length } };
};

describe('PveWithCorosync', () => {
  it('passes a Corosync change on at once, merged with the API view', async () => {
    const a = new Fake('pve');
    const c = new Fake('ssh');
    const s = new PveWithCorosync(a, c);
    const seen = vi.fn<(snap: ClusterSnapshot) => void>();
    s.subscribe(seen);
    await s.start();
    expect([a.started, c.started]).toEqual([1, 1]);
    a.push(api());
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen.mock.lastCall![0].links).toEqual([]);
    c.push(coro([1, 2]));
    expect(seen).toHaveBeenCalledTimes(2);
    const last = seen.mock.lastCall![0];
    expect(last.source).toBe('pve');
    expect(last.nodes.find((n) => n.id === 3)?.state).toBe('offline');
    expect(last.links.length).toBeGreaterThan(0);
    expect(last.unavailable).toEqual([]);
    expect(s.current()).toBe(last);
    await s.stop();
    c.push(coro([1, 2, 3]));
    expect(seen).toHaveBeenCalledTimes(2);
    expect([a.stopped, c.stopped]).toEqual([1, 1]);
  });

  it('health: degraded naming the half that fails, down when both do', () => {
    const a = new Fake('pve');
    const c = new Fake('ssh');
    const s = new PveWithCorosync(a, c);
    expect(s.health().state).toBe('starting');
    a.push(api());
    c.push(coro([1, 2, 3]), 'down', 'pve1: unreachable');
    expect(s.health()).toMatchObject({ state: 'degraded', message: 'SSH: pve1: unreachable' });
    expect(s.current()?.unavailable?.[0]?.why).toMatch(/SSH is configured but: pve1: unreachable/);
    c.state = { state: 'ok', message: null, lastObservedAt: 1 };
    expect(s.health()).toMatchObject({ state: 'ok', message: null });
    a.state = { state: 'down', message: '401', lastObservedAt: 1 };
    c.state = { state: 'down', message: 'refused', lastObservedAt: 1 };
    expect(s.health()).toMatchObject({ state: 'down', message: 'API: 401; SSH: refused' });
    expect(s.health().certificate).toBeUndefined();
  });

  it('health carries the API half’s changed certificate (the card to trust it needs both fingerprints)', () => {
    const a = new Fake('pve');
    const c = new Fake('ssh');
    const s = new PveWithCorosync(a, c);
    const certificate = { url: 'https://127.0.0.1:8006', pinned: 'AA:BB', presented: 'CC:DD' };
    a.state = { state: 'down', message: 'certificate changed', lastObservedAt: 1, certificate };
    c.state = { state: 'ok', message: null, lastObservedAt: 1 };
    expect(s.health()).toMatchObject({ state: 'degraded', certificate });
    c.state = { state: 'down', message: 'refused', lastObservedAt: 1 };
    expect(s.health()).toMatchObject({ state: 'down', certificate });
  });

  it('expected votes is Corosync’s capability, and only that', () => {
    const a = new Fake('pve');
    const c = new Fake('ssh');
    const s = new PveWithCorosync(a, c);
    expect(s.capabilities.expectedVotes).toBeUndefined();
    const control = { setExpectedVotes: () => undefined };
    c.capabilities = { expectedVotes: control };
    expect(s.capabilities.expectedVotes).toBe(control);
    expect(() => new PveWithCorosync(a, new Fake('ssh', 'other'))).toThrow(/'other'/);
  });

  it("join, create and delnode are the API's; the join's facts get the quorum options SSH read", async () => {
    const a = new Fake('pve');
    const c = new Fake('ssh');
    const s = new PveWithCorosync(a, c);
    const defaults = QuorumOptions.parse({});
    const facts = { cluster: { name: 'c1', quorate: true, members: [], links: [0], qdevice: false, options: defaults }, joiner: { name: 'pve4', addresses: [], resolvesTo: { unmeasured: 'x' }, reverse: { unmeasured: 'x' }, localAddresses: { unmeasured: 'x' }, clustered: { unmeasured: 'x' }, guests: 0, clockOffsetMs: 0, corosyncVersion: null, pveVersion: null }, probes: { unmeasured: 'x' } };
    const join: JoinControl = { candidates: async () => [], joinFacts: async () => facts, join: async () => undefined };
    const delnode = { delnode: async () => undefined };
    a.capabilities = { join, delnode };
    expect(capabilityNames(s.capabilities)).toEqual(['join', 'delnode']);
    expect(s.capabilities.delnode).toBe(delnode);
    // SSH not up yet: the API's defaults stay
    expect((await s.capabilities.join!.joinFacts({ name: 'pve4' })).cluster.options).toEqual(defaults);
    const snap = coro([1, 2, 3]);
    const twoNode = { ...defaults, twoNode: true, waitForAll: true };
    c.push({ ...snap, cluster: { ...snap.cluster, quorumOptions: twoNode } });
    expect((await s.capabilities.join!.joinFacts({ name: 'pve4' })).cluster.options).toEqual(twoNode);
  });
});

