// npm run pve (in process): argument errors, a cluster id nobody knows, a cluster that has no API, and a
// recording of a fake Proxmox API (HTTPS on 127.0.0.1:18581) found in QUORATE_CLUSTERS (tokenSecretFile) or
// among the clusters added through the API (the store), replayed by `snapshot` to the live snapshot.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@quorate/store';
import { PveClient, observeOnce, transportFor, type PveApiSettings } from '@quorate/sources';
import { selfSignedCert } from '../../../../packages/sources/src/pve/tls.test-helper';
import { main } from './pve-cluster';

const TOKEN_ID = 'quorate@pve!dashboard';
const SECRET = '0b7e3c1d-2f4a-4c8e-9d6b-5a1f2e3d4c5b';
const FIXTURE = join(import.meta.dirname, '../../../../packages/sources/src/pve/fixtures/healthy');
const PORT = 18581;

let tmp: string;
let server: https.Server;
let fingerprint: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'quorate-pve-cli-'));
  const cert = selfSignedCert(tmp, 'fake', 'pve1.lab');
  fingerprint = cert.fingerprint;
  server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    if (req.headers.authorization !== `PVEAPIToken=${TOKEN_ID}=${SECRET}`) {
      res.writeHead(401, 'authentication failure');
      return res.end();
    }
    const file = join(FIXTURE, `${(req.url ?? '').replace(/^\/api2\/json\//, '').replace(/\//g, '__')}.json`);
    let body: string;
    try {
      body = readFileSync(file, 'utf8');
    } catch {
      res.writeHead(404, 'Not Found');
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(PORT, '127.0.0.1', r));
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
const fresh = (name: string) => join(tmp, `${name}-${++n}`);

async function pve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { QUORATE_DATA_DIR: fresh('data'), ...env }, { cwd: tmp, out: (l) => out.push(l), err: (l) => err.push(l), pauseMs: 0 });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const api = (over: Partial<PveApiSettings> = {}): PveApiSettings => ({ urls: [`https://127.0.0.1:${PORT}`], tokenId: TOKEN_ID, fingerprint, ...over });
/** a snapshot without its times (observedAt wherever it is) */
const timeless = (json: string): unknown => JSON.parse(json, (k, v: unknown) => (k === 'observedAt' ? undefined : v));

describe('npm run pve: arguments', () => {
  it.each([
    [[], /name a command/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['snapshot'], /snapshot takes one directory/],
    [['record'], /record needs --cluster ID/],
    [['record', '--cluster', 'prod'], /record needs --out DIR/],
    [['record', '--cluster', 'prod', '--out', 'x', '--polls', '0'], /--polls: a whole number from 1 to 100, not '0'/],
    [['record', '--cluster', 'prod', '--out', 'x', '--polls', 'many'], /--polls/],
    [['record', '--cluster', 'prod', '--out', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['record', '--cluster', 'prod', '--out', 'x', 'extra'], /Unexpected argument 'extra'|does not take positional/],
  ])('%j → exit 2 with the usage', async (args, why) => {
    const r = await pve(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(why);
    expect(r.err).toContain('usage: npm run pve -- <command>');
  });
});

describe('npm run pve -- record: which cluster', () => {
  const clusters = JSON.stringify([{ id: 'lab', source: 'sim' }]);

  it('an id nobody knows: exit 1 naming the ones there are; nothing written', async () => {
    const out = fresh('out');
    const r = await pve(['record', '--cluster', 'nope', '--out', out], { QUORATE_CLUSTERS: clusters });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no cluster 'nope'.*\(known: lab\)/);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });

  it('a sim cluster, a replay cluster: exit 1 saying why', async () => {
    const sim = await pve(['record', '--cluster', 'lab', '--out', fresh('out')], { QUORATE_CLUSTERS: clusters });
    expect(sim.code).toBe(1);
    expect(sim.err).toMatch(/cluster 'lab' is a sim cluster: .*only pve clusters/);
    const replay = await pve(['record', '--cluster', 'old', '--out', fresh('out')], { QUORATE_CLUSTERS: JSON.stringify([{ id: 'old', source: 'pve', api: { replay: FIXTURE } }]) });
    expect(replay.code).toBe(1);
    expect(replay.err).toMatch(/replays .*healthy already/);
  });

  it('a broken QUORATE_CLUSTERS: exit 1 with the BFF’s own message', async () => {
    const r = await pve(['record', '--cluster', 'x', '--out', fresh('out')], { QUORATE_CLUSTERS: '[{"id":"x"' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/QUORATE_CLUSTERS: not valid JSON/);
  });
});

describe('npm run pve -- record against a fake Proxmox API (127.0.0.1)', () => {
  it('a QUORATE_CLUSTERS entry with tokenSecretFile: a directory without the secret that snapshot replays to the live snapshot', async () => {
    const secretFile = join(tmp, 'token');
    writeFileSync(secretFile, `${SECRET}\n`);
    chmodSync(secretFile, 0o600);
    const entry = { id: 'prod', name: 'Prod', source: 'pve', api: api({ tokenSecretFile: secretFile }) };
    const out = fresh('rec');
    const r = await pve(['record', '--cluster', 'prod', '--out', out], { QUORATE_CLUSTERS: JSON.stringify([entry]) });
    expect(r.err).not.toMatch(/^pve:/m);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^cluster__status\.json\t200 OK\t\d+ bytes$/m);
    expect(r.out.split('\n').at(-1)).toBe(`attach ${out} to your bug report; no secret is in it (checked)`);
    for (const f of readdirSync(out)) expect(readFileSync(join(out, f), 'utf8')).not.toContain(SECRET);
    expect(readFileSync(join(out, 'cluster__status.json'), 'utf8')).toBe(readFileSync(join(FIXTURE, 'cluster__status.json'), 'utf8'));

    const replayed = await pve(['snapshot', out]);
    expect(replayed.code).toBe(0);
    const live = await observeOnce(new PveClient(transportFor(api({ tokenSecret: SECRET }))), { clusterId: 'prod', name: 'Prod' });
    expect(timeless(replayed.out)).toEqual(timeless(JSON.stringify(live.snapshot)));

    // again into the same directory: refused, then --force
    expect((await pve(['record', '--cluster', 'prod', '--out', out], { QUORATE_CLUSTERS: JSON.stringify([entry]) })).err).toMatch(/not empty/);
    expect((await pve(['record', '--cluster', 'prod', '--out', out, '--force', '--polls', '2'], { QUORATE_CLUSTERS: JSON.stringify([entry]) })).code).toBe(0);
  });

  it('a cluster added through the API: found in the store, its secret decrypted, not in the directory', async () => {
    const dataDir = fresh('data');
    const store = await openStore({ dataDir });
    await store.clusters.save({ id: 'edge', name: 'Edge', kind: 'pve', isDefault: false, settings: { api: api() }, secrets: { 'api.tokenSecret': SECRET } });
    await store.close();
    const out = fresh('rec');
    const r = await pve(['record', '--cluster', 'edge', '--out', out], { QUORATE_DATA_DIR: dataDir, QUORATE_CLUSTERS: JSON.stringify([{ id: 'lab', source: 'sim' }]) });
    expect(r.err).not.toMatch(/^pve:/m);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, '_quorate-record.json'), 'utf8'))).toMatchObject({ clusterId: 'edge', name: 'Edge' });
    for (const f of readdirSync(out)) expect(readFileSync(join(out, f), 'utf8')).not.toContain(SECRET);
  });
});
