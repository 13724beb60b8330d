// The built web app over HTTP: precompressed copies by Accept-Encoding, caching, the SPA fallback.
// Requests go through node:http (fetch would ask for and undo the compression itself).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simCluster, startFake } from './testing/harness';
import { acceptedCodings, chooseVariant, webRouter } from './web';

const SCRIPT = `console.log(${JSON.stringify('quorate '.repeat(400))});\n`;
const STYLE = `body { color: red; }\n${'.x { margin: 0 }\n'.repeat(200)}`;

/** a built app as Vite leaves it: index.html, hashed assets with .br/.gz copies, one asset with .gz only */
function fakeDist(): string {
  const dist = mkdtempSync(join(tmpdir(), 'quorate-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Quorate</title><script type="module" src="/assets/index-abc123.js"></script>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), SCRIPT);
  writeFileSync(join(dist, 'assets', 'index-abc123.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(dist, 'assets', 'index-abc123.js.gz'), gzipSync(SCRIPT));
  writeFileSync(join(dist, 'assets', 'index-def456.css'), STYLE);
  writeFileSync(join(dist, 'assets', 'index-def456.css.gz'), gzipSync(STYLE));
  writeFileSync(join(dist, 'assets', 'tiny-0a1b2c.js'), 'export {};\n');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dist;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web app: precompressed assets', () => {
  let dist: string;
  let server: Server;
  let base: string;
  const js = '/assets/index-abc123.js';

  beforeAll(async () => {
    dist = fakeDist();
    const app = express();
    app.use(webRouter(dist));
    server = await new Promise<Server>((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${addr.port}`;
  });

  afterAll(async () => {
    await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves brotli to a client that accepts it: Content-Encoding br, the script type, Vary', async () => {
    const r = await get(base, js, { 'accept-encoding': 'gzip, deflate, br' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(r.headers['content-length'])).toBe(statSync(join(dist, 'assets', 'index-abc123.js.br')).size);
    expect(r.body.length).toBeLessThan(SCRIPT.length / 4);
    expect(brotliDecompressSync(r.body).toString()).toBe(SCRIPT);
  });

  it('falls back to gzip when brotli is not accepted (or not built)', async () => {
    const r = await get(base, js, { 'accept-encoding': 'gzip, deflate' });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(gunzipSync(r.body).toString()).toBe(SCRIPT);
    const css = await get(base, '/assets/index-def456.css', { 'accept-encoding': 'br, gzip' });
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(gunzipSync(css.body).toString()).toBe(STYLE);
  });

  it('sends the file as it is without Accept-Encoding, still with Vary', async () => {
    const r = await get(base, js);
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers.vary).toMatch(/accept-encoding/i);
    expect(r.body.toString()).toBe(SCRIPT);
  });

  it('never sends a coding the client refused or did not name', async () => {
    const coding = async (accept: string) => (await get(base, js, { 'accept-encoding': accept })).headers['content-encoding'] ?? 'identity';
    expect(await coding('identity')).toBe('identity');
    expect(await coding('deflate')).toBe('identity');
    expect(await coding('br;q=0, gzip')).toBe('gzip');
    expect(await coding('br;q=0, gzip;q=0')).toBe('identity');
    expect(await coding('*;q=0')).toBe('identity');
    expect(await coding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(await coding('gzip;q=0.5, br;q=0.9')).toBe('br');
    // equal weights: brotli (smaller) first, whatever the client's order
    expect(await coding('gzip, br')).toBe('br');
    expect(await coding('*')).toBe('br');
    expect(await coding('BR')).toBe('br');
  });

  it('caches hashed assets for a year (immutable), in every coding', async () => {
    for (const accept of ['br', 'gzip', '']) {
      const r = await get(base, js, accept ? { 'accept-encoding': accept } : {});
      expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await get(base, '/assets/tiny-0a1b2c.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // an un-hashed file outside /assets keeps a short lifetime
    expect((await get(base, '/favicon.svg')).headers['cache-control']).toBe('public, max-age=3600');
  });

  it('index.html is revalidated every time (the SPA fallback and a direct request)', async () => {
    for (const path of ['/', '/index.html', '/nodes/pve2']) {
      const r = await get(base, path, { 'accept-encoding': 'br, gzip' });
      expect(r.status, path).toBe(200);
      expect(r.headers['cache-control'], path).toBe('no-cache');
      expect(r.headers['content-type'], path).toMatch(/^text\/html/);
      expect(r.body.toString(), path).toContain('<title>Quorate</title>');
    }
  });

  it("the page's path routes get index.html, with or without a query; API paths never do", async () => {
    for (const path of ['/history', '/history?severity=critical&cluster=lab', '/audit?x=1', '/events', '/admin', '/account', '/#/history']) {
      const r = await get(base, path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toMatch(/^text\/html/);
      expect(r.body.toString(), path).toContain('<title>Quorate</title>');
    }
    for (const path of ['/api/v1/history', '/socket.io/', '/healthz', '/metrics']) {
      const r = await get(base, path);
      expect(r.status, path).toBe(404);
      expect(r.body.toString(), path).not.toContain('<title>Quorate</title>');
    }
  });

  it('an unknown asset is a 404, never the page', async () => {
    for (const accept of ['br, gzip', '']) {
      const r = await get(base, '/assets/index-gone99.js', accept ? { 'accept-encoding': accept } : {});
      expect(r.status).toBe(404);
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.headers['content-type']).toMatch(/^text\/plain/);
      expect(r.headers['cache-control']).toBe('no-cache');
    }
  });

  it('HEAD: the same headers as GET, no body', async () => {
    const g = await get(base, js, { 'accept-encoding': 'br' });
    const h = await get(base, js, { 'accept-encoding': 'br' }, 'HEAD');
    expect(h.status).toBe(200);
    expect(h.body.length).toBe(0);
    for (const k of ['content-encoding', 'content-type', 'content-length', 'vary', 'cache-control', 'etag']) expect(h.headers[k], k).toBe(g.headers[k]);
  });

  it('Range: bytes of the representation sent (the compressed one when encoded)', async () => {
    const brSize = statSync(join(dist, 'assets', 'index-abc123.js.br')).size;
    const full = await get(base, js, { 'accept-encoding': 'br' });
    const part = await get(base, js, { 'accept-encoding': 'br', range: 'bytes=0-9' });
    expect(part.status).toBe(206);
    expect(part.headers['content-encoding']).toBe('br');
    expect(part.headers['content-range']).toBe(`bytes 0-9/${brSize}`);
    expect(part.body).toEqual(full.body.subarray(0, 10));
    const plain = await get(base, js, { range: 'bytes=0-9' });
    expect(plain.status).toBe(206);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-range']).toBe(`bytes 0-9/${Buffer.byteLength(SCRIPT)}`);
    expect(plain.body.toString()).toBe(SCRIPT.slice(0, 10));
    expect((await get(base, js, { 'accept-encoding': 'br', range: `bytes=${brSize}-` })).status).toBe(416);
  });

  it('conditional requests: each coding has its own ETag; a match is a 304 that still varies', async () => {
    const br = await get(base, js, { 'accept-encoding': 'br' });
    const plain = await get(base, js);
    expect(br.headers.etag).toBeDefined();
    expect(br.headers.etag).not.toBe(plain.headers.etag);
    const again = await get(base, js, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.headers.vary).toMatch(/accept-encoding/i);
    expect(again.body.length).toBe(0);
  });

  it('files without a copy are sent as they are, without Vary', async () => {
    const r = await get(base, '/assets/tiny-0a1b2c.js', { 'accept-encoding': 'br, gzip' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers.vary).toBeUndefined();
    expect(r.body.toString()).toBe('export {};\n');
  });

  it('no copy for paths outside the folder or a bad escape', async () => {
    expect((await get(base, '/assets/..%2f..%2fetc%2fpasswd', { 'accept-encoding': 'br' })).status).toBeGreaterThanOrEqual(400);
    expect((await get(base, '/assets/%E0%A4%A', { 'accept-encoding': 'br' })).status).toBe(404);
  });
});

describe('web app in the BFF', () => {
  it('the served script carries Content-Encoding and security headers', async () => {
    const dist = fakeDist();
    const web = await startFake([simCluster('w')], {}, { webDist: dist });
    try {
      const base = web.url;
      const r = await get(base, '/assets/index-abc123.js', { 'accept-encoding': 'br, gzip' });
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBe('br');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(brotliDecompressSync(r.body).toString()).toBe(SCRIPT);
      // the API is not touched by it
      expect((await get(base, '/api/v1/nope', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined();
    } finally {
      await web.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

describe('Accept-Encoding negotiation', () => {
  const br = { coding: 'br', suffix: '.br' } as const;
  const gz = { coding: 'gzip', suffix: '.gz' } as const;

  it('reads q-values, the wildcard and x-gzip', () => {
    const q = acceptedCodings('gzip;q=0.8, br;q=0.1, identity, x-gzip;q=0.3');
    expect(q('br')).toBe(0.1);
    expect(q('gzip')).toBe(0.3);
    expect(q('zstd')).toBe(0);
    expect(acceptedCodings('*;q=0.2')('br')).toBe(0.2);
    expect(acceptedCodings(undefined)('gzip')).toBe(0);
    expect(acceptedCodings('')('gzip')).toBe(0);
    // a malformed weight refuses rather than guesses
    expect(acceptedCodings('br;q=high')('br')).toBe(0);
  });

  it('picks the best accepted variant, br first on a tie, none when nothing is accepted', () => {
    expect(chooseVariant('gzip, br', [br, gz])).toBe(br);
    expect(chooseVariant('gzip', [br, gz])).toBe(gz);
    expect(chooseVariant('br', [gz])).toBeNull();
    expect(chooseVariant(undefined, [br, gz])).toBeNull();
  });
});
