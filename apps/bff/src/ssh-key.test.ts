// Quorate's own SSH key (GET /api/v1/ssh-key) and the SSH half of POST /api/v1/clusters/test: the key is
// made once, admins only, its private half never answered nor stored in the clear; the test validates the
// ssh block on its own (host keys may be missing) and reports each node. Traffic: 127.0.0.1 only.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type Role } from '@quorate/model';
import type { QuorateServer } from './app';
import { startSimServer, bearerFetch, tempDataDir } from './testing/harness';

let dataDir: string;
let server: QuorateServer;
let url: string;
let tokens: Record<Role, string>;
let closedPort = 0;

beforeAll(async () => {
  dataDir = tempDataDir();
  ({ server, url, tokens } = await startSimServer(dataDir));
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = (as: Role) => bearerFetch(`${url}/api/v1/ssh-key`, tokens[as]);
const test = (body: unknown) => bearerFetch(`${url}/api/v1/clusters/test`, tokens.admin, { method: 'POST', body });
const api = { urls: [`https://127.0.0.1:${closedPort}`], tokenId: 'quorate@pve!dashboard', tokenSecret: 'x' };

describe('Quorate’s SSH key', () => {
  it('is made once, for admins only, and only its public half is answered', async () => {
    expect((await get('operator')).status).toBe(403);
    const first = await get('admin');
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(text).not.toMatch(/PRIVATE KEY/);
    const key = JSON.parse(text) as { publicKey: string; fingerprint: string };
    expect(key.publicKey).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ quorate@\S+$/);
    expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(await (await get('admin')).json()).toEqual(key);
    const made = (await server.store.audit.list({ limit: 10, operation: 'ssh-key-create' })).records;
    expect(made).toHaveLength(1);
    expect(made[0]!.message).toContain(key.fingerprint);
    // encrypted at rest: no file of the data dir holds the key in the clear
    for (const f of readdirSync(dataDir)) {
      if (f.endsWith('.db') || f.endsWith('-wal')) expect(readFileSync(join(dataDir, f)).includes('OPENSSH PRIVATE KEY')).toBe(false);
    }
  });
});

describe('POST /clusters/test with an ssh block', () => {
  it('tries every node and says why one fails; host keys may be missing', async () => {
    const r = await test({ source: 'pve', api: { ...api, urls: [`https://127.0.0.1:${closedPort}`] }, ssh: { port: closedPort, nodes: [{ name: 'pve1', host: '127.0.0.1' }] } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { ok: boolean; ssh: { name: string; ok: boolean; message: string }[] };
    expect(body.ok).toBe(false);
    expect(body.ssh).toEqual([expect.objectContaining({ name: 'pve1', ok: false, message: expect.stringMatching(/unreachable \(ECONNREFUSED\)/) })]);
  });

  it('refuses a bad ssh block naming the field', async () => {
    const r = await test({ source: 'pve', api, ssh: { nodes: [{ name: 'pve1', host: '' }] } });
    expect(r.status).toBe(400);
    expect(ApiError.parse(await r.json()).error).toMatch(/ssh\.nodes\.0\.host/);
    const none = await test({ source: 'pve', api, ssh: { nodes: [] } });
    expect(ApiError.parse(await none.json()).error).toMatch(/ssh\.nodes/);
  });
});
