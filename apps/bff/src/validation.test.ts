// Malformed input on every endpoint: a 400 that names the field, and nothing changes (users, tokens,
// settings, the cluster, the event log). Bodies, queries and path parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@quorate/model';
import { bearerFetch, sessionFetch, signIn, simCluster, startFake, type Harness, type TestSession } from './testing/harness';

let h: Harness;
let admin: TestSession;
let someUserId = '';
const PW = 'correct horse battery staple';

beforeAll(async () => {
  h = await startFake([simCluster('lab-cluster', 'lab-cluster', true)]);
  admin = await signIn(h.url, '/api/v1/auth/setup', 'root', PW);
  someUserId = (await h.server.store.users.create({ username: 'vera', password: PW, role: 'viewer' })).id;
});
afterAll(async () => {
  await h.close();
});

/** everything a request could change */
async function state(): Promise<string> {
  const s = h.server.store;
  const src = h.sources.get('lab-cluster')!;
  return JSON.stringify({
    users: await s.users.list(),
    tokens: (await s.tokens.list()).map((t) => ({ ...t, lastUsedAt: null })),
    retention: await s.settings.retention.get(),
    faults: src.faults,
    snapshot: src.current(),
    lastSeq: await h.server.collectors.get('lab-cluster')!.store.lastSeq(),
  });
}

type Case = [name: string, method: string, path: string, body: unknown, field: string];
const uid = () => someUserId;

const cases: Case[] = [
  // queries
  ['snapshot: empty cluster', 'GET', '/api/v1/snapshot?cluster=', undefined, 'cluster'],
  ['snapshot: cluster with a space', 'GET', '/api/v1/snapshot?cluster=a%20b', undefined, 'cluster'],
  ['snapshot: cluster twice', 'GET', '/api/v1/snapshot?cluster=a&cluster=b', undefined, 'cluster'],
  ['events: negative since', 'GET', '/api/v1/events?since=-1', undefined, 'since'],
  ['events: limit 0', 'GET', '/api/v1/events?limit=0', undefined, 'limit'],
  ['events: limit text', 'GET', '/api/v1/events?limit=lots', undefined, 'limit'],
  ['events: unknown parameter', 'GET', '/api/v1/events?sinse=3', undefined, 'sinse'],
  ['history: limit over 1000', 'GET', '/api/v1/history?limit=5000', undefined, 'limit'],
  ['history: negative offset', 'GET', '/api/v1/history?offset=-3', undefined, 'offset'],
  ['history: unknown type', 'GET', '/api/v1/history?type=node-left,explosion', undefined, 'type'],
  ['history: unknown severity', 'GET', '/api/v1/history?severity=loud', undefined, 'severity'],
  ['history: before not a number', 'GET', '/api/v1/history?before=yesterday', undefined, 'before'],
  ['history: bad cluster', 'GET', '/api/v1/history?cluster=', undefined, 'cluster'],
  ['history: unknown parameter', 'GET', '/api/v1/history?page=2', undefined, 'page'],
  ['audit: unknown result', 'GET', '/api/v1/audit?result=maybe', undefined, 'result'],
  ['audit: limit text', 'GET', '/api/v1/audit?limit=x', undefined, 'limit'],
  // sim faults
  ['fault: no action', 'POST', '/api/v1/sim/faults', { nodes: ['pve2'] }, 'action'],
  ['fault: nodes a string', 'POST', '/api/v1/sim/faults', { action: 'stop', nodes: 'pve2' }, 'nodes'],
  ['fault: bad cluster', 'POST', '/api/v1/sim/faults?cluster=', { action: 'heal' }, 'cluster'],
  // operations
  ['expected votes: 0', 'POST', '/api/v1/operations/expected-votes', { expectedVotes: 0, confirm: true }, 'expectedVotes'],
  ['expected votes: a string', 'POST', '/api/v1/operations/expected-votes', { expectedVotes: '3', confirm: true }, 'expectedVotes'],
  ['expected votes: fraction', 'POST', '/api/v1/operations/expected-votes', { expectedVotes: 2.5, confirm: true }, 'expectedVotes'],
  ['expected votes: missing', 'POST', '/api/v1/operations/expected-votes', { confirm: true }, 'expectedVotes'],
  ['expected votes: confirm missing', 'POST', '/api/v1/operations/expected-votes', { expectedVotes: 4 }, 'confirm'],
  ['expected votes: confirm a string', 'POST', '/api/v1/operations/expected-votes', { expectedVotes: 4, confirm: 'yes' }, 'confirm'],
  ['expected votes: dryRun a string', 'POST', '/api/v1/operations/expected-votes', { expectedVotes: 4, dryRun: 'yes' }, 'dryRun'],
  ['expected votes: unknown field', 'POST', '/api/v1/operations/expected-votes', { expectedVotes: 4, confirm: true, force: true }, 'force'],
  ['expected votes: bad cluster', 'POST', '/api/v1/operations/expected-votes?cluster=%20', { expectedVotes: 4, confirm: true }, 'cluster'],
  // auth
  ['setup: short password', 'POST', '/api/v1/auth/setup', { username: 'x', password: 'short' }, 'password'],
  ['setup: bad username', 'POST', '/api/v1/auth/setup', { username: 'a b', password: PW }, 'username'],
  ['login: username a number', 'POST', '/api/v1/auth/login', { username: 5, password: PW }, 'username'],
  ['login: no password', 'POST', '/api/v1/auth/login', { username: 'root' }, 'password'],
  ['login: extra field', 'POST', '/api/v1/auth/login', { username: 'root', password: PW, remember: true }, 'remember'],
  ['password: new one too short', 'POST', '/api/v1/auth/password', { currentPassword: PW, newPassword: 'short' }, 'newPassword'],
  ['password: current missing', 'POST', '/api/v1/auth/password', { newPassword: 'long enough passphrase' }, 'currentPassword'],
  // users
  ['user: bad username', 'POST', '/api/v1/users', { username: 'has space', password: PW, role: 'viewer' }, 'username'],
  ['user: unknown role', 'POST', '/api/v1/users', { username: 'newbie', password: PW, role: 'root' }, 'role'],
  ['user: no password', 'POST', '/api/v1/users', { username: 'newbie', role: 'viewer' }, 'password'],
  ['user patch: id not a uuid', 'PATCH', '/api/v1/users/not-a-uuid', { role: 'viewer' }, '(body)'],
  ['user patch: nothing to change', 'PATCH', '/api/v1/users/:uid', {}, '(body)'],
  ['user patch: unknown role', 'PATCH', '/api/v1/users/:uid', { role: 'god' }, 'role'],
  ['user patch: short password', 'PATCH', '/api/v1/users/:uid', { password: 'short' }, 'password'],
  ['user delete: id not a uuid', 'DELETE', '/api/v1/users/12', undefined, '(body)'],
  // tokens
  ['token: empty name', 'POST', '/api/v1/tokens', { name: '', role: 'viewer' }, 'name'],
  ['token: control character', 'POST', '/api/v1/tokens', { name: 'a\u0007b', role: 'viewer' }, 'name'],
  ['token: unknown role', 'POST', '/api/v1/tokens', { name: 'ci', role: 'boss' }, 'role'],
  ['token delete: bad id', 'DELETE', '/api/v1/tokens/tok_XYZ', undefined, '(body)'],
  // settings
  ['retention: 0 days', 'PUT', '/api/v1/settings/retention', { events: { maxAgeDays: 0 } }, 'events'],
  ['retention: text', 'PUT', '/api/v1/settings/retention', { audit: { maxAgeDays: 'forever' } }, 'audit'],
  ['retention: unknown key', 'PUT', '/api/v1/settings/retention', { logs: { maxAgeDays: 3 } }, 'logs'],
  ['retention: not an object', 'PUT', '/api/v1/settings/retention', [1, 2], '(body)'],
];

describe('malformed input on every endpoint', () => {
  it.each(cases)('%s -> 400 naming the field, nothing changes', async (_name, method, rawPath, body, field) => {
    const path = rawPath.replace(':uid', uid());
    const before = await state();
    const res = await sessionFetch(`${h.url}${path}`, admin, { method, ...(body !== undefined ? { body } : {}) });
    expect(res.status).toBe(400);
    const err = ApiError.parse(await res.json());
    const named = (err.issues ?? []).map((i) => i.path);
    expect(named.some((p) => p === field || p.startsWith(`${field}.`)) || err.error.includes(`${field}:`) || err.error.includes(`'${field}'`), `${err.error} ${JSON.stringify(named)}`).toBe(true);
    expect(await state()).toBe(before);
  });

  it('a body that is not JSON is a 400 on any POST', async () => {
    const before = await state();
    for (const path of ['/api/v1/sim/faults', '/api/v1/operations/expected-votes', '/api/v1/users', '/api/v1/tokens', '/api/v1/auth/login']) {
      const res = await sessionFetch(`${h.url}${path}`, admin, { method: 'POST', body: '{"oops":', headers: { 'content-type': 'application/json' } });
      expect(res.status, path).toBe(400);
      expect(ApiError.parse(await res.json()).error).toMatch(/not valid JSON/);
    }
    expect(await state()).toBe(before);
  });

  it('socket: a malformed subscribe gets an error ack naming the field', async () => {
    const c = h.client();
    const ack = await c.subscribe({ seq: 'ten' });
    expect(ack).toMatchObject({ ok: false });
    expect(ack.ok === false && ack.error).toMatch(/seq/);
  });

  it('bearer calls are validated the same way', async () => {
    const res = await bearerFetch(`${h.url}/api/v1/operations/expected-votes`, h.tokens.operator, { method: 'POST', body: { expectedVotes: -1, confirm: true } });
    expect(res.status).toBe(400);
    expect(ApiError.parse(await res.json()).issues?.map((i) => i.path)).toContain('expectedVotes');
  });
});
