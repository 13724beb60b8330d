// /api/v1/users and /tokens: a refused change changes nothing and is audited; removing or demoting a user
// revokes the API tokens they made (and closes those tokens' sockets).
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type AuditRecord } from '@quorate/model';
import { tokenCreator } from '@quorate/store';
import { bearerFetch, sessionFetch, signIn, simCluster, startFake, TestClient, type Harness, type TestSession } from './testing/harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});
const PW = 'correct horse battery staple';
const NEW_PW = 'a brand new passphrase';
const url = (path: string) => `${h!.url}${path}`;
const error = async (res: Response) => ApiError.parse(await res.json()).error;
const trail = async (operation?: string): Promise<AuditRecord[]> => (await h!.server.store.audit.list({ limit: 100, ...(operation ? { operation } : {}) })).records as AuditRecord[];

async function withRoot(): Promise<TestSession> {
  h = await startFake([simCluster('lab-cluster', 'lab-cluster', true)]);
  return signIn(h.url, '/api/v1/auth/setup', 'root', PW);
}
const call = (s: TestSession, method: string, path: string, body?: unknown) => sessionFetch(url(path), s, { method, body });
const canSignIn = async (username: string, password: string) =>
  (await bearerFetch(url('/api/v1/auth/login'), null, { method: 'POST', body: { username, password } })).status === 200;

describe('PATCH /api/v1/users/:id', () => {
  it('demoting the last admin together with a new password: 409, and neither the role nor the password changes', async () => {
    const root = await withRoot();
    const other = await signIn(h!.url, '/api/v1/auth/login', 'root', PW);
    const res = await call(root, 'PATCH', `/api/v1/users/${root.user.id}`, { role: 'viewer', password: NEW_PW });
    expect(res.status).toBe(409);
    expect(await error(res)).toBe('root is the last admin: make another user admin first');
    expect((await h!.server.store.users.get(root.user.id))?.role).toBe('admin');
    expect(await canSignIn('root', NEW_PW)).toBe(false);
    expect(await canSignIn('root', PW)).toBe(true);
    // nobody was signed out
    expect((await sessionFetch(url('/api/v1/users'), other)).status).toBe(200);
    const [refused] = (await trail('user-update'));
    expect(refused).toMatchObject({ result: 'refused', confirmed: false, message: 'root is the last admin: make another user admin first', params: { id: root.user.id, username: 'root', role: 'viewer', passwordGiven: true } });
    expect(JSON.stringify((await trail()))).not.toContain(NEW_PW);
  });

  it('two admins demoting each other at once: the second is refused after the hash, and its password stays', async () => {
    const root = await withRoot();
    const olga = (await h!.server.store.users.create({ username: 'olga', password: PW, role: 'admin' })).id;
    const [a, b] = await Promise.all([
      call(root, 'PATCH', `/api/v1/users/${root.user.id}`, { role: 'operator', password: NEW_PW }),
      call(root, 'PATCH', `/api/v1/users/${olga}`, { role: 'operator', password: NEW_PW }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [won, lost] = a.status === 200 ? (['root', 'olga'] as const) : (['olga', 'root'] as const);
    expect(await h!.server.store.users.count('admin')).toBe(1);
    expect((await h!.server.store.users.getByUsername(lost))?.role).toBe('admin');
    expect(await canSignIn(lost, PW)).toBe(true);
    expect(await canSignIn(lost, NEW_PW)).toBe(false);
    expect(await canSignIn(won, NEW_PW)).toBe(true);
    expect((await trail('user-update')).map((r) => [r.result, (r.params as { username: string }).username])).toEqual(
      expect.arrayContaining([
        ['ok', won],
        ['refused', lost],
      ]),
    );
  });

  it('a role and a password together are applied together; every refusal is audited without the password', async () => {
    const root = await withRoot();
    const olga = await h!.server.store.users.create({ username: 'olga', password: PW, role: 'operator' });
    const olgaSession = await signIn(h!.url, '/api/v1/auth/login', 'olga', PW);
    const res = await call(root, 'PATCH', `/api/v1/users/${olga.id}`, { role: 'viewer', password: NEW_PW });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { role: string } }).user.role).toBe('viewer');
    expect(await canSignIn('olga', NEW_PW)).toBe(true);
    expect((await sessionFetch(url('/api/v1/clusters'), olgaSession)).status).toBe(401);
    expect((await trail('user-update'))[0]).toMatchObject({ result: 'ok', params: { username: 'olga', role: 'viewer', passwordChanged: true } });

    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await call(root, 'PATCH', `/api/v1/users/${ghost}`, { password: NEW_PW })).status).toBe(404);
    expect((await call(root, 'PATCH', `/api/v1/users/${olga.id}`, { password: 'short' })).status).toBe(400);
    expect((await call(root, 'PATCH', '/api/v1/users/not-a-uuid', { role: 'viewer' })).status).toBe(400);
    const viewer = await signIn(h!.url, '/api/v1/auth/login', 'olga', NEW_PW);
    expect((await call(viewer, 'PATCH', `/api/v1/users/${root.user.id}`, { role: 'viewer', password: 'viewer was here!' })).status).toBe(403);
    expect(await canSignIn('root', PW)).toBe(true);
    expect((await trail('user-update')).slice(0, 4).map((r) => [r.result, r.message, r.role])).toEqual([
      ['refused', 'needs role admin', 'viewer'],
      ['refused', 'invalid user id: (body): a user id (UUID)', 'admin'],
      ['refused', 'invalid user change: password: password must be at least 10 characters', 'admin'],
      ['refused', `no user with id ${ghost}`, 'admin'],
    ]);
    const text = JSON.stringify((await trail()));
    for (const pw of [NEW_PW, 'short', 'viewer was here!']) expect(text).not.toContain(pw);
  });
});

describe('POST and DELETE /api/v1/users: refusals are audited', () => {
  it('an invalid or taken user, a non-admin, a missing user and the last admin', async () => {
    const root = await withRoot();
    expect((await call(root, 'POST', '/api/v1/users', { username: 'vera', password: 'short', role: 'viewer' })).status).toBe(400);
    expect((await call(root, 'POST', '/api/v1/users', { username: 'Root', password: NEW_PW, role: 'viewer' })).status).toBe(409);
    expect((await h!.api('/api/v1/users', { method: 'POST', body: { username: 'mallory', password: NEW_PW, role: 'admin' }, as: 'operator' })).status).toBe(403);
    expect(await h!.server.store.users.count()).toBe(1);
    expect((await trail('user-create')).map((r) => [r.result, r.message, r.params])).toEqual([
      ['refused', 'needs role admin', { username: 'mallory', role: 'admin', passwordGiven: true }],
      ['refused', 'username Root is already taken', { username: 'Root', role: 'viewer' }],
      ['refused', 'invalid user: password: password must be at least 10 characters', { username: 'vera', role: 'viewer', issues: [{ path: 'password', message: 'password must be at least 10 characters' }] }],
    ]);

    const ghost = '00000000-0000-4000-8000-000000000000';
    expect((await call(root, 'DELETE', `/api/v1/users/${ghost}`)).status).toBe(404);
    expect((await call(root, 'DELETE', `/api/v1/users/${root.user.id}`)).status).toBe(409);
    expect((await call(root, 'DELETE', '/api/v1/users/12')).status).toBe(400);
    expect((await trail('user-delete')).map((r) => [r.result, r.message])).toEqual([
      ['refused', 'invalid user id: (body): a user id (UUID)'],
      ['refused', 'root is the last admin and cannot be removed'],
      ['refused', `no user with id ${ghost}`],
    ]);
    expect(await h!.server.store.users.count()).toBe(1);
    // one record per refusal: none twice
    expect((await trail()).filter((r) => r.result === 'refused')).toHaveLength(6);
    expect(JSON.stringify((await trail()))).not.toContain(NEW_PW);
  });
});

describe('tokens of a removed or demoted user', () => {
  async function tokenOf(s: TestSession, name: string, role: string): Promise<{ id: string; token: string }> {
    const res = await call(s, 'POST', '/api/v1/tokens', { name, role });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; token: string };
  }
  const works = async (token: string) => (await bearerFetch(url('/api/v1/clusters'), token)).status === 200;

  it('demoted: the tokens they made above the new role are revoked (with what those made), their sockets closed, audited', async () => {
    const root = await withRoot();
    await h!.server.store.users.create({ username: 'olga', password: PW, role: 'admin' });
    const olga = await signIn(h!.url, '/api/v1/auth/login', 'olga', PW);
    const admin = await tokenOf(olga, 'olga-admin', 'admin');
    const operator = await tokenOf(olga, 'olga-operator', 'operator');
    const viewer = await tokenOf(olga, 'olga-viewer', 'viewer');
    // a token made by olga's admin token
    const made = (await (await bearerFetch(url('/api/v1/tokens'), admin.token, { method: 'POST', body: { name: 'made-by-token', role: 'viewer' } })).json()) as { id: string; token: string };
    expect((await h!.server.store.tokens.list()).find((t) => t.id === made.id)?.createdBy).toBe(tokenCreator(admin.id));
    const sock = new TestClient(h!.url, { token: admin.token });
    expect(await sock.subscribe({})).toMatchObject({ ok: true });

    expect((await call(root, 'PATCH', `/api/v1/users/${olga.user.id}`, { role: 'operator' })).status).toBe(200);
    expect(await works(admin.token)).toBe(false);
    expect(await works(made.token)).toBe(false);
    expect(await works(operator.token)).toBe(true);
    expect(await works(viewer.token)).toBe(true);
    await sock.until((x) => !x.socket.connected, 'socket of a revoked token closed');
    sock.close();
    const [revoke] = (await trail('token-revoke'));
    expect(revoke).toMatchObject({ result: 'ok', actor: { name: 'root' }, params: { username: 'olga', tokens: [{ id: admin.id, name: 'olga-admin', role: 'admin' }, { id: made.id, name: 'made-by-token', role: 'viewer' }] } });
    expect(revoke!.message).toBe('tokens olga-admin (admin), made-by-token (viewer) revoked: their creator olga is now operator and may not hold a higher role');
    expect(JSON.stringify((await trail()))).not.toContain(admin.token);
  });

  it('removed: every token they made is revoked; tokens of others and the environment token stay', async () => {
    const root = await withRoot();
    await h!.server.store.users.create({ username: 'olga', password: PW, role: 'admin' });
    const olga = await signIn(h!.url, '/api/v1/auth/login', 'olga', PW);
    const hers = await tokenOf(olga, 'olga-viewer', 'viewer');
    const roots = await tokenOf(root, 'root-viewer', 'viewer');
    const sock = new TestClient(h!.url, { token: hers.token });
    expect(await sock.subscribe({})).toMatchObject({ ok: true });

    expect((await call(root, 'DELETE', `/api/v1/users/${olga.user.id}`)).status).toBe(204);
    expect(await works(hers.token)).toBe(false);
    expect(await works(roots.token)).toBe(true);
    expect(await works(h!.tokens.viewer)).toBe(true);
    await sock.until((x) => !x.socket.connected, 'socket of a revoked token closed');
    sock.close();
    expect((await trail()).slice(0, 2).map((r) => [r.operation, r.message])).toEqual([
      ['token-revoke', 'token olga-viewer (viewer) revoked: their creator olga was removed'],
      ['user-delete', 'user olga removed'],
    ]);
  });

  it('revoking a token revokes the tokens it made', async () => {
    await withRoot();
    const parent = (await (await h!.api('/api/v1/tokens', { method: 'POST', body: { name: 'parent', role: 'admin' }, as: 'admin' })).json()) as { id: string; token: string };
    const child = (await (await bearerFetch(url('/api/v1/tokens'), parent.token, { method: 'POST', body: { name: 'child', role: 'viewer' } })).json()) as { id: string; token: string };
    expect((await h!.api(`/api/v1/tokens/${parent.id}`, { method: 'DELETE', as: 'admin' })).status).toBe(204);
    expect(await works(child.token)).toBe(false);
    expect((await trail('token-revoke'))[0]!.message).toBe('token parent revoked; with it the token it created: child (viewer)');
  });
});
