// deploy/nginx/quorate.conf against the real thing: Debian's nginx runs that very file (its marked lines swapped
// for loopback ports, a test name and a throwaway certificate) in front of a sim BFF started as the file says
// (QUORATE_TRUST_PROXY=loopback). Through it: TLS with the certificate, /healthz, a sign-in whose cookie is
// Secure because the proxy said https, and the live feed over a websocket upgrade.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import WebSocket, { type ClientOptions } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuorateServer } from './app';
import { startSimServer, tempDataDir } from './testing/harness';

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const exampleFile = join(root, 'deploy/nginx/quorate.conf');
const NGINX = '/usr/sbin/nginx';
const HOST = 'quorate.test';
const PASSWORD = 'proxy-test-password-1';
/** nginx starts in well under a second; a slow machine gets this long */
const START_TIMEOUT_MS = 10_000;

const hasNginx = (() => {
  try {
    accessSync(NGINX, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();
const isRoot = process.getuid?.() === 0;
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

/** the example with each marked line swapped; every marker must be there exactly once (the file must not drift) */
function configure(example: string, values: Record<string, string>): string {
  let out = example;
  for (const [marker, line] of Object.entries(values)) {
    const re = new RegExp(`^.*# ${marker}$`, 'gm');
    const hits = out.match(re) ?? [];
    if (hits.length !== 1) throw new Error(`deploy/nginx/quorate.conf: marker '# ${marker}' found ${hits.length} times, expected once`);
    out = out.replace(re, `    ${line}`);
  }
  return out;
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
  let nginx: ChildProcess | null = null;
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
    const site = configure(readFileSync(exampleFile, 'utf8'), {
      'quorate-upstream': `server 127.0.0.1:${bffPort};`,
      'quorate-listen': `listen 127.0.0.1:${httpsPort} ssl;`,
      'quorate-server-name': `server_name ${HOST};`,
      'quorate-cert': `ssl_certificate ${cert};`,
      'quorate-key': `ssl_certificate_key ${key};`,
      'quorate-listen-http': `listen 127.0.0.1:${httpPort};`,
      'quorate-server-name-http': `server_name ${HOST};`,
    });
    writeFileSync(join(dir, 'quorate.conf'), site);
    // the main file Debian's /etc/nginx/nginx.conf would be: everything in the temp dir, the site included
    const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join('\n  ');
    writeFileSync(
      join(dir, 'nginx.conf'),
      `${isRoot ? 'user root;\n' : ''}daemon off;\nworker_processes 1;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')} warn;\nevents { worker_connections 128; }\nhttp {\n  access_log off;\n  ${temps}\n  include ${join(dir, 'quorate.conf')};\n}\n`,
    );
    const args = ['-p', dir, '-c', join(dir, 'nginx.conf')];
    await run(NGINX, ['-t', ...args]).catch((err: { stderr?: string }) => {
      throw new Error(`nginx -t refused the example: ${err.stderr ?? String(err)}`);
    });
    nginx = spawn(NGINX, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    nginx.stderr!.on('data', (d) => (stderr += String(d)));
    for (const until = Date.now() + START_TIMEOUT_MS; ; ) {
      const up = await viaProxy('/healthz').then(
        () => true,
        () => false,
      );
      if (up) break;
      if (Date.now() > until || nginx.exitCode !== null) {
        const log = (() => {
          try {
            return readFileSync(join(dir, 'error.log'), 'utf8');
          } catch {
            return '';
          }
        })();
        throw new Error(`nginx did not answer within ${START_TIMEOUT_MS} ms: ${stderr}${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 30_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx!.once('exit', r));
    }
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
