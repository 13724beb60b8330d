// The dev proxy hands the browser's Host on to the BFF unchanged, so the BFF's origin check (Origin must
// match Host) accepts sign-in and socket handshakes made from the Vite page.
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';

const seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
const bff = createHttpServer((req, res) => {
  seen.push({ url: req.url, headers: req.headers });
  res.end('ok');
});
let vite: ViteDevServer | null = null;

afterAll(async () => {
  await vite?.close();
  await new Promise<void>((r) => bff.close(() => r()));
});

describe('vite dev proxy', () => {
  it('keeps the Host the browser sent (changeOrigin: false) on /api, /healthz and /socket.io', async () => {
    await new Promise<void>((r) => bff.listen(0, '127.0.0.1', r));
    process.env.QUORATE_BFF_URL = `http://127.0.0.1:${(bff.address() as AddressInfo).port}`;
    vite = await createServer({
      configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)),
      root: fileURLToPath(new URL('.', import.meta.url)),
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
      logLevel: 'silent',
    });
    await vite.listen();
    const { port } = vite.httpServer!.address() as AddressInfo;
    for (const path of ['/api/v1/auth/login', '/healthz', '/socket.io/?EIO=4&transport=polling']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { origin: `http://127.0.0.1:${port}` } });
      expect(await res.text()).toBe('ok');
    }
    expect(seen.map((s) => s.url)).toEqual(['/api/v1/auth/login', '/healthz', '/socket.io/?EIO=4&transport=polling']);
    // what the BFF compares: the page's own host, not the BFF's address
    expect(seen.map((s) => s.headers.host)).toEqual(Array(3).fill(`127.0.0.1:${port}`));
    expect(seen.every((s) => s.headers.origin === `http://127.0.0.1:${port}`)).toBe(true);
  });
});
