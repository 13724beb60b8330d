// The pve source's cadence with an injected clock and a fake transport (no network): status every tick,
// resources/QDevice/HA/Ceph every 10 s, configuration, /storage, permissions and the per-node calls every
// 30 s (online nodes only, at most 4 at once), Ceph every 5 minutes once it said it is not installed, a
// 595 on one node's status nulls that node's versions only, and versions are kept between rounds.
import { describe, expect, it, vi } from 'vitest';
import { phaseOf } from '../phase';
import { PveClient } from './client';
import { NODE_CONCURRENCY, PveSource, mapLimit, observeOnce } from './source';
import type { PveReply, PveTransport } from './transport';

const NODES = Array.from({ length: 10 }, (_, i) => `pve${i + 1}`);

class FakeApi implements PveTransport {
  readonly describe = 'fake';
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** node whose /status answers 595 */
  unreachable: string | null = null;
  offline = new Set<string>(['pve10']);
  ceph: 'none' | 'ok' = 'none';

  async get(path: string): Promise<PveReply> {
    this.calls.push(path);
    const json = (data: unknown): PveReply => ({ status: 200, reason: 'OK', headers: {}, body: JSON.stringify({ data }) });
    if (path.startsWith('nodes/')) {
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      await new Promise((r) => setTimeout(r, 2));
      this.inFlight -= 1;
      const node = path.split('/')[1]!;
      if (node === this.unreachable) return { status: 595, reason: 'Errors during connection establishment, proxy handshake: No route to host', headers: {}, body: '' };
      if (path.endsWith('/status')) return json({ pveversion: `pve-manager/9.0.3/${node}`, 'current-kernel': { release: '6.14.8-2-pve' } });
      return json([{ storage: 'local', type: 'dir', active: 1, enabled: 1, total: 10, used: 1, avail: 9 }]);
    }
    switch (path) {
      case 'cluster/status':
        return json([{ type: 'cluster', id: 'cluster', name: 'big', nodes: NODES.length, version: 5, quorate: 1 }, ...NODES.map((n, i) => ({ type: 'node', id: `node/${n}`, name: n, nodeid: i + 1, online: this.offline.has(n) ? 0 : 1, local: i === 0 ? 1 : 0 }))]);
      case 'cluster/ceph/status':
        if (this.ceph === 'none') return { status: 500, reason: 'binary not installed: /usr/bin/ceph-mon', headers: {}, body: '{"data":null,"message":"binary not installed: /usr/bin/ceph-mon\\n"}' };
        return json({ health: { status: 'HEALTH_OK', checks: {} }, quorum_names: ['pve1'], monmap: { mons: [{ name: 'pve1' }] }, osdmap: { num_osds: 3, num_up_osds: 3, num_in_osds: 3 } });
      case 'cluster/resources':
        return json([]);
      case 'cluster/config/qdevice':
      case 'cluster/config/totem':
        return json({});
      case 'access/permissions':
        return json({ '/': { 'Sys.Audit': 1 }, '/vms': { 'VM.Audit': 1 }, '/storage': { 'Datastore.Audit': 1 } });
      default:
        return { status: 404, reason: 'Not Found', headers: {}, body: '' };
    }
  }

  take(): string[] {
    const c = this.calls;
    this.calls = [];
    return c.map((p) => (p.startsWith('nodes/') ? `nodes/*/${p.split('/')[2]}` : p));
  }
}

const count = (calls: string[], path: string) => calls.filter((c) => c === path).length;

function setup(log?: (line: string) => void) {
  const api = new FakeApi();
  let now = 1_000_000;
  const src = new PveSource({ clusterId: 'big', name: 'big', client: new PveClient(api), now: () => now, ...(log ? { log } : {}) });
  const at = async (ms: number) => {
    now = 1_000_000 + ms;
    await src.tick();
    await src.settled();
    return api.take();
  };
  return { api, src, at };
}

describe('pve source cadence (injected clock, fake transport)', () => {
  it('status every tick; resources/QDevice/HA/Ceph every 10 s; configuration and per-node calls every 30 s', async () => {
    const { at } = setup();
    const first = await at(0);
    for (const p of ['cluster/status', 'cluster/resources', 'cluster/config/qdevice', 'cluster/ha/status/current', 'cluster/ceph/status', 'cluster/config/nodes', 'cluster/config/totem', 'storage', 'access/permissions']) expect(count(first, p)).toBe(1);
    // online nodes only (pve10 is offline): 9 × status + 9 × storage
    expect(count(first, 'nodes/*/status')).toBe(9);
    expect(count(first, 'nodes/*/storage')).toBe(9);
    expect(await at(2000)).toEqual(['cluster/status']);
    const ten = await at(10_000);
    expect(ten.sort()).toEqual(['cluster/config/qdevice', 'cluster/ha/status/current', 'cluster/resources', 'cluster/status'].sort()); // Ceph said "not installed"
    const thirty = await at(30_000);
    expect(count(thirty, 'cluster/config/nodes')).toBe(1);
    expect(count(thirty, 'storage')).toBe(1);
    expect(count(thirty, 'access/permissions')).toBe(1);
    expect(count(thirty, 'nodes/*/status')).toBe(9);
    expect(count(thirty, 'cluster/ceph/status')).toBe(0);
  });

  it('Ceph not installed (500 "binary not installed"): ceph null, health ok, asked again only after 5 minutes', async () => {
    const { at, src, api } = setup();
    await at(0);
    expect(src.current()?.ceph).toBeNull();
    expect(src.health()).toMatchObject({ state: 'ok', message: null });
    expect(src.current()?.unavailable?.some((u) => u.what === 'ceph')).toBe(false);
    let asked = 0;
    for (let t = 10_000; t < 300_000; t += 10_000) asked += count(await at(t), 'cluster/ceph/status');
    expect(asked).toBe(0);
    api.ceph = 'ok';
    expect(count(await at(300_000), 'cluster/ceph/status')).toBe(1);
    expect(src.current()?.ceph?.health).toBe('HEALTH_OK');
    expect(count(await at(310_000), 'cluster/ceph/status')).toBe(1); // installed now: every 10 s again
  });

  it(`per-node calls: at most ${NODE_CONCURRENCY} at once`, async () => {
    const { at, api } = setup();
    await at(0);
    expect(api.maxInFlight).toBeGreaterThan(1);
    expect(api.maxInFlight).toBeLessThanOrEqual(NODE_CONCURRENCY);
  });

  it('595 on one node: that node\'s versions null and a note, the others kept, the cluster not down; versions kept between rounds', async () => {
    const log: string[] = [];
    const { at, src, api } = setup((l) => log.push(l));
    await at(0);
    await at(2000); // the round's answers are in the next snapshot
    const v = (n: string) => src.current()?.nodes.find((x) => x.name === n)?.resources?.pveVersion;
    expect(v('pve3')).toBe('pve-manager/9.0.3/pve3');
    expect(v('pve10')).toBeNull(); // offline: never asked
    api.unreachable = 'pve3';
    await at(4000); // no round due: the last versions stay
    expect(v('pve3')).toBe('pve-manager/9.0.3/pve3');
    await at(30_000);
    await at(32_000);
    expect(v('pve3')).toBeNull();
    expect(v('pve2')).toBe('pve-manager/9.0.3/pve2');
    expect(src.health().state).toBe('ok');
    expect(src.current()?.quorum?.quorate).toBe(true);
    expect(log.join('\n')).toMatch(/nodes\/pve3\/status: 595 .*node pve3 is unreachable/);
  });

  it('observeOnce reads every endpoint the source reads (a recording is complete)', async () => {
    const api = new FakeApi();
    const { snapshot } = await observeOnce(new PveClient(api), { clusterId: 'big', name: 'big', now: () => 1 });
    const seen = new Set(api.take());
    const src = setup();
    const polled = new Set(await src.at(0));
    expect([...polled].filter((p) => !seen.has(p))).toEqual([]);
    expect(snapshot.nodes.find((n) => n.name === 'pve1')?.resources?.kernel).toBe('6.14.8-2-pve');
  });

  it('mapLimit runs every item once, never more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 1));
      done.push(i);
      running -= 1;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });
});

describe("pve source: polls on the cluster's phase", () => {
  it('each cluster polls at its own phase of the interval, whenever it started and however long the answer took', async () => {
    vi.useFakeTimers({ now: 1_800_000_000_123 });
    try {
      const polls = new Map<string, number[]>();
      const sources = ['big', 'other'].map((id) => {
        const api = new FakeApi();
        const get = api.get.bind(api);
        // cluster/status takes 300 ms to answer
        api.get = async (path: string) => {
          if (path === 'cluster/status') {
            polls.set(id, [...(polls.get(id) ?? []), Date.now()]);
            await new Promise((r) => setTimeout(r, 300));
          }
          return get(path);
        };
        return new PveSource({ clusterId: id, name: id, client: new PveClient(api) });
      });
      // both started in the same millisecond (a BFF's start)
      const started = Promise.all(sources.map((s) => s.start()));
      await vi.advanceTimersByTimeAsync(10_000);
      await started;
      for (const s of sources) await s.stop();
      const phases = ['big', 'other'].map((id) => phaseOf(id, 2_000));
      expect(phases[0]).not.toBe(phases[1]);
      for (const [i, id] of ['big', 'other'].entries()) {
        const at = polls.get(id)!;
        expect(at.length).toBeGreaterThanOrEqual(4);
        // the first at the start; every later one on the phase, one interval apart
        expect(at[0]).toBe(1_800_000_000_123);
        for (const t of at.slice(1)) expect(t % 2_000).toBe(phases[i]);
        for (let k = 2; k < at.length; k++) expect(at[k]! - at[k - 1]!).toBe(2_000);
      }
    } finally {
      vi.useRealTimers();
    }
  });
});

