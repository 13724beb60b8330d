// Security headers: HSTS only on secure requests (TLS served here, or a trusted proxy saying https), the
// CSP's socket origin follows the scheme (wss under TLS, ws over http), and /api answers are never cached.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { get } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createServer, type QuorateServer } from './app';
import { bearerFetch, simCluster, startFake, tempDataDir, testConfig, type Harness } from './testing/harness';

const HSTS = 'max-age=31536000';
const connectSrc = (csp: string | null | undefined) => /(?:^|;)\s*connect-src ([^;]*)/.exec(csp ?? '')?.[1]?.trim() ?? '';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('served over TLS', () => {
  const dir = tempDataDir();
  let server: QuorateServer | null = null;
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function httpsGet(url: string): Promise<IncomingHttpHeaders> {
    return new Promise((resolve, reject) => {
      get(url, { rejectUnauthorized: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      }).on('error', reject);
    });
  }

  it('sends HSTS (one year, no includeSubDomains, no preload) and allows only wss:// of its own host', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const config = { ...testConfig([simCluster('lab-cluster', 'lab-cluster', true)], '/nonexistent', join(dir, 'data')), tls: { certFile: cert, keyFile: key } };
    server = await createServer(config, { logger: pino({ level: 'silent' }) });
    const { url, port } = await server.start();
    for (const path of ['/api/v1/auth/state', '/healthz', '/']) {
      const headers = await httpsGet(`${url}${path}`);
      expect(headers['strict-transport-security'], path).toBe(HSTS);
      expect(connectSrc(headers['content-security-policy'] as string), path).toBe(`'self' wss://127.0.0.1:${port}`);
    }
  });
});

describe('plain http', () => {
  it('no HSTS; the socket origin is ws:// of the host only', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab-cluster', true)]);
    const host = new URL(h.url).host;
    for (const path of ['/api/v1/auth/state', '/healthz']) {
      const res = await fetch(`${h.url}${path}`);
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
      expect(connectSrc(res.headers.get('content-security-policy')), path).toBe(`'self' ws://${host}`);
    }
    // an untrusted X-Forwarded-Proto changes nothing
    const spoofed = await fetch(`${h.url}/api/v1/auth/state`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
    expect(connectSrc(spoofed.headers.get('content-security-policy'))).toBe(`'self' ws://${host}`);
  });
});

describe('behind a trusted TLS proxy', () => {
  it('follows X-Forwarded-Proto: https gets HSTS and wss://, http neither', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab-cluster', true)], {}, { config: { trustProxy: ['loopback'] } });
    const host = new URL(h.url).host;
    const secure = await fetch(`${h.url}/api/v1/auth/state`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(secure.headers.get('strict-transport-security')).toBe(HSTS);
    expect(connectSrc(secure.headers.get('content-security-policy'))).toBe(`'self' wss://${host}`);
    const plain = await fetch(`${h.url}/api/v1/auth/state`, { headers: { 'x-forwarded-proto': 'http' } });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect(connectSrc(plain.headers.get('content-security-policy'))).toBe(`'self' ws://${host}`);
  });
});

describe('Cache-Control on /api', () => {
  it('every /api answer says no-store: data, errors, refusals, unknown routes', async () => {
    h = await startFake([simCluster('lab-cluster', 'lab-cluster', true)]);
    const cases: [string, string | null, number][] = [
      ['/api/v1/clusters', h.tokens.viewer, 200],
      ['/api/v1/snapshot', h.tokens.viewer, 200],
      ['/api/v1/events?since=0', h.tokens.viewer, 200],
      ['/api/v1/history', h.tokens.viewer, 200],
      ['/api/v1/tokens', h.tokens.admin, 200],
      ['/api/v1/clusters', null, 401],
      ['/api/v1/users', h.tokens.viewer, 403],
      ['/api/v1/snapshot?cluster=nope', h.tokens.viewer, 404],
      ['/api/v1/no-such-route', h.tokens.viewer, 404],
      ['/api/other', null, 404],
    ];
    for (const [path, token, status] of cases) {
      const res = await bearerFetch(`${h.url}${path}`, token);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    const bad = await bearerFetch(`${h.url}/api/v1/sim/faults`, h.tokens.operator, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('cache-control')).toBe('no-store');
  });
});
