// Who may do what: sign-in, sessions, CSRF, roles, login throttling, tokens, users, the socket handshake.
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { ApiError, AuthState, AuditPage, RetentionSettings, SignedIn, TokenList, UserList } from '@quorate/model';
import { bearerFetch, sessionFetch, signIn, simCluster, startFake, TestClient, type Harness } from './testing/harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});
const start = async (...args: Parameters<typeof startFake> extends [unknown, ...infer R] ? R : never) => {
  h = await startFake([simCluster('lab-cluster', 'lab-cluster', true)], ...args);
  return h;
};
const PW = 'correct horse battery staple';
const url = (path: string) => `${h!.url}${path}`;
const error = async (res: Response) => ApiError.parse(await res.json()).error;

/** the connect_error message of a handshake */
function handshake(opts: Parameters<typeof connect>[1]): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(h!.url, { transports: ['websocket'], forceNew: true, reconnection: false, ...opts });
    s.on('connect', () => {
      s.close();
      resolve('connected');
    });
    s.on('connect_error', (err) => {
      s.close();
      resolve(err.message);
    });
  });
}

describe('anonymous callers', () => {
  it.each([
    ['GET', '/api/v1/clusters'],
    ['GET', '/api/v1/snapshot'],
    ['GET', '/api/v1/events?since=0'],
    ['GET', '/api/v1/history'],
    ['GET', '/api/v1/audit'],
    ['GET', '/api/v1/users'],
    ['GET', '/api/v1/tokens'],
    ['GET', '/api/v1/settings/retention'],
    ['POST', '/api/v1/sim/faults'],
    ['POST', '/api/v1/operations/expected-votes'],
    ['GET', '/metrics'],
  ])('%s %s -> 401 not signed in', async (method, path) => {
    await start();
    const before = JSON.stringify(h!.sources.get('lab-cluster')!.faults);
    const res = await bearerFetch(url(path), null, { method, ...(method === 'POST' ? { body: { action: 'heal' } } : {}) });
    expect(res.status).toBe(401);
    expect(await error(res)).toBe('not signed in');
    expect(JSON.stringify(h!.sources.get('lab-cluster')!.faults)).toBe(before);
  });

  it('a wrong or malformed bearer token is refused even with nothing else wrong', async () => {
    await start();
    expect((await bearerFetch(url('/api/v1/clusters'), 'qrt_not-a-real-token')).status).toBe(401);
    expect((await fetch(url('/api/v1/clusters'), { headers: { authorization: 'Basic YWRtaW46eA==' } })).status).toBe(401);
  });

  it('/healthz stays public but says only the status; signed in it says more', async () => {
    await start();
    expect(await (await fetch(url('/healthz'))).json()).toEqual({ status: 'ok' });
    const full = (await (await h!.api('/healthz')).json()) as { sources: unknown[] };
    expect(full.sources).toHaveLength(1);
  });

  it('sockets without credentials, or from another origin, fail the handshake', async () => {
    await start();
    expect(await handshake({})).toBe('unauthorized');
    expect(await handshake({ auth: { token: 'qrt_wrong' } })).toBe('unauthorized');
    expect(await handshake({ auth: { token: h!.tokens.viewer }, extraHeaders: { origin: 'https://evil.example' } })).toBe('origin not allowed');
    expect(await handshake({ auth: { token: h!.tokens.viewer } })).toBe('connected');
    expect(await handshake({ extraHeaders: { authorization: `Bearer ${h!.tokens.viewer}` } })).toBe('connected');
  });
});

describe('first run and sessions', () => {
  it('setup creates the admin once, signs in with a strict httpOnly cookie, then answers 409', async () => {
    await start();
    expect(AuthState.parse(await (await fetch(url('/api/v1/auth/state'))).json())).toEqual({ setupRequired: true, user: null, csrfToken: null });
    const foreign = await bearerFetch(url('/api/v1/auth/setup'), null, { method: 'POST', body: { username: 'root', password: PW }, headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await h!.server.store.users.count()).toBe(0);

    const res = await bearerFetch(url('/api/v1/auth/setup'), null, { method: 'POST', body: { username: 'root', password: PW }, headers: { origin: h!.url, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(201);
    const [cookie, device] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^quorate_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    // the browser is remembered for this user (not subject to the per-username lockout)
    expect(device).toMatch(/^quorate_device=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Path=\/api\/v1\/auth; Max-Age=31536000; HttpOnly; SameSite=Strict$/);
    const body = SignedIn.parse(await res.json());
    expect(body.user).toMatchObject({ username: 'root', role: 'admin' });

    const state = AuthState.parse(await (await fetch(url('/api/v1/auth/state'), { headers: { cookie: cookie!.split(';')[0]! } })).json());
    expect(state).toEqual({ setupRequired: false, user: body.user, csrfToken: body.csrfToken });

    const again = await bearerFetch(url('/api/v1/auth/setup'), null, { method: 'POST', body: { username: 'other', password: PW } });
    expect(again.status).toBe(409);
    expect(await error(again)).toBe('already set up');
    expect(await h!.server.store.users.count()).toBe(1);
  });

  it('cookie POSTs need the CSRF token; bearer POSTs do not', async () => {
    await start();
    const s = await signIn(h!.url, '/api/v1/auth/setup', 'root', PW);
    const tokensBefore = (await h!.server.store.tokens.list()).length;
    for (const csrf of [false, 'wrong-token'] as const) {
      const res = await sessionFetch(url('/api/v1/tokens'), s, { method: 'POST', body: { name: 'ci', role: 'viewer' }, csrf });
      expect(res.status).toBe(403);
      expect(await error(res)).toBe('missing or wrong CSRF token');
    }
    expect(await h!.server.store.tokens.list()).toHaveLength(tokensBefore);
    expect((await sessionFetch(url('/api/v1/tokens'), s, { method: 'POST', body: { name: 'ci', role: 'viewer' } })).status).toBe(201);
    // GETs need no token
    expect((await sessionFetch(url('/api/v1/clusters'), s, { csrf: false })).status).toBe(200);
    // a bearer call carries no CSRF token and is accepted
    const fault = await bearerFetch(url('/api/v1/sim/faults'), h!.tokens.operator, { method: 'POST', body: { action: 'heal' } });
    expect(fault.status).toBe(202);
  });

  it('the cookie is Secure when the page came over TLS (per a trusted proxy)', async () => {
    await start({}, { config: { trustProxy: true } });
    const res = await bearerFetch(url('/api/v1/auth/setup'), null, { method: 'POST', body: { username: 'root', password: PW }, headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(/^quorate_session=.*; Secure$/), expect.stringMatching(/^quorate_device=.*; Secure$/)]);
  });

  it('logout ends the session (and its sockets); password change keeps only the current session', async () => {
    await start();
    const a = await signIn(h!.url, '/api/v1/auth/setup', 'root', PW);
    const b = await signIn(h!.url, '/api/v1/auth/login', 'root', PW);
    const c = await signIn(h!.url, '/api/v1/auth/login', 'root', PW);
    const sock = new TestClient(h!.url, { headers: { cookie: c.cookie } });
    await sock.subscribe({});

    const wrong = await sessionFetch(url('/api/v1/auth/password'), a, { method: 'POST', body: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase' } });
    expect(wrong.status).toBe(400);
    expect(ApiError.parse(await wrong.json()).issues?.map((i) => i.path)).toEqual(['currentPassword']);

    const ok = await sessionFetch(url('/api/v1/auth/password'), a, { method: 'POST', body: { currentPassword: PW, newPassword: 'a brand new passphrase' } });
    expect(ok.status).toBe(204);
    expect((await sessionFetch(url('/api/v1/clusters'), a)).status).toBe(200);
    expect((await sessionFetch(url('/api/v1/clusters'), b)).status).toBe(401);
    await sock.until((x) => !x.socket.connected, 'socket of a revoked session closed');
    sock.close();
    expect((await bearerFetch(url('/api/v1/auth/login'), null, { method: 'POST', body: { username: 'root', password: PW } })).status).toBe(401);
    await signIn(h!.url, '/api/v1/auth/login', 'root', 'a brand new passphrase');

    const out = await sessionFetch(url('/api/v1/auth/logout'), a, { method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^quorate_session=; .*Max-Age=0/);
    expect((await sessionFetch(url('/api/v1/clusters'), a)).status).toBe(401);
  });
});

describe('roles', () => {
  it('a viewer reads but cannot inject faults, run operations or manage anything', async () => {
    await start();
    const src = h!.sources.get('lab-cluster')!;
    expect((await h!.api('/api/v1/snapshot', { as: 'viewer' })).status).toBe(200);
    for (const [method, path, body, role] of [
      ['POST', '/api/v1/sim/faults', { action: 'stop', nodes: ['pve3'] }, 'operator'],
      ['POST', '/api/v1/operations/expected-votes', { expectedVotes: 4, confirm: true }, 'operator'],
      ['GET', '/api/v1/users', undefined, 'admin'],
      ['GET', '/api/v1/tokens', undefined, 'admin'],
      ['GET', '/api/v1/audit', undefined, 'admin'],
      ['PUT', '/api/v1/settings/retention', { audit: { maxAgeDays: 1 } }, 'admin'],
    ] as const) {
      const res = await h!.api(path, { method, body, as: 'viewer' });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await error(res)).toBe(`needs role ${role}`);
    }
    expect(src.faults).toEqual([]);
    expect((await h!.server.store.settings.retention.get()).audit.maxAgeDays).toBe(365);
    // the refused operation is on the audit trail
    const audit = AuditPage.parse(await (await h!.api('/api/v1/audit?operation=expected-votes', { as: 'admin' })).json());
    expect(audit.records).toMatchObject([{ result: 'refused', role: 'viewer', message: 'needs role operator', actor: { kind: 'token', name: 'test-viewer' } }]);
  });

  it('an operator injects faults (audited); QUORATE_API_TOKEN registers an operator token', async () => {
    const token = 'env-operator-token-0123456789';
    await start({}, { config: { apiToken: token } });
    const res = await bearerFetch(url('/api/v1/sim/faults'), token, { method: 'POST', body: { action: 'stop', nodes: ['pve3'] } });
    expect(res.status).toBe(202);
    expect((await bearerFetch(url('/api/v1/users'), token)).status).toBe(403);
    const audit = AuditPage.parse(await (await h!.api('/api/v1/audit', { as: 'admin' })).json());
    expect(audit.records.find((r) => r.operation === 'sim-fault')).toMatchObject({ result: 'ok', role: 'operator', actor: { name: 'environment' }, params: { action: 'stop', nodes: ['pve3'] } });
    // the refused read of /users is on the record too
    expect(audit.records[0]).toMatchObject({ operation: 'GET /api/v1/users', result: 'refused', role: 'operator', message: 'needs role admin' });
  });
});

describe('users and tokens (admin)', () => {
  it('manages users; never removes or demotes the last admin', async () => {
    await start();
    const root = await signIn(h!.url, '/api/v1/auth/setup', 'root', PW);
    const post = (path: string, body: unknown, method = 'POST') => sessionFetch(url(path), root, { method, body });
    const created = await post('/api/v1/users', { username: 'olga', password: PW, role: 'operator' });
    expect(created.status).toBe(201);
    const olga = ((await created.json()) as { user: { id: string } }).user;
    expect((await post('/api/v1/users', { username: 'olga', password: PW, role: 'viewer' })).status).toBe(409);
    const list = UserList.parse(await (await sessionFetch(url('/api/v1/users'), root)).json());
    expect(list.users.map((u) => [u.username, u.role])).toEqual([
      ['olga', 'operator'],
      ['root', 'admin'],
    ]);
    expect(JSON.stringify(list)).not.toMatch(/scrypt|hash/i);

    const demote = await post(`/api/v1/users/${root.user.id}`, { role: 'viewer' }, 'PATCH');
    expect(demote.status).toBe(409);
    expect(await error(demote)).toMatch(/last admin/);
    const remove = await sessionFetch(url(`/api/v1/users/${root.user.id}`), root, { method: 'DELETE' });
    expect(remove.status).toBe(409);

    const olgaSession = await signIn(h!.url, '/api/v1/auth/login', 'olga', PW);
    expect((await post(`/api/v1/users/${olga.id}`, { role: 'admin' }, 'PATCH')).status).toBe(200);
    expect((await sessionFetch(url('/api/v1/users'), olgaSession)).status).toBe(200);
    expect((await post(`/api/v1/users/${olga.id}`, { password: 'reset by the admin' }, 'PATCH')).status).toBe(200);
    expect((await sessionFetch(url('/api/v1/users'), olgaSession)).status).toBe(401);
    expect((await sessionFetch(url(`/api/v1/users/${olga.id}`), root, { method: 'DELETE' })).status).toBe(204);
    expect((await sessionFetch(url(`/api/v1/users/${olga.id}`), root, { method: 'DELETE' })).status).toBe(404);
    const audit = AuditPage.parse(await (await sessionFetch(url('/api/v1/audit?limit=50'), root)).json());
    // refusals are on the trail too
    expect(audit.records.filter((r) => /^user-|^setup$/.test(r.operation)).map((r) => `${r.operation} ${r.result}`)).toEqual([
      'user-delete refused',
      'user-delete ok',
      'user-update ok',
      'user-update ok',
      'user-delete refused',
      'user-update refused',
      'user-create refused',
      'user-create ok',
      'setup ok',
    ]);
    expect(JSON.stringify(audit)).not.toContain(PW);
  });

  it('a token is shown once, works as a bearer and for sockets, and stops working when revoked', async () => {
    await start();
    const res = await h!.api('/api/v1/tokens', { method: 'POST', body: { name: 'grafana', role: 'viewer' }, as: 'admin' });
    expect(res.status).toBe(201);
    const { id, token } = (await res.json()) as { id: string; token: string };
    expect(token).toMatch(/^qrt_/);
    const list = TokenList.parse(await (await h!.api('/api/v1/tokens', { as: 'admin' })).json());
    expect(list.tokens.find((t) => t.id === id)).toMatchObject({ name: 'grafana', role: 'viewer', static: false });
    expect(JSON.stringify(list)).not.toContain(token);
    expect((await bearerFetch(url('/metrics'), token)).status).toBe(200);
    const sock = new TestClient(h!.url, { token });
    expect(await sock.subscribe({})).toMatchObject({ ok: true });

    expect((await h!.api(`/api/v1/tokens/${id}`, { method: 'DELETE', as: 'admin' })).status).toBe(204);
    expect((await bearerFetch(url('/metrics'), token)).status).toBe(401);
    await sock.until((x) => !x.socket.connected, 'socket of a revoked token closed');
    sock.close();
    expect((await h!.api(`/api/v1/tokens/${id}`, { method: 'DELETE', as: 'admin' })).status).toBe(404);
  });

  it('retention settings: read, change (prunes), validated', async () => {
    await start();
    const r = RetentionSettings.parse(await (await h!.api('/api/v1/settings/retention', { as: 'admin' })).json());
    const timeline = { maxAgeDays: 7, maxMbPerCluster: 1024 };
    expect(r).toEqual({ events: { maxAgeDays: 90, maxPerCluster: 100_000 }, audit: { maxAgeDays: 365 }, timeline });
    const put = await h!.api('/api/v1/settings/retention', { method: 'PUT', body: { events: { maxPerCluster: 5000 } }, as: 'admin' });
    expect(RetentionSettings.parse(await put.json())).toEqual({ events: { maxAgeDays: 90, maxPerCluster: 5000 }, audit: { maxAgeDays: 365 }, timeline });
    expect((await h!.server.store.settings.retention.get()).events.maxPerCluster).toBe(5000);
    // time travel's recording: its days and size per cluster (pruned at once)
    const tl = await h!.api('/api/v1/settings/retention', { method: 'PUT', body: { timeline: { maxAgeDays: 2 } }, as: 'admin' });
    expect(RetentionSettings.parse(await tl.json()).timeline).toEqual({ maxAgeDays: 2, maxMbPerCluster: 1024 });
    expect((await h!.api('/api/v1/settings/retention', { method: 'PUT', body: { timeline: { maxMbPerCluster: 0 } }, as: 'admin' })).status).toBe(400);
  });
});
