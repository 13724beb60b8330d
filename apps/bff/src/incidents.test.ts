// Incidents from the real simulator: a node crash in a 16-node cluster is one incident with its link
// events inside (the model's tracker over the sim's diffs, then the BFF: REST, socket, restart).
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  EventsPage,
  IncidentChange,
  IncidentList,
  IncidentTracker,
  carryForwardKnown,
  diffSnapshots,
  type ClusterEvent,
  type ClusterSnapshot,
  type Incident,
  type Role,
} from '@quorate/model';
import { createSimSource, type SimSource } from '@quorate/sources';
import type { QuorateServer } from './app';
import { startSimServer, TestClient, bearerFetch, tempDataDir } from './testing/harness';

/** the detection delay of a 16-node cluster (token 3000 + 650 per node beyond two, plus consensus) is ~21 s */
const PAST_DROP_MS = 40_000;

describe('incidents from the simulator (model tracker over snapshot diffs)', () => {
  it('stop pve7 of 16: one open incident holding every event; start it: closed with its duration', () => {
    const sim = createSimSource({ nodeCount: 16, now: () => 1_700_000_000_000 });
    const first = sim.current()!;
    const tracker = new IncidentTracker(sim.clusterId, { topology: { nodes: first.nodes.map((n) => n.name), links: [0, 1] } });
    let baseline: ClusterSnapshot | null = first;
    const events: ClusterEvent[] = [];
    sim.subscribe((s) => {
      for (const draft of diffSnapshots(baseline, s)) {
        const e = { ...draft, seq: events.length + 1, clusterId: sim.clusterId };
        events.push(e);
        tracker.add(e);
      }
      baseline = carryForwardKnown(baseline, s);
      tracker.tick(s.observedAt);
    });

    sim.advance(5_000);
    sim.applyFault({ action: 'stop', nodes: ['pve7'] });
    sim.advance(PAST_DROP_MS);
    const linkDowns = events.filter((e) => e.body.type === 'link-down');
    expect(linkDowns).toHaveLength(30);
    expect(events.map((e) => e.body.type)).toContain('node-left');
    const open = tracker.list({ open: true });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ cause: 'node-left', subject: 'pve7', endedAt: null, eventCount: events.length, affected: ['pve7'] });
    expect(open[0]!.title).toBe('pve7 left the cluster after being unreachable from all 15 peers on both links');
    expect(open[0]!.eventSeqs).toEqual(expect.arrayContaining(linkDowns.map((e) => e.seq)));
    // the feed: incidents plus the events that belong to none — here one entry for 32 events
    expect(feedEntries(tracker.list(), events)).toHaveLength(1);

    const before = events.length;
    sim.applyFault({ action: 'start', nodes: ['pve7'] });
    sim.advance(PAST_DROP_MS);
    expect(events.slice(before).map((e) => e.body.type)).toContain('node-joined');
    expect(tracker.list({ open: true })).toEqual([]);
    const [done] = tracker.list();
    expect(done).toMatchObject({ id: open[0]!.id, eventCount: events.length });
    expect(done!.endedAt! - done!.startedAt).toBeGreaterThan(PAST_DROP_MS);
    expect(feedEntries(tracker.list(), events)).toHaveLength(1);
  });
});

/** the suggested feed rule: top-level entries = incidents + the events no incident holds */
function feedEntries(incidents: Incident[], events: ClusterEvent[]): unknown[] {
  const held = new Set(incidents.flatMap((i) => i.eventSeqs));
  return [...incidents, ...events.filter((e) => !held.has(e.seq))];
}

describe('GET /api/v1/incidents and socket `incident` on a 16-node sim', () => {
  let server: QuorateServer | null = null;
  let dataDir = '';
  let url = '';
  let tokens: Record<Role, string>;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    server = null;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = '';
  });

  async function start(dir = tempDataDir()): Promise<SimSource> {
    dataDir = dir;
    // a long tick: the test moves the simulated clock itself
    ({ server, url, tokens } = await startSimServer(dir, { QUORATE_SIM_NODES: '16' }));
    return server.collectors.get('lab-cluster')!.source as SimSource;
  }
  const fault = async (body: unknown) => expect((await bearerFetch(`${url}/api/v1/sim/faults`, tokens.operator, { method: 'POST', body })).status).toBe(202);
  const incidents = async (query = '') => {
    const res = await bearerFetch(`${url}/api/v1/incidents${query}`, tokens.viewer);
    expect(res.status).toBe(200);
    return IncidentList.parse(await res.json()).incidents;
  };
  const events = async () => EventsPage.parse(await (await bearerFetch(`${url}/api/v1/events?limit=1000`, tokens.viewer)).json()).events;

  it('one node crash: one open incident with its link events; healing closes it with its duration; the socket says so per batch', async () => {
    const sim = await start();
    const client = new TestClient(url, { token: tokens.viewer });
    clients.push(client);
    const heard: IncidentChange[] = [];
    client.socket.on('incident', (msg: unknown) => heard.push(IncidentChange.parse(msg)));
    expect(await client.subscribe({})).toMatchObject({ ok: true });
    expect(await incidents()).toEqual([]);

    await fault({ action: 'stop', nodes: ['pve7'] });
    sim.advance(PAST_DROP_MS);
    const open = await incidents('?open=true');
    expect(open).toHaveLength(1);
    const [inc] = open;
    expect(inc).toMatchObject({ clusterId: 'lab-cluster', cause: 'node-left', subject: 'pve7', endedAt: null, severity: 'warning' });
    expect(inc!.title).toBe('pve7 left the cluster after being unreachable from all 15 peers on both links');
    const all = await events();
    const linkDowns = all.filter((e) => e.body.type === 'link-down').map((e) => e.seq);
    expect(linkDowns).toHaveLength(30);
    expect(inc!.eventSeqs).toEqual(expect.arrayContaining(linkDowns));
    // acceptance: at most 3 top-level entries in the feed (here: the incident alone)
    expect(feedEntries(await incidents(), all).length).toBeLessThanOrEqual(3);
    expect(await incidents('?open=false')).toEqual([]);

    await fault({ action: 'start', nodes: ['pve7'] });
    sim.advance(PAST_DROP_MS);
    expect(await incidents('?open=true')).toEqual([]);
    const [closed] = await incidents('?open=false');
    expect(closed).toMatchObject({ id: inc!.id, cause: 'node-left', subject: 'pve7' });
    expect(closed!.endedAt! - closed!.startedAt).toBeGreaterThan(PAST_DROP_MS);
    expect(closed!.eventSeqs).toEqual((await events()).map((e) => e.seq));

    // the room hears one message per incident per batch, not one per event: the advance past the drop
    // (warning, 30 link-downs, node-left) opened it, the start fault's 30 link-ups updated it, the join closed it
    await client.until(() => heard.some((h) => h.change === 'closed'), 'the incident closed');
    expect(heard.map((h) => [h.incident.id, h.change, h.incident.eventCount])).toEqual([
      [inc!.id, 'opened', 32],
      [inc!.id, 'updated', 62],
      [inc!.id, 'closed', 63],
    ]);
  });

  it('an open incident survives a restart on the same data directory, then closes there', async () => {
    const dir = tempDataDir();
    const sim = await start(dir);
    await fault({ action: 'stop', nodes: ['pve7'] });
    sim.advance(PAST_DROP_MS);
    const [before] = await incidents('?open=true');
    expect(before).toMatchObject({ subject: 'pve7', cause: 'node-left' });

    await server!.close();
    server = null;
    const again = await start(dir);
    expect(await incidents('?open=true')).toEqual([before]);

    await fault({ action: 'start', nodes: ['pve7'] });
    again.advance(PAST_DROP_MS);
    expect(await incidents('?open=true')).toEqual([]);
    expect(await incidents()).toEqual([expect.objectContaining({ id: before!.id, endedAt: expect.any(Number) })]);
  });

  it('a cluster added at runtime gets its incidents too', async () => {
    await start();
    const added = await bearerFetch(`${url}/api/v1/clusters`, tokens.admin, { method: 'POST', body: { id: 'edge', source: 'sim', nodes: 5, links: 1 } });
    expect(added.status).toBe(201);
    const edge = server!.collectors.get('edge')!.source as SimSource;
    expect((await bearerFetch(`${url}/api/v1/sim/faults?cluster=edge`, tokens.operator, { method: 'POST', body: { action: 'stop', nodes: ['pve2'] } })).status).toBe(202);
    edge.advance(PAST_DROP_MS);
    expect(await incidents('?cluster=edge&open=true')).toEqual([
      expect.objectContaining({ clusterId: 'edge', subject: 'pve2', cause: 'node-left', title: 'pve2 left the cluster after being unreachable from all 4 peers on link 0' }),
    ]);
    expect(await incidents('?open=true')).toEqual([]);
  });

  it('the query is checked: unknown parameters, a bad open, an unknown cluster', async () => {
    await start();
    for (const q of ['?open=yes', '?limit=0', '?since=3']) {
      const res = await bearerFetch(`${url}/api/v1/incidents${q}`, tokens.viewer);
      expect(res.status).toBe(400);
      ApiError.parse(await res.json());
    }
    expect((await bearerFetch(`${url}/api/v1/incidents?cluster=nope`, tokens.viewer)).status).toBe(404);
    expect((await bearerFetch(`${url}/api/v1/incidents`, null)).status).toBe(401);
  });
});
