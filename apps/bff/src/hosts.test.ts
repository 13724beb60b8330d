// Issue 7 item 3: DNS rebinding. A page on evil.example (rebound to 127.0.0.1) sends Host and Origin
// both naming evil.example: same-origin by the origin check alone, refused by the Host allow-list.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { hostChecker, hostOf } from './auth/hosts';
import { TestClient, simCluster, startFake, type Harness } from './testing/harness';

let h: Harness | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h?.close();
  h = null;
});

/** a raw request with the Host header we choose (fetch does not let us set it) */
function raw(url: string, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('hostOf', () => {
  it('takes the host of a Host header: lower case, no port, brackets, zone or trailing dot', () => {
    expect(hostOf('Quorate.LAN:8080')).toBe('quorate.lan');
    expect(hostOf('[::1]:8080')).toBe('::1');
    expect(hostOf('[fe80::1%25eth0]')).toBe('fe80::1');
    expect(hostOf('example.org.')).toBe('example.org');
    expect(hostOf('10.0.0.5')).toBe('10.0.0.5');
    expect(hostOf('a:b:c')).toBeNull();
    expect(hostOf('[::1]x')).toBeNull();
    expect(hostOf('')).toBeNull();
  });
});

describe('hostChecker', () => {
  const check = (allowedHosts: string[] = [], extra: Partial<Parameters<typeof hostChecker>[0]> = {}) =>
    hostChecker(
      { allowedHosts, allowedOrigins: ['https://quorate.example.org'], trustProxy: false, listenHost: '0.0.0.0', ...extra },
      { interfaces: () => new Set(['10.1.2.3', 'fd00::5']), hostname: () => 'dash.home.arpa' },
    );
  const ok = (c: ReturnType<typeof check>, host: string) => c({ host });

  it('allows loopback, the machine’s addresses and names, allowed origins’ hosts and QUORATE_ALLOWED_HOSTS', () => {
    const c = check(['quorate.lan']);
    for (const host of ['127.0.0.1:8080', 'localhost', 'app.localhost:5173', '[::1]:8080', '10.1.2.3:8080', '[fd00::5]', 'dash.home.arpa', 'dash', 'dash.local', 'quorate.example.org', 'quorate.lan:8080', 'QUORATE.LAN'])
      expect(ok(c, host), host).toBeNull();
    // no Host at all: not a browser
    expect(c({})).toBeNull();
  });

  it('refuses any other name or address, naming the variable', () => {
    const c = check();
    for (const host of ['evil.example', 'evil.example:8080', '10.1.2.4', 'localhost.evil.example', '127.0.0.1.nip.io', 'quorate.lan'])
      expect(ok(c, host), host).toMatch(/not allowed \(DNS rebinding protection\).*QUORATE_ALLOWED_HOSTS/);
  });

  it("'*' accepts any host; behind a trusted proxy X-Forwarded-Host is checked too", () => {
    expect(check(['*'])({ host: 'evil.example' })).toBeNull();
    const proxied = check([], { trustProxy: true });
    expect(proxied({ host: '127.0.0.1:8080', 'x-forwarded-host': 'quorate.example.org' })).toBeNull();
    expect(proxied({ host: '127.0.0.1:8080', 'x-forwarded-host': 'evil.example' })).toMatch(/evil\.example/);
  });
});

describe('the server refuses a rebound host everywhere', () => {
  it('first-run setup from a rebound page is refused and creates no admin; static files and sockets too', async () => {
    h = await startFake([simCluster('c1', 'c1', true)]);
    const port = new URL(h.url).port;
    const evil = { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' };
    const setup = await raw(h.url, '/api/v1/auth/setup', evil, 'POST', JSON.stringify({ username: 'attacker', password: 'attacker-password' }));
    expect(setup.status).toBe(403);
    expect(JSON.parse(setup.text)).toEqual({ error: expect.stringMatching(/host 'evil\.example' is not allowed.*QUORATE_ALLOWED_HOSTS/) });
    expect(await h.server.store.users.count()).toBe(0);
    expect((await raw(h.url, '/', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await raw(h.url, '/healthz', { host: `evil.example:${port}` })).status).toBe(403);

    // the same request on our own name works
    const mine = await raw(h.url, '/api/v1/auth/setup', { ...evil, host: `localhost:${port}`, origin: `http://localhost:${port}` }, 'POST', JSON.stringify({ username: 'admin', password: 'admin-password' }));
    expect(mine.status).toBe(201);

    const c = new TestClient(h.url, { token: h.tokens.viewer, headers: { host: `evil.example:${port}` } });
    clients.push(c);
    const err = await new Promise<Error>((resolve) => c.socket.once('connect_error', resolve));
    expect(err.message).toMatch(/not allowed \(DNS rebinding protection\)/);
  });

  it('QUORATE_ALLOWED_HOSTS lets a name through', async () => {
    h = await startFake([simCluster('c1', 'c1', true)], {}, { config: { allowedHosts: ['quorate.lan'] } });
    const port = new URL(h.url).port;
    expect((await raw(h.url, '/healthz', { host: `quorate.lan:${port}` })).status).toBe(200);
  });
});
