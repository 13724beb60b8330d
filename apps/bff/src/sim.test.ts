// The BFF with the real simulator (createSimSource), time driven by advance(): no timed assertions.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ApiError, EventsPage, SnapshotMessage, applyPatch, canonicalize } from '@quorate/model';
import type { SimSource } from '@quorate/sources';
import { createServer, type QuorateServer } from './app';
import { loadConfig } from './config';
import { TestClient, bearerFetch, tempDataDir } from './testing/harness';
import { rmSync } from 'node:fs';

let server: QuorateServer | null = null;
let url = '';
let dataDir = '';
const clients: TestClient[] = [];
/** QUORATE_API_TOKEN: an operator token */
const TOKEN = 'sim-test-operator-token-0123456789';
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<SimSource> {
  // a long tick: the test moves the clock itself
  dataDir = tempDataDir();
  const config = loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TICK_MS: '600000', QUORATE_DATA_DIR: dataDir, QUORATE_API_TOKEN: TOKEN, ...env });
  server = await createServer(config, { logger: pino({ level: 'silent' }) });
  url = (await server.start()).url;
  return server.collectors.get(server.clusters.defaultId)!.source as SimSource;
}
const get = (path: string) => bearerFetch(`${url}${path}`, TOKEN);
const snapshot = async (query = '') => SnapshotMessage.parse(await (await get(`/api/v1/snapshot${query}`)).json());
const fault = (body: unknown, query = '') => bearerFetch(`${url}/api/v1/sim/faults${query}`, TOKEN, { method: 'POST', body });

describe('BFF with the simulator', () => {
  it('stop pve2+pve3 loses quorum (1 of 3 votes, 2 needed); heal regains it — over REST, events and the socket', async () => {
    const sim = await start({ QUORATE_SIM_TOKEN_MS: '200', QUORATE_SIM_SEED: '7' });
    const before = await snapshot();
    expect(before.clusterId).toBe('lab-cluster');
    expect(before.snapshot.quorum).toMatchObject({ quorate: true, totalVotes: 3, quorum: 2, expectedVotes: 3 });

    const c = new TestClient(url, { token: TOKEN });
    clients.push(c);
    await c.subscribe({});
    await c.until((x) => x.snapshots().length === 1, 'snapshot');

    expect((await fault({ action: 'stop', nodes: ['pve2', 'pve3'] })).status).toBe(202);
    sim.advance(5_000);
    const lost = await snapshot();
    expect(lost.snapshot.quorum).toMatchObject({ quorate: false, totalVotes: 1, quorum: 2 });
    expect(lost.snapshot.nodes.filter((n) => n.state === 'online').map((n) => n.name)).toEqual(['pve1']);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/^quorate_quorate\{cluster="lab-cluster"\} 0$/m);
    expect(metrics).toMatch(/^quorate_votes_present\{cluster="lab-cluster"\} 1$/m);

    expect((await fault({ action: 'heal' })).status).toBe(202);
    sim.advance(30_000);
    const healed = await snapshot();
    expect(healed.snapshot.quorum).toMatchObject({ quorate: true, totalVotes: 3 });

    const events = EventsPage.parse(await (await get('/api/v1/events?limit=1000')).json()).events;
    const types = events.map((e) => e.body.type);
    expect(types).toContain('quorum-lost');
    expect(types).toContain('quorum-regained');
    expect(types.indexOf('quorum-lost')).toBeLessThan(types.lastIndexOf('quorum-regained'));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    // the socket saw the same story: its patches rebuild the REST snapshot exactly
    await c.until((x) => x.patches().some((p) => p.patch.rev === healed.rev), 'patch at the healed rev');
    let state = c.snapshots()[0]!.snapshot;
    let rev = c.snapshots()[0]!.rev;
    for (const p of c.patches()) {
      expect(p.patch.baseRev).toBe(rev);
      state = applyPatch(state, p.patch);
      rev = p.patch.rev;
    }
    expect(state).toEqual(canonicalize(healed.snapshot));
    await c.until((x) => x.events().length === events.length, 'live events');
    expect(c.events().map((e) => e.seq)).toEqual(events.map((e) => e.seq));
  });

  it('the simulator refuses an unknown node: 400 with its message, and nothing changes', async () => {
    const sim = await start({});
    const before = JSON.stringify(sim.exportState());
    const res = await fault({ action: 'stop', nodes: ['pve2', 'pve9'] });
    expect(res.status).toBe(400);
    expect(ApiError.parse(await res.json()).error).toMatch(/pve9/);
    expect(JSON.stringify(sim.exportState())).toBe(before);
  });

  it.each([
    ['missing action', { nodes: ['pve2'] }, 'action'],
    ['nodes not an array', { action: 'stop', nodes: 'pve2' }, 'nodes'],
    ['link 9', { action: 'link-down', node: 'pve1', link: 9 }, 'link'],
  ])('schema errors (%s) never reach the simulator', async (_n, body, field) => {
    const sim = await start({});
    const before = JSON.stringify(sim.exportState());
    const res = await fault(body);
    expect(res.status).toBe(400);
    expect(ApiError.parse(await res.json()).issues?.map((i) => i.path)).toContain(field);
    expect(JSON.stringify(sim.exportState())).toBe(before);
  });

  it('several simulated clusters from QUORATE_CLUSTERS, each with its own simulator', async () => {
    await start({ QUORATE_CLUSTERS: JSON.stringify([{ id: 'a', nodes: 3 }, { id: 'b', name: 'Bee', nodes: 5, links: 1 }]) });
    const b = await snapshot('?cluster=b');
    expect(b.snapshot.nodes).toHaveLength(5);
    expect(b.snapshot.cluster.name).toBe('Bee');
    expect(new Set(b.snapshot.links.map((l) => l.link))).toEqual(new Set([0]));
    expect((await fault({ action: 'stop', nodes: ['pve5'] }, '?cluster=b')).status).toBe(202);
    // pve5 does not exist in cluster a
    expect((await fault({ action: 'stop', nodes: ['pve5'] }, '?cluster=a')).status).toBe(400);
    const health = (await (await get('/healthz')).json()) as { status: string; sources: { clusterId: string; kind: string; state: string }[] };
    expect(health).toMatchObject({ status: 'ok', sources: [{ clusterId: 'a', kind: 'sim', state: 'ok' }, { clusterId: 'b', kind: 'sim', state: 'ok' }] });
  });
});
