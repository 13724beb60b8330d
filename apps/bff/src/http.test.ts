import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, AuditPage, ClusterList, EventsPage, HistoryPage, SnapshotMessage } from '@quorate/model';
import { labCluster, settle, simCluster, startFake, type Harness } from './testing/harness';

let h: Harness;
const get = (path: string) => h.api(path);
const postFault = (body: unknown, query = '') => h.api(`/api/v1/sim/faults${query}`, { method: 'POST', body });

beforeAll(async () => {
  h = await startFake([simCluster('lab-cluster', 'Lab', true), simCluster('edge', 'Edge site')]);
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/v1/clusters', () => {
  it('lists every configured cluster and marks the default', async () => {
    const res = await get('/api/v1/clusters');
    expect(res.status).toBe(200);
    const body = ClusterList.parse(await res.json());
    // each with its state (the header's switcher and the all-clusters page show it): the model's health of
    // the newest snapshot, its votes and nodes online, and since when the health is what it is
    const state = { health: 'healthy', source: 'ok', votes: { total: 3, expected: 3, quorum: 2 }, nodes: { online: 3, total: 3 }, since: expect.any(Number) };
    expect(body.clusters).toEqual([
      // the fake source takes faults and nothing else: that is what the page may offer
      { id: 'lab-cluster', name: 'Lab', source: 'sim', default: true, origin: 'config', capabilities: ['faults'], state },
      { id: 'edge', name: 'Edge site', source: 'sim', default: false, origin: 'config', capabilities: ['faults'], state },
    ]);
  });

  it('reports what each source can do: the simulator every capability, a lab source expected votes', async () => {
    const { createServer } = await import('./app');
    const { testConfig, simCluster } = await import('./testing/harness');
    const { pino } = await import('pino');
    const server = await createServer(testConfig([simCluster('s1', 's1', true), labCluster('l1', 'qnolab9', false)]), {
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(server.clusters.summaries().map((c) => [c.id, c.capabilities])).toEqual([
        ['s1', ['faults', 'expectedVotes', 'stateExport', 'join', 'create', 'delnode', 'advisorFacts', 'qdevice', 'links']],
        ['l1', ['expectedVotes']],
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('GET /api/v1/snapshot', () => {
  it('returns the default cluster snapshot in the SnapshotMessage shape', async () => {
    const res = await get('/api/v1/snapshot');
    expect(res.status).toBe(200);
    const body = SnapshotMessage.parse(await res.json());
    expect(body.clusterId).toBe('lab-cluster');
    expect(body.snapshot.clusterId).toBe('lab-cluster');
    expect(body.rev).toBe(h.server.collectors.get('lab-cluster')!.current()!.rev);
  });

  it('selects a cluster with ?cluster=', async () => {
    const body = SnapshotMessage.parse(await (await get('/api/v1/snapshot?cluster=edge')).json());
    expect(body.clusterId).toBe('edge');
  });

  it('404s an unknown cluster with its name', async () => {
    const res = await get('/api/v1/snapshot?cluster=nope');
    expect(res.status).toBe(404);
    expect(ApiError.parse(await res.json()).error).toBe("unknown cluster 'nope'");
  });
});

describe('GET /api/v1/snapshot before the first observation', () => {
  it('503s with a clear message', async () => {
    const cold = await startFake([simCluster('cold')], {}, { observeOnStart: false });
    try {
      const res = await cold.api('/api/v1/snapshot');
      expect(res.status).toBe(503);
      expect(ApiError.parse(await res.json()).error).toMatch(/cluster 'cold' has not been observed yet/);
    } finally {
      await cold.close();
    }
  });
});

describe('GET /api/v1/events', () => {
  it('pages with since/limit/next without gaps or repeats', async () => {
    const src = h.sources.get('edge')!;
    // each stop/start flips quorum only for the second node: stop pve2+pve3 loses quorum, start regains
    for (let i = 0; i < 3; i++) {
      src.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
      src.applyFault({ action: 'start', nodes: ['pve2', 'pve3'] });
    }
    await settle(h.server);
    const total = await h.server.collectors.get('edge')!.store.lastSeq();
    expect(total).toBeGreaterThanOrEqual(6);

    const seen: number[] = [];
    let since = 0;
    for (let page = 0; page < 100; page++) {
      const res = await get(`/api/v1/events?cluster=edge&since=${since}&limit=4`);
      expect(res.status).toBe(200);
      const body = EventsPage.parse(await res.json());
      expect(body.events.length).toBeLessThanOrEqual(4);
      if (body.events.length === 0) {
        expect(body.next).toBe(since);
        break;
      }
      expect(body.events.every((e) => e.clusterId === 'edge')).toBe(true);
      seen.push(...body.events.map((e) => e.seq));
      expect(body.next).toBe(body.events[body.events.length - 1]!.seq);
      since = body.next;
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('keeps clusters apart: the default cluster has its own seqs', async () => {
    const body = EventsPage.parse(await (await get('/api/v1/events')).json());
    expect(body.events.every((e) => e.clusterId === 'lab-cluster')).toBe(true);
  });

  it('400s a bad limit naming the field', async () => {
    const res = await get('/api/v1/events?limit=0');
    expect(res.status).toBe(400);
    const body = ApiError.parse(await res.json());
    expect(body.issues?.map((i) => i.path)).toContain('limit');
  });
});

describe('GET /api/v1/history', () => {
  it('filters by cluster, type and severity, newest first, with the total; pages with limit/offset', async () => {
    const src = h.sources.get('edge')!;
    src.applyFault({ action: 'stop', nodes: ['pve2', 'pve3'] });
    src.applyFault({ action: 'start', nodes: ['pve2', 'pve3'] });
    const all = HistoryPage.parse(await (await get('/api/v1/history?cluster=edge&limit=1000')).json());
    await settle(h.server);
    expect(all.total).toBe(await h.server.collectors.get('edge')!.store.lastSeq());
    expect(all.events.every((e) => e.clusterId === 'edge')).toBe(true);
    const ats = all.events.map((e) => e.at);
    expect(ats).toEqual([...ats].sort((a, b) => b - a));

    const lost = HistoryPage.parse(await (await get('/api/v1/history?cluster=edge&type=quorum-lost,quorum-regained&limit=2')).json());
    expect(lost.events.map((e) => e.body.type).every((t) => t === 'quorum-lost' || t === 'quorum-regained')).toBe(true);
    expect(lost.total).toBeGreaterThanOrEqual(2);
    const next = HistoryPage.parse(await (await get(`/api/v1/history?cluster=edge&type=quorum-lost&type=quorum-regained&limit=2&offset=2`)).json());
    expect(next.total).toBe(lost.total);
    expect(next.events.map((e) => e.seq)).not.toContain(lost.events[0]!.seq);
    const critical = HistoryPage.parse(await (await get('/api/v1/history?severity=critical')).json());
    expect(critical.events.every((e) => e.severity === 'critical')).toBe(true);
  });

  it('GET /api/v1/audit is for admins: {records, total}', async () => {
    expect((await h.api('/api/v1/audit', { as: 'operator' })).status).toBe(403);
    const page = AuditPage.parse(await (await h.api('/api/v1/audit?operation=sim-fault&limit=1', { as: 'admin' })).json());
    expect(page.records.length).toBeLessThanOrEqual(1);
    expect(page.total).toBeGreaterThanOrEqual(page.records.length);
  });
});

describe('POST /api/v1/sim/faults', () => {
  it('accepts a valid fault with 202 and hands it to the source', async () => {
    const src = h.sources.get('lab-cluster')!;
    const before = src.faults.length;
    const res = await postFault({ action: 'stop', nodes: ['pve3'] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true, fault: { action: 'stop', nodes: ['pve3'] } });
    expect(src.faults.slice(before)).toEqual([{ action: 'stop', nodes: ['pve3'] }]);
    await postFault({ action: 'heal' });
  });

  it('routes ?cluster= to that cluster only', async () => {
    const edge = h.sources.get('edge')!;
    const lab = h.sources.get('lab-cluster')!;
    const [e0, l0] = [edge.faults.length, lab.faults.length];
    expect((await postFault({ action: 'heal' }, '?cluster=edge')).status).toBe(202);
    expect([edge.faults.length - e0, lab.faults.length - l0]).toEqual([1, 0]);
  });

  it.each([
    ['missing action', { nodes: ['pve2'] }, 'action'],
    ['unknown action', { action: 'explode', nodes: ['pve2'] }, 'action'],
    ['nodes not an array', { action: 'stop', nodes: 'pve2' }, 'nodes'],
    ['link 9', { action: 'link-down', node: 'pve1', link: 9 }, 'link'],
    ['no nodes', { action: 'stop', nodes: [] }, 'nodes'],
  ])('400s %s naming the field and changes nothing', async (_name, body, field) => {
    const src = h.sources.get('lab-cluster')!;
    const snap = JSON.stringify(src.current());
    const faults = src.faults.length;
    const res = await postFault(body);
    expect(res.status).toBe(400);
    const err = ApiError.parse(await res.json());
    expect(err.issues?.map((i) => i.path)).toContain(field);
    expect(err.error).toContain(`${field}:`);
    expect(src.faults.length).toBe(faults);
    expect(JSON.stringify(src.current())).toBe(snap);
  });

  it('400s an unknown node with the source message and changes nothing', async () => {
    const src = h.sources.get('lab-cluster')!;
    const snap = JSON.stringify(src.current());
    const res = await postFault({ action: 'stop', nodes: ['pve2', 'pve9'] });
    expect(res.status).toBe(400);
    expect(ApiError.parse(await res.json()).error).toMatch(/pve9/);
    expect(JSON.stringify(src.current())).toBe(snap);
  });

  it('400s a body that is not JSON', async () => {
    const res = await h.api('/api/v1/sim/faults', { method: 'POST', body: '{"action":' });
    expect(res.status).toBe(400);
    expect(ApiError.parse(await res.json()).error).toMatch(/not valid JSON/);
  });

  it('413s a body over the limit', async () => {
    const res = await postFault({ action: 'stop', nodes: Array.from({ length: 20_000 }, (_, i) => `node-${i}`) });
    expect(res.status).toBe(413);
  });

  it('409s on a cluster that is not simulated', async () => {
    const lab = await startFake([labCluster('real', 'qlab', true)]);
    try {
      // the fake takes faults; make this one a source without that capability (like a lab source)
      Object.defineProperty(lab.sources.get('real')!, 'capabilities', { value: {} });
      const res = await lab.api('/api/v1/sim/faults', { method: 'POST', body: '{"action":"heal"}' });
      expect(res.status).toBe(409);
      expect(ApiError.parse(await res.json()).error).toMatch(/not simulated/);
      expect(lab.sources.get('real')!.faults).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it('404s a fault for an unknown cluster', async () => {
    const res = await postFault({ action: 'heal' }, '?cluster=ghost');
    expect(res.status).toBe(404);
  });
});

describe('health, metrics, errors, web', () => {
  it('GET /healthz reports every source', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; sources: { clusterId: string; kind: string; state: string; lastObservedAt: number | null }[] };
    expect(body.status).toBe('ok');
    expect(body.sources.map((s) => [s.clusterId, s.kind, s.state])).toEqual([
      ['lab-cluster', 'sim', 'ok'],
      ['edge', 'sim', 'ok'],
    ]);
    expect(typeof body.sources[0]!.lastObservedAt).toBe('number');
    expect((await get('/api/v1/healthz')).status).toBe(200);
  });

  it('GET /metrics exposes the quorum gauges per cluster', async () => {
    await postFault({ action: 'heal' });
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE quorate_quorate gauge$/m);
    expect(text).toMatch(/^quorate_quorate\{cluster="lab-cluster"\} 1$/m);
    expect(text).toMatch(/^quorate_votes_present\{cluster="lab-cluster"\} 3$/m);
    expect(text).toMatch(/^quorate_votes_expected\{cluster="lab-cluster"\} 3$/m);
    expect(text).toMatch(/^quorate_votes_needed\{cluster="lab-cluster"\} 2$/m);
    expect(text).toMatch(/^quorate_nodes_online\{cluster="lab-cluster"\} 3$/m);
    expect(text).toMatch(/^quorate_link_connected\{cluster="lab-cluster",from="pve1",to="pve2",link="1"\} 1$/m);
    expect(text).toMatch(/^quorate_socket_clients\{cluster="edge"\} 0$/m);
    expect(text).toMatch(/^quorate_events_total\{/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('unknown API routes are JSON 404s, not the web app', async () => {
    const res = await get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(ApiError.parse(await res.json()).error).toMatch(/no such API route: GET \/api\/v1\/nothing-here/);
  });

  it('sends security headers with a CSP that allows its own socket.io', async () => {
    const res = await get('/api/v1/clusters');
    const csp = res.headers.get('content-security-policy') ?? '';
    const host = new URL(h.url).host;
    // plain http: ws:// only (wss:// is for pages served over TLS, see security.test.ts)
    expect(csp).toContain(`connect-src 'self' ws://${host}`);
    expect(csp).not.toContain('wss:');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('says the web app is not built when the dist folder is missing', async () => {
    const res = await get('/overview');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('web app not built: run npm run build:web');
  });

  it('serves the built web app with an SPA fallback', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'quorate-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Quorate</title>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    const web = await startFake([simCluster('w')], {}, { webDist: dist });
    try {
      const page = await fetch(`${web.url}/nodes/pve2`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Quorate</title>');
      const asset = await fetch(`${web.url}/assets/app.js`);
      expect(await asset.text()).toBe('console.log(1)');
      expect((await web.api('/api/v1/nope')).status).toBe(404);
    } finally {
      await web.close();
    }
  });
});
