// "Test" a pve cluster against a fake Proxmox API over HTTPS on 127.0.0.1 (openssl-made certificates):
// every failure is explained in words — DNS (a name under .invalid: never resolves, RFC 2606), refused
// (a closed loopback port), timeout (a loopback server that never answers), first contact (the certificate
// to accept), a mismatch (both fingerprints), 401 (the PVEAPIToken hint), 403 (the privilege), the token's
// own privileges (/access/permissions: missing ones named, VM.Audit only a warning) — and the
// token is never sent to an untrusted certificate.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from './connect-test';
import { closedPortUrl, selfSignedCert, silentServer } from './tls.test-helper';

const TOKEN_ID = 'quorate@pve!dashboard';
const SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';
/** a token without Sys.Audit on / */
const AUDITLESS = '00000000-1d2e-4b7e-9a51-3c0f1e2d4a5b';
/** a token without Datastore.Audit */
const NO_STORAGE = '11111111-1d2e-4b7e-9a51-3c0f1e2d4a5b';
/** a token without VM.Audit (guests filtered silently) */
const NO_VMS = '22222222-1d2e-4b7e-9a51-3c0f1e2d4a5b';
/** a token on a server whose /access/permissions answers something else than the map */
const ODD_PERMS = '33333333-1d2e-4b7e-9a51-3c0f1e2d4a5b';

/** GET /access/permissions as pve-access-control answers it: path → {privilege: propagate} */
function permissionsOf(secret: string): Record<string, Record<string, number>> {
  const all = { 'Sys.Audit': 1, 'Datastore.Audit': 1, 'VM.Audit': 1 };
  const drop = (o: Record<string, number>, priv: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== priv));
  if (secret === AUDITLESS) return { '/storage': { 'Datastore.Audit': 1 }, '/vms': { 'VM.Audit': 1 }, '/nodes/pve1': { 'Sys.Audit': 1 } };
  if (secret === NO_STORAGE) return { '/': drop(all, 'Datastore.Audit'), '/nodes': { 'Sys.Audit': 1 }, '/storage': {}, '/vms': { 'VM.Audit': 1 } };
  if (secret === NO_VMS) return { '/': drop(all, 'VM.Audit'), '/nodes': { 'Sys.Audit': 1 }, '/storage': { 'Datastore.Audit': 1 }, '/vms': {}, '/vms/100': { 'VM.Audit': 0 } };
  return { '/': all, '/nodes': { 'Sys.Audit': 1 }, '/storage': { 'Datastore.Audit': 1 }, '/vms': { 'VM.Audit': 1 } };
}
const STATUS = readFileSync(join(import.meta.dirname, 'fixtures/healthy/cluster__status.json'), 'utf8');

let dir: string;
let server: https.Server;
let url: string;
let fp: string;
let otherFp: string;
let refusedUrl: string;
let silent: Awaited<ReturnType<typeof silentServer>>;
let silentUrl: string;
const requests: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-pve-connect-'));
  const self = selfSignedCert(dir, 'self', 'pve1.lab');
  fp = self.fingerprint;
  otherFp = selfSignedCert(dir, 'other', 'impostor').fingerprint;
  server = https.createServer({ key: self.key, cert: self.cert }, (req, res) => {
    const auth = req.headers.authorization ?? '';
    requests.push(auth);
    const secret = auth.startsWith(`PVEAPIToken=${TOKEN_ID}=`) ? auth.slice(`PVEAPIToken=${TOKEN_ID}=`.length) : null;
    if (secret === null || ![SECRET, AUDITLESS, NO_STORAGE, NO_VMS, ODD_PERMS].includes(secret)) {
      res.writeHead(401, 'authentication failure');
      return res.end();
    }
    const path = (req.url ?? '').replace(/^\/api2\/json\//, '');
    if (path === 'cluster/status') {
      if (secret === AUDITLESS) {
        res.writeHead(403, 'Permission check failed (/, Sys.Audit)');
        return res.end('{"data":null}');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(STATUS);
    }
    if (path === 'cluster/resources') {
      if (secret === NO_STORAGE) {
        res.writeHead(403, 'Permission check failed (/storage, Datastore.Audit)');
        return res.end('{"data":null}');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"data":[]}');
    }
    if (path === 'access/permissions') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ data: secret === ODD_PERMS ? [] : permissionsOf(secret) }));
    }
    res.writeHead(404, 'Not Found');
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  refusedUrl = await closedPortUrl();
  silent = await silentServer();
  silentUrl = silent.url;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

const api = (over: Record<string, unknown> = {}) => ({ urls: [url], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint: fp, ...over });
const step = (r: Awaited<ReturnType<typeof testConnection>>, name: string) => r.steps.filter((s) => s.name === name);

describe('testConnection (fake PVE API on 127.0.0.1)', () => {
  it('all good: every step ok, the summary, and the secret in no message', async () => {
    const r = await testConnection(api());
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => [s.name, s.ok])).toEqual([
      ['reach', true],
      ['tls', true],
      ['auth', true],
      ['cluster-status', true],
      ['resources', true],
      ['permissions', true],
    ]);
    expect(step(r, 'permissions')[0]).toEqual({ name: 'permissions', ok: true, message: 'the token has Sys.Audit on /, Datastore.Audit on /storage and VM.Audit on /vms' });
    expect(r.summary).toMatchObject({ clusterName: expect.any(String), nodes: 4, quorate: true });
    // each node with the address /cluster/status gives: the SSH section starts from these
    expect(r.summary?.nodeList).toHaveLength(4);
    expect(r.summary?.nodeList).toContainEqual({ name: 'node1', ip: '192.168.1.1' });
    expect(r.certificate).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  it('first contact: the certificate to compare and accept; the token is not sent', async () => {
    const before = requests.length;
    const r = await testConnection(api({ fingerprint: undefined }));
    expect(r.ok).toBe(false);
    expect(r.certificate).toMatchObject({ url, fingerprint: fp, subject: expect.stringContaining('CN=pve1.lab'), issuer: expect.stringContaining('CN=pve1.lab'), validTo: expect.any(String) });
    expect(step(r, 'tls')[0]).toMatchObject({ ok: false, message: expect.stringContaining('not trusted yet') });
    expect(step(r, 'auth')).toEqual([]);
    expect(requests.length).toBe(before);
  });

  it('a TLS mismatch names both fingerprints and shows the presented certificate', async () => {
    const before = requests.length;
    const r = await testConnection(api({ fingerprint: otherFp }));
    expect(r.ok).toBe(false);
    expect(step(r, 'tls')[0]!.message).toContain(`expected ${otherFp}, presented ${fp}`);
    expect(r.certificate?.fingerprint).toBe(fp);
    expect(requests.length).toBe(before);
  });

  it('DNS: a name that does not resolve (.invalid)', async () => {
    const r = await testConnection(api({ urls: ['https://pve1.quorate.invalid:8006'] }));
    expect(r.ok).toBe(false);
    expect(step(r, 'reach')[0]).toMatchObject({ ok: false, message: expect.stringMatching(/pve1\.quorate\.invalid does not resolve \(DNS\)/) });
  });

  it('refused: a closed port', async () => {
    const r = await testConnection(api({ urls: [refusedUrl] }));
    expect(step(r, 'reach')[0]).toMatchObject({ ok: false, message: expect.stringMatching(/connection refused.*8006/) });
  });

  it('timeout: a server that never answers', async () => {
    const r = await testConnection(api({ urls: [silentUrl] }), { timeoutMs: 300 });
    expect(step(r, 'reach')[0]).toMatchObject({ ok: false, message: expect.stringMatching(/no answer in time \(timeout\)/) });
  });

  it('one URL down, another fine: the down one is named, the API is still tested through the other', async () => {
    const r = await testConnection(api({ urls: [refusedUrl, url] }));
    expect(r.ok).toBe(false);
    expect(r.steps.map((s) => [s.name, s.ok])).toEqual([
      ['reach', false],
      ['reach', true],
      ['tls', true],
      ['auth', true],
      ['cluster-status', true],
      ['resources', true],
      ['permissions', true],
    ]);
  });

  it('401: the wrong token, with the PVEAPIToken hint', async () => {
    const r = await testConnection(api({ tokenSecret: 'wrong' }));
    expect(step(r, 'auth')[0]).toMatchObject({ ok: false, message: expect.stringMatching(/^401 .*wrong token or missing PVEAPIToken= prefix/) });
    expect(JSON.stringify(r)).not.toContain('wrong"');
  });

  it('403 on cluster/status names Sys.Audit on /; the permissions step says it too (granted only below /)', async () => {
    const r = await testConnection(api({ tokenSecret: AUDITLESS }));
    expect(step(r, 'auth')[0]!.ok).toBe(true);
    expect(step(r, 'cluster-status')[0]).toMatchObject({ ok: false, message: expect.stringMatching(/^403 .*the token needs Sys\.Audit on \//) });
    expect(step(r, 'permissions')[0]).toMatchObject({ ok: false, message: expect.stringMatching(/^missing Sys\.Audit on \/ \(granted only below it\): cluster status/) });
    expect(step(r, 'permissions')[0]!.warning).toBeUndefined();
  });

  it('VM.Audit missing on /vms: a warning (guests are filtered silently), the test still passes', async () => {
    const r = await testConnection(api({ tokenSecret: NO_VMS }));
    expect(r.ok).toBe(true);
    expect(step(r, 'permissions')[0]).toMatchObject({ ok: true, warning: true, message: expect.stringMatching(/^missing VM\.Audit on \/vms \(granted only below it\): guests are left out .*without an error/) });
    expect(step(r, 'permissions')[0]!.message).not.toMatch(/Sys\.Audit|Datastore\.Audit/);
  });

  it('a reply that is not the privilege map: a warning that nothing was checked, not a failure', async () => {
    const r = await testConnection(api({ tokenSecret: ODD_PERMS }));
    expect(r.ok).toBe(true);
    expect(step(r, 'permissions')[0]).toMatchObject({ ok: true, warning: true, message: expect.stringContaining('could not be read') });
  });

  it('403 on cluster/resources names Datastore.Audit', async () => {
    const r = await testConnection(api({ tokenSecret: NO_STORAGE }));
    expect(r.ok).toBe(false);
    expect(r.summary?.nodes).toBe(4);
    expect(step(r, 'resources')[0]).toMatchObject({ ok: false, message: expect.stringMatching(/^403 .*the token needs Datastore\.Audit/) });
    // all missing privileges at once, not only the first refusal
    expect(step(r, 'permissions')[0]).toMatchObject({ ok: false, message: expect.stringMatching(/^missing Datastore\.Audit on \/storage: storages are left out/) });
  });
});
