// Contract tests over real HTTPS against a fake Proxmox API on 127.0.0.1 (test code only; no other address):
// token header, 401/403/595, timeouts, failover to the second URL, a pinned fingerprint accepted, a mismatch
// refused with both fingerprints (and the token never sent), a CA file (pve-root-ca.pem) accepted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PveClient } from './client';
import { pveKind } from './kind';
import { PveSource } from './source';
import { closedPortUrl, openssl as opensslIn, selfSignedCert, silentServer } from './tls.test-helper';
import { HttpsTransport, PveError, probeCertificate, tokenAuthorizer, type Trust } from './transport';

const TOKEN_ID = 'quorate@pve!dashboard';
const SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';
const STATUS = readFileSync(join(import.meta.dirname, 'fixtures/healthy/cluster__status.json'), 'utf8');

let dir: string;
const pem = (name: string) => readFileSync(join(dir, name), 'utf8');
const openssl = (...args: string[]) => opensslIn(dir, ...args);

interface Fake {
  url: string;
  requests: { path: string; auth: string | undefined }[];
  close: () => Promise<void>;
}

/** a fake pveproxy: the healthy status, 403 on resources, 595 for node pve3, no reply on nodes/slow/... */
async function fakePve(key: string, cert: string): Promise<Fake> {
  const requests: Fake['requests'] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    const auth = req.headers.authorization;
    requests.push({ path: req.url ?? '', auth });
    if (auth !== `PVEAPIToken=${TOKEN_ID}=${SECRET}`) {
      res.writeHead(401, auth === undefined || !auth.startsWith('PVEAPIToken=') ? 'No ticket' : 'authentication failure');
      return res.end(); // PVE: empty 401 body
    }
    const path = (req.url ?? '').replace(/^\/api2\/json\//, '');
    if (path === 'cluster/status') {
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
      return res.end(STATUS);
    }
    if (path === 'cluster/resources') {
      res.writeHead(403, 'Permission check failed (/storage, Datastore.Audit)');
      return res.end('{"data":null}'); // pre-5.2.0: the text only in the status line
    }
    if (path === 'nodes/pve3/status') {
      res.writeHead(595, 'Errors during connection establishment, proxy handshake: No route to host');
      return res.end();
    }
    if (path.startsWith('nodes/slow')) return; // an inquorate cluster hangs calls
    res.writeHead(404, 'Not Found');
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

let selfSigned: Fake;
let caSigned: Fake;
let selfFp: string;
let otherFp: string;
let caFile: string;
/** a port nothing listens on */
let refusedUrl: string;
/** accepts TCP, never speaks TLS */
let silent: Awaited<ReturnType<typeof silentServer>>;
let silentUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-pve-tls-'));
  const san = 'subjectAltName=IP:127.0.0.1';
  const self = selfSignedCert(dir, 'self', 'pve1.lab');
  otherFp = selfSignedCert(dir, 'other', 'impostor').fingerprint;
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'pve-root-ca.pem', '-days', '2', '-subj', '/CN=Proxmox Virtual Environment/OU=test/O=PVE Cluster Manager CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=pve2.lab');
  writeFileSync(join(dir, 'ext.cnf'), `${san}\n`);
  openssl('x509', '-req', '-in', 'node.csr', '-CA', 'pve-root-ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'node.pem', '-days', '2', '-extfile', 'ext.cnf');
  selfSigned = await fakePve(self.key, self.cert);
  caSigned = await fakePve(pem('node.key'), pem('node.pem'));
  selfFp = self.fingerprint;
  caFile = join(dir, 'pve-root-ca.pem');
  refusedUrl = await closedPortUrl();
  silent = await silentServer();
  silentUrl = silent.url;
});

afterAll(async () => {
  await selfSigned?.close();
  await caSigned?.close();
  await silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (targets: { url: string; trust: Trust }[], secret = SECRET, timeoutMs = 1500) =>
  new PveClient(new HttpsTransport({ targets, auth: tokenAuthorizer(TOKEN_ID, () => secret), timeoutMs }));
const pinned = (url: string, fingerprint = selfFp): { url: string; trust: Trust } => ({ url, trust: { kind: 'fingerprint', fingerprint } });
const failure = async (p: Promise<unknown>): Promise<PveError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PveError);
    return err as PveError;
  }
  throw new Error('expected a failure');
};

describe('pve client over HTTPS (fake API on 127.0.0.1)', () => {
  it('a pinned fingerprint is accepted; the token goes in the PVEAPIToken header', async () => {
    const data = await client([pinned(selfSigned.url)]).get('cluster/status');
    expect(Array.isArray(data)).toBe(true);
    expect(selfSigned.requests.at(-1)).toEqual({ path: '/api2/json/cluster/status', auth: `PVEAPIToken=${TOKEN_ID}=${SECRET}` });
  });

  it('a pin in lower case without colons is the same pin', async () => {
    await expect(client([pinned(selfSigned.url, selfFp.replace(/:/g, '').toLowerCase())]).get('cluster/status')).resolves.toBeDefined();
  });

  it('a fingerprint mismatch is refused with both fingerprints, and the token is never sent', async () => {
    const before = selfSigned.requests.length;
    const e = await failure(client([pinned(selfSigned.url, otherFp)]).get('cluster/status'));
    expect(e.kind).toBe('tls-mismatch');
    expect(e.message).toContain(`expected ${otherFp}`);
    expect(e.message).toContain(`presented ${selfFp}`);
    expect(selfSigned.requests.length).toBe(before);
  });

  it('first contact (nothing pinned): the certificate is shown, nothing is sent', async () => {
    const before = selfSigned.requests.length;
    const e = await failure(client([{ url: selfSigned.url, trust: { kind: 'none' } }]).get('cluster/status'));
    expect(e.kind).toBe('tls-untrusted');
    expect(e.message).toContain(selfFp);
    expect(selfSigned.requests.length).toBe(before);
    const cert = await probeCertificate(selfSigned.url);
    expect(cert).toMatchObject({ fingerprint: selfFp, subject: expect.stringContaining('CN=pve1.lab') });
  });

  it('a CA file (pve-root-ca.pem) is accepted for a node it signed, refused for a self-signed one', async () => {
    await expect(client([{ url: caSigned.url, trust: { kind: 'ca', ca: pem('pve-root-ca.pem') } }]).get('cluster/status')).resolves.toBeDefined();
    const e = await failure(client([{ url: selfSigned.url, trust: { kind: 'ca', ca: pem('pve-root-ca.pem') } }]).get('cluster/status'));
    expect(e.kind).toBe('tls');
  });

  it('401 (empty body): wrong token or missing PVEAPIToken= prefix', async () => {
    const e = await failure(client([pinned(selfSigned.url)], 'wrong').get('cluster/status'));
    expect(e.detail.status).toBe(401);
    expect(e.message).toMatch(/^401 authentication failure .*wrong token or missing PVEAPIToken= prefix/);
  });

  it('403 with the text only in the status line: names the missing privilege', async () => {
    const e = await failure(client([pinned(selfSigned.url)]).get('cluster/resources'));
    expect(e.message).toMatch(/^403 Permission check failed \(\/storage, Datastore\.Audit\) \(GET \/cluster\/resources\): the token needs Datastore\.Audit/);
  });

  it('595: that node is unreachable, not the cluster (no failover)', async () => {
    const e = await failure(client([pinned(selfSigned.url)]).get('nodes/pve3/status'));
    expect(e.detail.status).toBe(595);
    expect(e.message).toMatch(/node pve3 is unreachable from the answering node/);
  });

  it('a hard timeout on a call that hangs', async () => {
    const t0 = Date.now();
    const e = await failure(client([pinned(selfSigned.url)], SECRET, 400).get('nodes/slow/status'));
    expect(e.kind).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('a proxied call that times out blames the target node: no failover, the URL not backed off', async () => {
    // the second URL is a node that would answer (the old behaviour tried it: a request there)
    const c = client([pinned(selfSigned.url), { url: caSigned.url, trust: { kind: 'ca', ca: pem('pve-root-ca.pem') } }], SECRET, 400);
    const before = caSigned.requests.length;
    const e = await failure(c.get('nodes/slow/status'));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/^node slow did not answer through https:\/\/127\.0\.0\.1:\d+ in time/);
    expect(caSigned.requests.length).toBe(before);
    expect((c.transport as HttpsTransport).currentUrl).toBe(selfSigned.url);
    // a URL that hangs on a cluster-wide call is the URL's fault: failover as before
    const silentFirst = client([pinned(silentUrl), pinned(selfSigned.url)], SECRET, 400);
    await expect(silentFirst.get('nodes/pve1/status')).rejects.toMatchObject({ detail: { status: 404 } });
  });

  it('fails over to the second URL when the first refuses, then keeps using the one that answered', async () => {
    const c = client([pinned(refusedUrl), pinned(selfSigned.url)]);
    await expect(c.get('cluster/status')).resolves.toBeDefined();
    expect((c.transport as HttpsTransport).currentUrl).toBe(selfSigned.url);
  });

  it('fails over when the first URL accepts but never answers (timeout)', async () => {
    const c = client([pinned(silentUrl), pinned(selfSigned.url)], SECRET, 400);
    await expect(c.get('cluster/status')).resolves.toBeDefined();
  });

  it('every URL down: one error naming each (refused, timeout)', async () => {
    const e = await failure(client([pinned(refusedUrl), pinned(silentUrl)], SECRET, 400).get('cluster/status'));
    expect(e.message).toMatch(/connection refused/);
    expect(e.message).toMatch(/no reply within 0.4 s/);
  });

  it('the kind end to end: settings → source; health down with the mismatch, ok with the pin', async () => {
    const log: string[] = [];
    const ctx = { clusterId: 'prod', name: 'Prod', log: (l: string) => log.push(l) };
    const bad = pveKind.settings.parse({ api: { urls: [selfSigned.url], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint: otherFp } });
    const down = pveKind.create(bad, ctx) as PveSource;
    await down.tick();
    expect(down.health()).toMatchObject({ state: 'down', message: expect.stringContaining(`presented ${selfFp}`) });
    // structured too: the Admin page shows both side by side and offers to trust the new one
    expect(down.health().certificate).toEqual({ url: selfSigned.url, pinned: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/), presented: selfFp });
    expect(down.health().certificate?.pinned).not.toBe(selfFp);
    const good = pveKind.settings.parse({ api: { urls: [refusedUrl, selfSigned.url], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint: { [refusedUrl]: selfFp, [selfSigned.url]: selfFp } } });
    const up = pveKind.create(good, ctx) as PveSource;
    await up.tick();
    expect(up.health().state).toBe('degraded'); // the fake answers 403 on /cluster/resources
    expect(up.current()?.quorum).toMatchObject({ quorate: true, expectedVotes: 4 });
    const ca = pveKind.create(pveKind.settings.parse({ api: { urls: [caSigned.url], tokenId: TOKEN_ID, tokenSecret: SECRET, caFile } }), ctx) as PveSource;
    await ca.tick();
    expect(ca.current()?.nodes).toHaveLength(4);
  });
});

describe('pve kind settings', () => {
  const base = { urls: ['https://10.0.0.1:8006'], tokenId: TOKEN_ID, tokenSecret: SECRET };
  it('takes the token secret out and puts it back', () => {
    const s = pveKind.settings.parse({ api: base });
    const { settings, secrets } = pveKind.takeSecrets(s);
    expect(secrets).toEqual({ 'api.tokenSecret': SECRET });
    expect(JSON.stringify(settings)).not.toContain(SECRET);
    expect(pveKind.giveSecrets(settings, secrets)).toEqual(s);
  });
  it.each([
    ['no secret', { urls: base.urls, tokenId: TOKEN_ID }, /tokenSecret/],
    ['a bad token id', { ...base, tokenId: 'root@pam' }, /USER@REALM!TOKENID/],
    ['http', { ...base, urls: ['http://10.0.0.1:8006'] }, /urls/],
    ['a bad fingerprint', { ...base, fingerprint: 'AB:CD' }, /32 bytes/],
    ['both fingerprint and caFile', { ...base, fingerprint: 'AB'.repeat(32), caFile: '/x' }, /either fingerprint or caFile/],
    ['replay and urls', { ...base, replay: '/x' }, /either replay or urls/],
  ])('refuses %s', (_, api, msg) => {
    const r = pveKind.settings.safeParse({ api });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(msg);
  });
  it('check: a token secret file others can read, a missing CA file', () => {
    const d = mkdtempSync(join(tmpdir(), 'quorate-pve-kind-'));
    const f = join(d, 'secret');
    writeFileSync(f, SECRET, { mode: 0o644 });
    const issues = pveKind.check(pveKind.settings.parse({ api: { urls: base.urls, tokenId: TOKEN_ID, tokenSecretFile: f, caFile: join(d, 'none.pem') } }));
    expect(issues.map((i) => i.path.join('.'))).toEqual(['api.caFile', 'api.tokenSecretFile']);
    expect(issues[1]!.message).toMatch(/chmod 600/);
    rmSync(d, { recursive: true, force: true });
  });
});
