// Record and replay: file names both ways, secrets removed (a fake that echoes the token everywhere), errors
// kept as envelopes, and a recording of a fake Proxmox API over HTTPS on 127.0.0.1:18580 replaying to the same
// snapshot. Nothing leaves loopback; 127.0.0.1:18589 is a port nothing listens on (refused).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PveClient } from './client';
import { transportFor, type PveApiSettings } from './kind';
import { RecordingTransport, REDACTED } from './record';
import { MANIFEST, checkNoSecret, recordCluster } from './record-dir';
import { observeOnce } from './source';
import { selfSignedCert } from './tls.test-helper';
import { PveError, ReplayTransport, replayFileName, replayPathOf, type PveReply, type PveTransport } from './transport';

const TOKEN_ID = 'quorate@pve!dashboard';
const SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';
const AUTH = `PVEAPIToken=${TOKEN_ID}=${SECRET}`;
const FIXTURE = join(import.meta.dirname, 'fixtures/healthy');
const fixture = (name: string) => readFileSync(join(FIXTURE, name), 'utf8');
const PORT = 18580;
const REFUSED = 'https://127.0.0.1:18589';

let tmp: string;
const tmpDir = (name: string) => join(tmp, name);
/** every byte of every file in dir */
const allText = (dir: string) => readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');

describe('replay file names', () => {
  it('are the path with / as __ and the query after @; the bare names stay as before', () => {
    expect(replayFileName('cluster/status')).toBe('cluster__status.json');
    expect(replayFileName('/cluster/config/nodes/')).toBe('cluster__config__nodes.json');
    expect(replayFileName('cluster/resources?type=vm')).toBe('cluster__resources@type=vm.json');
    expect(replayFileName('nodes/pve1/storage?content=images&enabled=1')).toBe('nodes__pve1__storage@content=images%26enabled=1.json');
    expect(replayFileName('access/users/root@pam')).toBe('access__users__root%40pam.json');
    expect(replayFileName('nodes/my_node/storage/local__x')).toBe('nodes__my_node__storage__local%5F%5Fx.json');
  });

  it('turn back into their path, for any path (no / in a name, nothing outside a safe set)', () => {
    const segment = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'Z', '0', '_', '-', '.', '@', '%', '?', '=', '&', ' ', 'é', '/') }).filter((s) => !s.includes('/') && !s.includes('?'));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.option(fc.string({ minLength: 1, maxLength: 12 })), (segs, query) => {
        const path = segs.join('/') + (query !== null ? `?${query}` : '');
        const file = replayFileName(path);
        expect(file).toMatch(/^[A-Za-z0-9._%=@-]+\.json$/);
        expect(replayPathOf(file)).toBe(path);
      }),
    );
  });

  it('ReplayTransport reads the file with the query, else the one without it (older directories)', async () => {
    const dir = tmpDir('names');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cluster__resources@type=vm.json'), '{"data":["vm"]}');
    writeFileSync(join(dir, 'cluster__resources.json'), '{"data":["all"]}');
    const replay = new ReplayTransport(dir);
    expect((await replay.get('cluster/resources?type=vm')).body).toBe('{"data":["vm"]}');
    expect((await replay.get('cluster/resources?type=storage')).body).toBe('{"data":["all"]}');
    expect((await replay.get('cluster/resources')).body).toBe('{"data":["all"]}');
    expect((await replay.get('cluster/status')).status).toBe(404);
  });
});

/** a transport that puts the secret wherever a broken server might: body, reason, headers */
const echo = (status: number): PveTransport => ({
  describe: 'echo',
  get: async (path): Promise<PveReply> => ({
    status,
    reason: `reason with ${SECRET}`,
    headers: { 'set-cookie': `PVEAuthCookie=PVE:root@pam:64E10CBA::abc`, authorization: AUTH, 'x-pve-token': 'xyz', 'x-echo': `you sent ${AUTH}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { path, auth: AUTH, secret: SECRET, quoted: JSON.stringify(SECRET), url: encodeURIComponent(SECRET), ticket: 'PVE:root@pam:64E10CBA::c2lnbmF0dXJl', CSRFPreventionToken: '64E10CBA:abc' } }),
  }),
});

describe('RecordingTransport', () => {
  it('keeps a 2xx body with the secret (in every form) and credentials replaced; the caller gets the reply untouched', async () => {
    const rec = new RecordingTransport(echo(200), [SECRET]);
    const reply = await rec.get('cluster/status');
    expect(reply.body).toContain(SECRET);
    const [kept] = rec.replies;
    expect(kept).toMatchObject({ path: 'cluster/status', file: 'cluster__status.json', status: 200 });
    expect(kept!.content).not.toContain(SECRET);
    expect(kept!.content).not.toContain(encodeURIComponent(SECRET));
    expect(kept!.content).not.toContain('c2lnbmF0dXJl');
    expect(kept!.content).not.toContain('64E10CBA:abc');
    const data = (JSON.parse(kept!.content) as { data: Record<string, string> }).data;
    expect(data).toMatchObject({ path: 'cluster/status', auth: `PVEAPIToken=${REDACTED}`, secret: REDACTED, ticket: REDACTED, CSRFPreventionToken: REDACTED });
  });

  it('keeps any other status as an envelope without credential headers, secrets replaced; a second call replaces the first', async () => {
    const rec = new RecordingTransport(echo(403), [SECRET]);
    await rec.get('cluster/resources?type=vm');
    await rec.get('cluster/resources?type=vm');
    expect(rec.replies).toHaveLength(1);
    const env = JSON.parse(rec.replies[0]!.content) as { status: number; reason: string; headers: Record<string, string>; body: string };
    expect(rec.replies[0]!.file).toBe('cluster__resources@type=vm.json');
    expect(env.status).toBe(403);
    expect(env.reason).toBe(`reason with ${REDACTED}`);
    expect(Object.keys(env.headers).sort()).toEqual(['content-type', 'x-echo']);
    expect(env.headers['x-echo']).toBe(`you sent PVEAPIToken=${REDACTED}`);
    expect(rec.replies[0]!.content).not.toContain(SECRET);
    expect(rec.replies[0]!.content).not.toContain('PVEAuthCookie=PVE');
  });

  it('keeps a call without a reply as status 0 with its kind; ReplayTransport throws the same PveError', async () => {
    const detail = { url: 'https://127.0.0.1:1', presented: 'AA:BB', expected: 'CC:DD' };
    const failing: PveTransport = { describe: 'down', get: () => Promise.reject(new PveError('tls-mismatch', `certificate mismatch (token ${SECRET} not sent)`, detail)) };
    const rec = new RecordingTransport(failing, [SECRET]);
    const live = await rec.get('cluster/status').catch((e: unknown) => e as PveError);
    expect(live).toBeInstanceOf(PveError);
    const kept = rec.replies[0]!;
    expect(kept.status).toBe(0);
    expect(JSON.parse(kept.content)).toMatchObject({ status: 0, error: 'tls-mismatch', headers: {}, body: null });
    const dir = tmpDir('error');
    mkdirSync(dir);
    writeFileSync(join(dir, kept.file), kept.content);
    const replayed = await new ReplayTransport(dir).get('cluster/status').catch((e: unknown) => e as PveError);
    expect(replayed).toBeInstanceOf(PveError);
    expect(replayed).toMatchObject({ kind: 'tls-mismatch', message: `certificate mismatch (token ${REDACTED} not sent)`, detail });
  });
});

// ---- a fake Proxmox API over HTTPS ------------------------------------------------------------------------

let server: https.Server;
let fingerprint: string;
/** what cluster/status answers now (a poll can change it) */
let statusBody: string;
let statusCalls = 0;
const api = (over: Partial<PveApiSettings> = {}): PveApiSettings => ({ urls: [`https://127.0.0.1:${PORT}`], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint, ...over });
/** the status reply with the token echoed into it (a server that leaks what it was sent) */
const statusWithEcho = (version: number) => fixture('cluster__status.json').replace('"version": 4', `"version": ${version}`).replace(/\}\s*$/, `, "echo": "${AUTH}"}\n`);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'quorate-pve-record-'));
  const cert = selfSignedCert(tmp, 'fake', 'pve1.lab');
  fingerprint = cert.fingerprint;
  statusBody = statusWithEcho(4);
  server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    if (req.headers.authorization !== AUTH) {
      res.writeHead(401, 'authentication failure');
      return res.end();
    }
    const path = (req.url ?? '').replace(/^\/api2\/json\//, '');
    const json = { 'content-type': 'application/json;charset=UTF-8', 'set-cookie': `PVEAuthCookie=${SECRET}`, 'x-echo': AUTH };
    if (path === 'cluster/status') {
      statusCalls += 1;
      res.writeHead(200, json);
      return res.end(statusBody);
    }
    if (path === 'cluster/config/nodes' || path === 'cluster/config/qdevice') {
      res.writeHead(200, json);
      return res.end(fixture(`${path.replace(/\//g, '__')}.json`));
    }
    if (path === 'cluster/resources') {
      res.writeHead(403, 'Permission check failed (/storage, Datastore.Audit)', json);
      return res.end('{"data":null}');
    }
    // any path through the node pve3 (and, for the test, totem): the answering node cannot reach it
    if (path === 'cluster/config/totem' || path.startsWith('nodes/pve3/')) {
      res.writeHead(595, 'Errors during connection establishment, proxy handshake: No route to host');
      return res.end();
    }
    res.writeHead(404, 'Not Found', json);
    res.end(`{"data":null,"message":"no such path (you sent ${AUTH})"}`);
  });
  await new Promise<void>((r) => server.listen(PORT, '127.0.0.1', r));
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const record = (dir: string, over: Partial<Parameters<typeof recordCluster>[0]> = {}) =>
  recordCluster({ transport: transportFor(api()), secrets: [SECRET], clusterId: 'prod', name: 'Prod', dir, now: () => 1_000, pauseMs: 0, ...over });

describe('recordCluster against a fake Proxmox API (HTTPS, 127.0.0.1)', () => {
  it('writes one file per path (2xx as received, others as envelopes), no secret anywhere, 0700/0600, and replays to the live snapshot', async () => {
    const dir = tmpDir('live');
    const r = await record(dir, { now: () => 5 });
    expect(r.error).toBeNull();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(expect.arrayContaining([MANIFEST, 'cluster__status.json', 'cluster__config__nodes.json', 'cluster__config__qdevice.json', 'cluster__resources.json', 'cluster__config__totem.json']));
    expect(r.files.map((f) => f.file).sort()).toEqual(files.filter((f) => f !== MANIFEST));

    // 2xx: the body as received (the echoed token replaced: the only difference)
    expect(readFileSync(join(dir, 'cluster__config__qdevice.json'), 'utf8')).toBe(fixture('cluster__config__qdevice.json'));
    expect(readFileSync(join(dir, 'cluster__config__nodes.json'), 'utf8')).toBe(fixture('cluster__config__nodes.json'));
    expect(readFileSync(join(dir, 'cluster__status.json'), 'utf8')).toBe(statusBody.replace(AUTH, `PVEAPIToken=${REDACTED}`));
    // 403 and 595: envelopes, credential headers gone
    const forbidden = JSON.parse(readFileSync(join(dir, 'cluster__resources.json'), 'utf8')) as { status: number; reason: string; headers: Record<string, string>; body: string };
    expect(forbidden).toMatchObject({ status: 403, reason: 'Permission check failed (/storage, Datastore.Audit)', body: '{"data":null}' });
    expect(forbidden.headers['set-cookie']).toBeUndefined();
    expect(forbidden.headers['x-echo']).toBe(`PVEAPIToken=${REDACTED}`);
    expect(JSON.parse(readFileSync(join(dir, 'cluster__config__totem.json'), 'utf8'))).toMatchObject({ status: 595, reason: 'Errors during connection establishment, proxy handshake: No route to host', body: '' });
    expect(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'))).toEqual({ format: 1, clusterId: 'prod', name: 'Prod', recordedAt: new Date(5).toISOString(), polls: 1 });

    // no secret in any file, in any form
    const text = allText(dir);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(encodeURIComponent(SECRET));
    expect(text).not.toMatch(/PVEAPIToken=(?!REDACTED)/);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);

    const live = await observeOnce(new PveClient(transportFor(api())), { clusterId: 'prod', name: 'Prod', now: () => 5 });
    const replayed = await observeOnce(new PveClient(new ReplayTransport(dir)), { clusterId: 'prod', name: 'Prod', now: () => 5 });
    expect(replayed).toEqual(live);
    expect(replayed.notes.join('\n')).toContain('403');
    expect(r.snapshot).toEqual(live.snapshot);
  });

  it('refuses a non-empty directory; --force replaces an earlier recording, not other files', async () => {
    const dir = tmpDir('again');
    await record(dir);
    await expect(record(dir)).rejects.toThrow(/not empty.*--force/);
    const before = readdirSync(dir).sort();
    await record(dir, { force: true });
    expect(readdirSync(dir).sort()).toEqual(before);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(record(dir, { force: true })).rejects.toThrow(/more than a recording/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('with several polls keeps the last reply per path', async () => {
    const dir = tmpDir('polls');
    const calls = statusCalls;
    const transport = transportFor(api());
    let polls = 0;
    // the status changes after the first poll's status read
    const counting: PveTransport = { describe: 'x', get: async (p) => { const r = await transport.get(p); if (p === 'cluster/status' && ++polls === 1) statusBody = statusWithEcho(5); return r; } };
    try {
      const r = await record(dir, { transport: counting, polls: 2 });
      expect(statusCalls - calls).toBe(2);
      expect(r.snapshot?.cluster.configVersion).toBe(5);
      expect(readFileSync(join(dir, 'cluster__status.json'), 'utf8')).toContain('"version": 5');
    } finally {
      statusBody = statusWithEcho(4);
    }
  });

  it('a cluster that does not answer: recorded as status 0, replayed as the same error', async () => {
    const dir = tmpDir('refused');
    const r = await record(dir, { transport: transportFor(api({ urls: [REFUSED], fingerprint })) });
    expect(r.snapshot).toBeNull();
    expect(r.error).toMatch(/refused/);
    expect(JSON.parse(readFileSync(join(dir, 'cluster__status.json'), 'utf8'))).toMatchObject({ status: 0, error: 'refused' });
    await expect(observeOnce(new PveClient(new ReplayTransport(dir)), { clusterId: 'prod', name: 'Prod' })).rejects.toMatchObject({ kind: 'refused', message: r.error });
  });

  it('the check on disk empties the directory when a secret survived (here: a recorder told no secret)', async () => {
    const dir = tmpDir('leak');
    const leaky: PveTransport = { describe: 'x', get: async () => ({ status: 200, reason: 'OK', headers: {}, body: `{"data":[{"type":"cluster","name":"${SECRET}","version":1,"quorate":1,"nodes":0}]}` }) };
    await record(dir, { transport: leaky, secrets: [] });
    expect(readFileSync(join(dir, 'cluster__status.json'), 'utf8')).toContain(SECRET);
    expect(() => checkNoSecret(dir, [SECRET])).toThrow(/a secret is still in \S+\.json \(the token secret\)/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
