// A full run — headless setup, sign-in (right and wrong), token creation and use, REST, sockets, faults,
// an operation, a password change, errors, shutdown — with every REST response, socket payload and log
// line (at trace level) recorded and searched for the configured secrets. None may appear anywhere
// (the created token once, in the response that creates it).
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createServer, type QuorateServer } from './app';
import { createLogger } from './logger';
import { tempDataDir, testConfig } from './testing/harness';

const ADMIN_PASSWORD = 'Adm1n-secret-passphrase-7d1f';
const NEW_PASSWORD = 'N3w-secret-passphrase-9e2a';
const STATIC_TOKEN = 'static-api-token-secret-4c8b0e';
const STORED_SECRET = 'cluster-root-secret-5a6b7c';

const dataDir = tempDataDir();
let server: QuorateServer | null = null;
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('secrets never leave the server', () => {
  it('no REST response, socket payload or log line of a full run contains a configured secret', { timeout: 60_000 }, async () => {
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    const config = {
      ...testConfig([{ id: 'lab-cluster', name: 'lab-cluster', default: true, source: 'sim', settings: { nodes: 3, links: 2, tokenMs: 200, tickMs: 50 }, origin: 'config' }], '/nonexistent', dataDir),
      logLevel: 'trace' as const,
      admin: { username: 'admin', password: ADMIN_PASSWORD },
      apiToken: STATIC_TOKEN,
    };
    server = await createServer(config, { logger: createLogger('trace', sink) });
    await server.store.secrets.put('cluster.lab-cluster.root-password', STORED_SECRET);
    const { url } = await server.start();

    const responses: { what: string; text: string }[] = [];
    const call = async (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      const text = await res.text();
      responses.push({ what: `${method} ${path}`, text: `${res.status} ${JSON.stringify([...res.headers])} ${text}` });
      return { status: res.status, text, cookie: res.headers.get('set-cookie') };
    };
    const socketPayloads: string[] = [];
    const sockets: Socket[] = [];
    const openSocket = (opts: Parameters<typeof connect>[1]) =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...opts });
        sockets.push(s);
        s.onAny((...args: unknown[]) => socketPayloads.push(JSON.stringify(args)));
        s.on('connect', () => resolve(s));
        s.on('connect_error', (e) => {
          socketPayloads.push(e.message);
          reject(e);
        });
      });
    const subscribe = async (s: Socket, req: unknown) => socketPayloads.push(JSON.stringify(await s.timeout(5000).emitWithAck('subscribe', req)));

    // sign-in: wrong password, the admin's password under another name, then right
    await call('GET', '/api/v1/auth/state');
    expect((await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'not-the-password' } })).status).toBe(401);
    expect((await call('POST', '/api/v1/auth/login', { body: { username: 'someone', password: ADMIN_PASSWORD } })).status).toBe(401);
    const login = await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = login.cookie!.split(';')[0]!;
    const sessionId = cookie.split('=')[1]!;
    const csrf = (JSON.parse(login.text) as { csrfToken: string }).csrfToken;
    const asAdmin = { cookie, 'x-csrf-token': csrf };

    // a token, shown once
    const created = await call('POST', '/api/v1/tokens', { body: { name: 'script', role: 'operator' }, headers: asAdmin });
    expect(created.status).toBe(201);
    const createdToken = (JSON.parse(created.text) as { token: string }).token;
    const createdAt = responses.length - 1;
    const asScript = { authorization: `Bearer ${createdToken}` };
    const asStatic = { authorization: `Bearer ${STATIC_TOKEN}` };

    // reading, with each kind of credential
    for (const headers of [asAdmin, asScript, asStatic]) {
      for (const path of ['/api/v1/clusters', '/api/v1/snapshot', '/api/v1/events?since=0', '/api/v1/history', '/healthz', '/metrics']) await call('GET', path, { headers });
    }
    const s1 = await openSocket({ auth: { token: createdToken } });
    const s2 = await openSocket({ extraHeaders: { cookie } });
    const s3 = await openSocket({ extraHeaders: { authorization: `Bearer ${STATIC_TOKEN}` } });
    await subscribe(s1, {});
    await subscribe(s2, { seq: 0 });
    await subscribe(s3, { rev: 1, seq: 0 });
    await openSocket({ auth: { token: 'qrt_guess' } }).catch(() => undefined);

    // faults and an operation (recovery path), errors included
    await call('POST', '/api/v1/sim/faults', { body: { action: 'stop', nodes: ['pve2', 'pve3'] }, headers: asScript });
    await call('POST', '/api/v1/sim/faults', { body: { action: 'stop', nodes: ['pve9'] }, headers: asStatic });
    await new Promise((r) => setTimeout(r, 3000));
    await call('POST', '/api/v1/operations/expected-votes', { body: { expectedVotes: 1, dryRun: true }, headers: asScript });
    await call('POST', '/api/v1/operations/expected-votes', { body: { expectedVotes: 1, confirm: true, clusterName: 'wrong' }, headers: asScript });
    await call('POST', '/api/v1/operations/expected-votes', { body: { expectedVotes: 1, confirm: true, clusterName: 'lab-cluster' }, headers: asAdmin });
    await call('POST', '/api/v1/operations/expected-votes', { body: { expectedVotes: 1, confirm: true, password: STATIC_TOKEN }, headers: asAdmin });
    await call('POST', '/api/v1/sim/faults', { body: { action: 'heal' }, headers: asAdmin });
    await call('POST', '/api/v1/tokens', { body: { name: 'x', role: 'viewer' }, headers: { cookie } }); // no CSRF

    // account changes
    await call('POST', '/api/v1/users', { body: { username: 'olga', password: NEW_PASSWORD, role: 'viewer' }, headers: asAdmin });
    await call('POST', '/api/v1/auth/password', { body: { currentPassword: 'wrong-current-pw', newPassword: NEW_PASSWORD }, headers: asAdmin });
    expect((await call('POST', '/api/v1/auth/password', { body: { currentPassword: ADMIN_PASSWORD, newPassword: NEW_PASSWORD }, headers: asAdmin })).status).toBe(204);
    expect((await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: NEW_PASSWORD } })).status).toBe(200);
    for (const path of ['/api/v1/users', '/api/v1/tokens', '/api/v1/audit?limit=1000', '/api/v1/settings/retention']) await call('GET', path, { headers: asAdmin });
    await new Promise((r) => setTimeout(r, 500));
    for (const s of sockets) await s.close();
    await server.close();
    server = null;

    // the run produced something to search
    expect(responses.length).toBeGreaterThan(30);
    expect(socketPayloads.some((p) => p.includes('quorum-lost'))).toBe(true);
    expect(logLines.join('')).toMatch(/failed login/);
    expect(logLines.join('')).toMatch(/\[redacted\]/);

    const secrets = { ADMIN_PASSWORD, NEW_PASSWORD, STATIC_TOKEN, STORED_SECRET };
    for (const [name, value] of Object.entries(secrets)) {
      expect(responses.filter((r) => r.text.includes(value)).map((r) => r.what), `${name} in a response`).toEqual([]);
      expect(socketPayloads.filter((p) => p.includes(value)), `${name} in a socket payload`).toEqual([]);
      expect(logLines.filter((l) => l.includes(value)), `${name} in the log`).toEqual([]);
    }
    expect(responses.filter((r, i) => i !== createdAt && r.text.includes(createdToken)).map((r) => r.what)).toEqual([]);
    expect(socketPayloads.filter((p) => p.includes(createdToken))).toEqual([]);
    expect(logLines.filter((l) => l.includes(createdToken) || l.includes(sessionId) || l.includes(csrf))).toEqual([]);
  });
});
