// deploy/nginx/quorate.conf against the real thing: Debian's nginx runs that very file (its marked lines swapped
// for loopback ports, a test name and a throwaway certificate) in front of a sim BFF started as the file says
// (QUORATE_TRUST_PROXY=loopback). Through it: TLS with the certificate, /healthz, a sign-in whose cookie is
// Secure because the proxy said https, and the live feed over a websocket upgrade.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket, { type ClientOptions } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuorateServer } from './app';
import { startSimServer, tempDataDir } from './testing/harness';
import { configureExample, hasNginx, isRoot, startNginx, type Nginx } from './testing/nginx';

const run = promisify(execFile);
const HOST = 'quorate.test';
const PASSWORD = 'proxy-test-password-1';

// scripts/test.sh installs it as root; only without both is a skip honest
const skip = !hasNginx && !isRoot;
if (skip) console.warn("nginx tests skipped: nginx is not installed and this is not root (as root, scripts/test.sh installs Debian's nginx)");

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe.skipIf(skip)('deploy/nginx/quorate.conf in front of the BFF', () => {
  let dir = '';
  let ca = '';
  let bff: { server: QuorateServer; url: string };
  let nginx: Nginx | null = null;
  let httpsPort = 0;
  let httpPort = 0;

  /** an HTTPS request to the proxy, as a browser on https://quorate.test would send it (the certificate checked) */
  const viaProxy = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> =>
    new Promise((ok, fail) => {
      const body = init.body === undefined ? undefined : JSON.stringify(init.body);
      const req = request(
        {
          host: '127.0.0.1',
          port: httpsPort,
          path,
          method: init.method ?? 'GET',
          servername: HOST,
          ca,
          headers: { host: HOST, ...(body ? { 'content-type': 'application/json' } : {}), ...init.headers },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += String(d)));
          res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', fail);
      req.end(body);
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quorate-nginx-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`]);
    ca = readFileSync(cert, 'utf8');

    // the BFF as the example's header says: loopback, trusting the proxy, the public origin allowed
    bff = await startSimServer(tempDataDir(), { QUORATE_TRUST_PROXY: 'loopback', QUORATE_ALLOWED_ORIGINS: `https://${HOST}`, QUORATE_ADMIN_PASSWORD: PASSWORD });
    const bffPort = new URL(bff.url).port;
    httpsPort = await freePort();
    httpPort = await freePort();
    const site = configureExample({
      'quorate-upstream': `server 127.0.0.1:${bffPort};`,
      'quorate-listen': `listen 127.0.0.1:${httpsPort} ssl;`,
      'quorate-server-name': `server_name ${HOST};`,
      'quorate-cert': `ssl_certificate ${cert};`,
      'quorate-key': `ssl_certificate_key ${key};`,
      'quorate-listen-http': `listen 127.0.0.1:${httpPort};`,
      'quorate-server-name-http': `server_name ${HOST};`,
    });
    nginx = await startNginx(dir, site, () => viaProxy('/healthz').then(() => true));
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop();
    await bff?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('nginx -t accepts the example; /healthz answers through TLS with the certificate checked', async () => {
    const r = await viaProxy('/healthz');
    expect(r.status).toBe(200);
  });

  it('plain HTTP redirects to https', async () => {
    const r = await new Promise<{ status: number; location: string | undefined }>((ok, fail) => {
      const req = httpRequest({ host: '127.0.0.1', port: httpPort, path: '/x?y=1', headers: { host: HOST } }, (res) => {
        res.resume();
        ok({ status: res.statusCode ?? 0, location: res.headers.location });
      });
      req.on('error', fail);
      req.end();
    });
    expect(r.status).toBe(301);
    expect(r.location).toBe(`https://${HOST}/x?y=1`);
  });

  it('a sign-in through the proxy gets a Secure cookie and HSTS (the BFF trusts X-Forwarded-Proto from it); directly over HTTP it does not', async () => {
    const login = { method: 'POST', body: { username: 'admin', password: PASSWORD }, headers: { origin: `https://${HOST}` } };
    const proxied = await viaProxy('/api/v1/auth/login', login);
    expect(proxied.status, proxied.body).toBe(200);
    const cookies = [proxied.headers['set-cookie'] ?? []].flat();
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/;\s*Secure/i);
    expect(proxied.headers['strict-transport-security']).toBeDefined();

    const direct = await fetch(`${bff.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: bff.url }, body: JSON.stringify(login.body) });
    expect(direct.status).toBe(200);
    for (const c of direct.headers.getSetCookie()) expect(c).not.toMatch(/;\s*Secure/i);
  });

  it('the live feed: a websocket upgrades through the proxy, subscribes and receives the snapshot', async () => {
    const signedIn = await viaProxy('/api/v1/auth/login', { method: 'POST', body: { username: 'admin', password: PASSWORD }, headers: { origin: `https://${HOST}` } });
    const cookie = [signedIn.headers['set-cookie'] ?? []]
      .flat()
      .map((c) => c.split(';')[0])
      .join('; ');
    // servername reaches tls.connect (SNI and the name checked), which ws's own types leave out
    const options: ClientOptions & { servername: string } = { headers: { host: HOST, origin: `https://${HOST}`, cookie }, ca, servername: HOST };
    const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/socket.io/?EIO=4&transport=websocket`, options);
    let upgraded = 0;
    ws.on('upgrade', (res) => (upgraded = res.statusCode ?? 0));
    const seen = await new Promise<{ ack: string; snapshot: string }>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('no snapshot through the proxy within 10 s')), 10_000);
      let ack = '';
      ws.on('error', fail);
      ws.on('message', (raw) => {
        const m = raw.toString();
        if (m.startsWith('0')) ws.send('40');
        else if (m.startsWith('40')) ws.send('421["subscribe",{}]');
        else if (m.startsWith('431')) ack = m;
        else if (m.startsWith('42["snapshot"')) {
          clearTimeout(timer);
          ok({ ack, snapshot: m });
        } else if (m === '2') ws.send('3');
      });
    });
    ws.terminate();
    expect(upgraded).toBe(101);
    expect(seen.ack).toContain('"ok":true');
    const [, msg] = JSON.parse(seen.snapshot.slice(2)) as [string, { snapshot: { nodes: unknown[] } }];
    expect(msg.snapshot.nodes.length).toBe(3);
  });
});
