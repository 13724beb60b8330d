// Editing a pve cluster against a fake Proxmox API over HTTPS on 127.0.0.1: Test and PATCH without the
// secret use the stored one (never echoed); the list carries each cluster's state and is sent again when
// it changes; a node that presents a new certificate shows as a changed certificate with both fingerprints
// in GET /clusters/:id, and PATCHing the new fingerprint brings the cluster back.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterDetail, ClusterList, mergeClusterStates, type ClusterStates, type Role } from '@quorate/model';
import type { QuorateServer } from './app';
import { TestClient, bearerFetch, startSimServer, tempDataDir } from './testing/harness';

const FIXTURES = join(import.meta.dirname, '../../../packages/sources/src/pve/fixtures/healthy');
const TOKEN_ID = 'quorate@pve!dashboard';
const SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';

let dir: string;
let dataDir: string;
let fake: https.Server;
let fakeUrl: string;
const certs: { key: string; cert: string; fp: string }[] = [];
let server: QuorateServer;
let url: string;
let tokens: Record<Role, string>;

function makeCert(name: string): { key: string; cert: string; fp: string } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', '/CN=pve1.lab', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
  const cert = readFileSync(join(dir, `${name}.pem`), 'utf8');
  const fp = createHash('sha256').update(new X509Certificate(cert).raw).digest('hex').toUpperCase().match(/../g)!.join(':');
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert, fp };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-bff-edit-'));
  certs.push(makeCert('a'), makeCert('b'));
  fake = https.createServer({ key: certs[0]!.key, cert: certs[0]!.cert }, (req, res) => {
    if (req.headers.authorization !== `PVEAPIToken=${TOKEN_ID}=${SECRET}`) {
      res.writeHead(401, 'authentication failure');
      return res.end();
    }
    const path = (req.url ?? '').replace(/^\/api2\/json\//, '').split('?')[0]!;
    try {
      const body = readFileSync(join(FIXTURES, `${path.replace(/\//g, '__')}.json`), 'utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    } catch {
      res.writeHead(404, 'Not Found');
      res.end();
    }
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeUrl = `https://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  dataDir = tempDataDir();
  ({ server, url, tokens } = await startSimServer(dataDir));
});

afterAll(async () => {
  await server?.close();
  fake?.closeAllConnections();
  await new Promise((r) => fake?.close(r));
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const call = (method: string, path: string, body?: unknown, as: Role = 'admin') => bearerFetch(`${url}/api/v1${path}`, tokens[as], { method, ...(body !== undefined ? { body } : {}) });
const stateOf = async (id: string) => ClusterList.parse(await (await call('GET', '/clusters', undefined, 'viewer')).json()).clusters.find((c) => c.id === id)?.state;
async function eventually<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
}

describe('editing a pve cluster', () => {
  it('test and PATCH without the secret use the stored one; a changed certificate is shown with both fingerprints and trusted by PATCH', async () => {
    const added = await call('POST', '/clusters', { id: 'prod', name: 'Prod', source: 'pve', api: { urls: [fakeUrl], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint: certs[0]!.fp } });
    expect(added.status).toBe(201);
    expect(await eventually('healthy', () => stateOf('prod'), (s) => s?.health === 'healthy')).toMatchObject({ health: 'healthy', source: 'ok' });

    // Test with the id and no secret: the stored secret is used; nothing of it comes back
    const noSecret = { urls: [fakeUrl], tokenId: TOKEN_ID, fingerprint: certs[0]!.fp };
    const tested = await call('POST', '/clusters/test', { id: 'prod', source: 'pve', api: noSecret });
    const text = await tested.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({ ok: true });
    // no such cluster (or not named): no fallback, the entry is refused as incomplete
    expect((await call('POST', '/clusters/test', { id: 'other', source: 'pve', api: noSecret })).status).toBe(400);
    expect((await call('POST', '/clusters/test', { source: 'pve', api: noSecret })).status).toBe(400);
    // a secret typed is the one tested
    const typed = (await (await call('POST', '/clusters/test', { id: 'prod', source: 'pve', api: { ...noSecret, tokenSecret: 'wrong' } })).json()) as { steps: { name: string; ok: boolean }[] };
    expect(typed.steps.find((s) => s.name === 'auth')).toMatchObject({ ok: false });

    // the node presents another certificate: the list says so (socket too: the state that changed), the detail has both fingerprints
    const watcher = new TestClient(url, { token: tokens.viewer });
    let held = ClusterList.parse(await (await call('GET', '/clusters')).json());
    const heldState = () => held.clusters.find((c) => c.id === 'prod')?.state;
    watcher.socket.on('clusters', (l: ClusterList) => (held = l));
    watcher.socket.on('clusterStates', (m: ClusterStates) => (held = mergeClusterStates(held, m)));
    await watcher.subscribe({});
    fake.setSecureContext({ key: certs[1]!.key, cert: certs[1]!.cert });
    expect(await eventually('certificate changed', () => stateOf('prod'), (s) => s?.certificateChanged === true)).toMatchObject({ health: 'unknown', source: 'down', certificateChanged: true });
    await watcher.until(() => heldState()?.certificateChanged === true, 'the clusterStates message with the changed certificate');
    const detail = ClusterDetail.parse(await (await call('GET', '/clusters/prod')).json());
    expect(detail.health).toMatchObject({ state: 'down', certificate: { url: fakeUrl, pinned: certs[0]!.fp, presented: certs[1]!.fp } });
    expect(JSON.stringify(detail)).not.toContain(SECRET);
    expect((await call('GET', '/clusters/prod', undefined, 'operator')).status).toBe(403);

    // trust the new one: the api block without the secret keeps the stored secret
    const patched = await call('PATCH', '/clusters/prod', { api: { ...noSecret, fingerprint: certs[1]!.fp } });
    expect(patched.status).toBe(200);
    expect(ClusterDetail.parse(await patched.json())).toMatchObject({ settings: { api: { fingerprint: certs[1]!.fp } }, secrets: ['api.tokenSecret'] });
    expect(await eventually('healthy again', () => stateOf('prod'), (s) => s?.health === 'healthy')).toMatchObject({ health: 'healthy', source: 'ok' });
    await watcher.until(() => heldState()?.health === 'healthy' && heldState()?.certificateChanged !== true, 'the clusterStates message, healthy again');
    watcher.close();
    // audited by the settings' names only
    const rec = (await server.store.audit.list({ limit: 1, operation: 'cluster-change' })).records[0];
    expect(JSON.stringify(rec)).not.toContain(SECRET);
  });

  it('PATCH with ssh: null watches through the API alone again; a required block cannot be removed', async () => {
    // SSH to a closed loopback port: the Corosync half is down, the cluster still watched through the API
    const ssh = { port: 1, nodes: [{ name: 'node1', host: '127.0.0.1', hostKey: `SHA256:${'A'.repeat(43)}` }] };
    const added = await call('POST', '/clusters', { id: 'edge', name: 'Edge', source: 'pve', api: { urls: [fakeUrl], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint: certs[1]!.fp }, ssh });
    expect(added.status, await added.clone().text()).toBe(201);
    expect(ClusterDetail.parse(await (await call('GET', '/clusters/edge')).json()).settings).toHaveProperty('ssh');
    const removed = await call('PATCH', '/clusters/edge', { ssh: null });
    expect(removed.status).toBe(200);
    expect(ClusterDetail.parse(await removed.json()).settings).not.toHaveProperty('ssh');
    const noApi = await call('PATCH', '/clusters/edge', { api: null });
    expect(noApi.status).toBe(400);
    expect(ClusterDetail.parse(await (await call('GET', '/clusters/edge')).json()).settings).toHaveProperty('api');
    expect((await call('DELETE', '/clusters/edge')).status).toBe(200);
  });
});
