import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardLedElsewhere, FORWARDED_HEADER, LedElsewhere } from './forward';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function listen(app: express.Express): Promise<string> {
  const s = app.listen(0, '127.0.0.1');
  servers.push(s);
  await once(s, 'listening');
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** the holder: echoes what reached it */
async function holder(handler?: express.RequestHandler): Promise<string> {
  const app = express();
  app.use(express.json());
  app.use(
    handler ??
      ((req, res) => {
        res.setHeader('Set-Cookie', 'a=b; HttpOnly');
        res.status(202).json({ method: req.method, url: req.originalUrl, body: req.body as unknown, headers: req.headers });
      }),
  );
  return listen(app);
}

/** the mirror: its routes find the cluster runs elsewhere (but /here); the error handler forwards to holderUrl */
async function mirror(holderUrl: string | null, timeoutMs?: number): Promise<string> {
  const app = express();
  app.use(express.json());
  app.get('/here', (_req, res) => void res.json({ servedBy: 'mirror' }));
  app.use(() => {
    throw new LedElsewhere('c1');
  });
  app.use(forwardLedElsewhere(async (id) => (id === 'c1' ? holderUrl : null), timeoutMs));
  return listen(app);
}

describe('forwardToHolder', () => {
  it('passes the request on as the proxy sent it, and the answer back', async () => {
    const h = await holder();
    const m = await mirror(h);
    const r = await fetch(`${m}/api/v1/sim/faults?cluster=c1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'quorate_session=s1', 'x-csrf-token': 't1', origin: 'https://quorate.example', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ fault: 'kill', node: 2 }),
    });
    expect(r.status).toBe(202);
    expect(r.headers.get('set-cookie')).toBe('a=b; HttpOnly');
    const seen = (await r.json()) as { method: string; url: string; body: unknown; headers: Record<string, string> };
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/v1/sim/faults?cluster=c1');
    expect(seen.body).toEqual({ fault: 'kill', node: 2 });
    expect(seen.headers.cookie).toBe('quorate_session=s1');
    expect(seen.headers['x-csrf-token']).toBe('t1');
    expect(seen.headers.origin).toBe('https://quorate.example');
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(seen.headers.host).toBe(new URL(m).host);
    expect(seen.headers[FORWARDED_HEADER]).toBe('1');
  });

  it('a route that runs here is not forwarded; a cluster that came here meanwhile: 503 to retry', async () => {
    const m = await mirror(null);
    expect(await (await fetch(`${m}/here`)).json()).toEqual({ servedBy: 'mirror' });
    const r = await fetch(`${m}/api/v1/whatif`);
    expect(r.status).toBe(503);
    expect(((await r.json()) as { error: string }).error).toMatch(/starting on this replica/);
  });

  it('never forwards a forwarded request again: 503 to retry', async () => {
    const h = await holder();
    const m = await mirror(h);
    const r = await fetch(`${m}/x`, { headers: { [FORWARDED_HEADER]: '1' } });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('1');
  });

  it('502 when the holder cannot be reached, 504 when it does not answer in time', async () => {
    const down = await holder();
    servers.pop()!.close();
    expect((await fetch(`${await mirror(down)}/x`)).status).toBe(502);
    const slow = await holder(() => {}); // never answers
    const r = await fetch(`${await mirror(slow, 200)}/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(504);
    expect(((await r.json()) as { error: string }).error).toMatch(/did not answer within 0.2 s/);
  });
});
