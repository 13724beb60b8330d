// POST /api/v1/clusters/test: a pve entry tried step by step against a fake Proxmox API over HTTPS on
// 127.0.0.1; nothing stored, the secret never echoed nor audited, admins only, pve only.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ClusterList, type Role } from '@quorate/model';
import type { QuorateServer } from './app';
import { startSimServer, bearerFetch, tempDataDir } from './testing/harness';

const TOKEN_ID = 'quorate@pve!dashboard';
const SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';
const STATUS = readFileSync(join(import.meta.dirname, '../../../packages/sources/src/pve/fixtures/healthy/cluster__status.json'), 'utf8');

let dir: string;
let dataDir: string;
let fake: https.Server;
let fakeUrl: string;
let fp: string;
let server: QuorateServer;
let url: string;
let tokens: Record<Role, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-bff-connect-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '2', '-subj', '/CN=pve1.lab', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
  const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
  fp = createHash('sha256').update(new X509Certificate(cert).raw).digest('hex').toUpperCase().match(/../g)!.join(':');
  fake = https.createServer({ key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert }, (req, res) => {
    if (req.headers.authorization !== `PVEAPIToken=${TOKEN_ID}=${SECRET}`) {
      res.writeHead(401, 'authentication failure');
      return res.end();
    }
    const path = (req.url ?? '').replace(/^\/api2\/json\//, '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(path === 'cluster/status' ? STATUS : '{"data":[]}');
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

const test = (body: unknown, as: Role = 'admin') => bearerFetch(`${url}/api/v1/clusters/test`, tokens[as], { method: 'POST', body });
const entry = (api: Record<string, unknown> = {}) => ({ id: 'prod', name: 'Prod', source: 'pve', api: { urls: [fakeUrl], tokenId: TOKEN_ID, tokenSecret: SECRET, ...api } });

describe('POST /api/v1/clusters/test', () => {
  it('first contact: the certificate to accept; with it pinned every step passes; nothing stored, no secret echoed or audited', async () => {
    const first = await test(entry());
    expect(first.status).toBe(200);
    const a = (await first.json()) as { ok: boolean; steps: { name: string; ok: boolean; message: string }[]; certificate?: { fingerprint: string } };
    expect(a.ok).toBe(false);
    expect(a.certificate?.fingerprint).toBe(fp);
    expect(a.steps.find((s) => s.name === 'tls')).toMatchObject({ ok: false, message: expect.stringContaining('not trusted yet') });

    const pinned = await test(entry({ fingerprint: fp }));
    const text = await pinned.text();
    expect(text).not.toContain(SECRET);
    const b = JSON.parse(text) as { ok: boolean; steps: { name: string; ok: boolean }[]; summary?: unknown };
    expect(b.ok).toBe(true);
    expect(b.steps.map((s) => s.name)).toEqual(['reach', 'tls', 'auth', 'cluster-status', 'resources', 'permissions']);
    expect(b.summary).toMatchObject({ nodes: 4, quorate: true });

    const bad = (await (await test(entry({ fingerprint: fp, tokenSecret: 'nope' }))).json()) as { steps: { name: string; ok: boolean; message: string }[] };
    expect(bad.steps.find((s) => s.name === 'auth')).toMatchObject({ ok: false, message: expect.stringContaining('PVEAPIToken=') });

    const list = ClusterList.parse(await (await bearerFetch(`${url}/api/v1/clusters`, tokens.viewer)).json());
    expect(list.clusters.map((c) => c.id)).not.toContain('prod');
    const trail = (await server.store.audit.list({ limit: 10, operation: 'cluster-test' })).records;
    expect(trail.map((r) => r.result)).toEqual(['failed', 'ok', 'failed']);
    expect(trail[1]).toMatchObject({ clusterId: 'prod', params: { id: 'prod', source: 'pve', settings: ['api'] } });
    expect(JSON.stringify(trail)).not.toContain(SECRET);
  });

  it('refuses other kinds, invalid entries and non-admins', async () => {
    const sim = await test({ id: 'x', source: 'sim' });
    expect(sim.status).toBe(400);
    expect(ApiError.parse(await sim.json()).error).toBe('testing is for pve clusters');
    const invalid = await test(entry({ tokenId: 'root@pam' }));
    expect(invalid.status).toBe(400);
    expect(ApiError.parse(await invalid.json()).error).toMatch(/USER@REALM!TOKENID/);
    expect((await test(entry(), 'operator')).status).toBe(403);
  });
});
