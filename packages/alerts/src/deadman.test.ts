import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingDeadman } from './deadman';

let server: Server;
let base = '';
const got: { method: string; path: string; body: string }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      got.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(req.url === '/ping/broken-check-0b7e' ? 404 : 200).end('OK');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('pingDeadman', () => {
  it('POSTs to the check URL and reports the status', async () => {
    const r = await pingDeadman(`${base}/ping/5f3a9c0e-check`, { timeoutMs: 2_000 });
    expect(r).toMatchObject({ ok: true, status: 200 });
    expect(got.at(-1)).toEqual({ method: 'POST', path: '/ping/5f3a9c0e-check', body: 'Quorate is running' });
  });

  it('a failure names the origin, never the check key in the path', async () => {
    const r = await pingDeadman(`${base}/ping/broken-check-0b7e`, { timeoutMs: 2_000 });
    expect(r).toMatchObject({ ok: false, status: 404 });
    expect(r.detail).toContain(base);
    expect(r.detail).not.toContain('broken-check-0b7e');
  });
});
