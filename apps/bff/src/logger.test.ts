import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { createServer } from './app';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { bearerFetch, simCluster, startFake, tempDataDir, type Harness } from './testing/harness';

describe('logger', () => {
  it('redacts authorization headers, cookies and credential fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info({
      req: { headers: { authorization: 'Bearer s3cret-a', cookie: 'sid=s3cret-b', host: 'x' } },
      password: 's3cret-c',
      node: { token: 's3cret-d', name: 'pve1' },
      cluster: { api: { tokenSecret: 's3cret-e' } },
    }, 'hello');
    const out = lines.join('');
    expect(out).toContain('"host":"x"');
    expect(out).toContain('"name":"pve1"');
    expect(out).not.toMatch(/s3cret/);
    expect(out.match(/\[redacted\]/g)).toHaveLength(5);
  });
});

describe('access log', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('logs the path without the query string: a token in ?token= (or in a Referer) never reaches a log line', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    h = await startFake([simCluster('lab-cluster', 'lab-cluster', true)], { logger: createLogger('debug', sink) });
    const referer = `${h.url}/history?token=secret-value-r&x=1`;
    expect((await bearerFetch(`${h.url}/api/v1/clusters?token=secret-value-a`, h.tokens.viewer, { headers: { referer } })).status).toBe(200);
    expect((await bearerFetch(`${h.url}/api/v1/no-such-route?token=secret-value-b&cluster=x`, h.tokens.viewer)).status).toBe(404);
    expect((await bearerFetch(`${h.url}/api/v1/clusters?token=secret-value-c`, null)).status).toBe(401);
    // the web app (not built here: 503)
    expect((await bearerFetch(`${h.url}/nothing?access_token=secret-value-d`, null)).status).toBe(503);
    const out = lines.join('');
    expect(out).not.toContain('secret-value');
    const access = lines.map((l) => JSON.parse(l) as { req?: { url?: string; headers?: Record<string, string> }; res?: { statusCode: number } }).filter((l) => l.req && l.res);
    expect(access.map((l) => [l.req!.url, l.res!.statusCode])).toEqual([
      ['/api/v1/clusters', 200],
      ['/api/v1/no-such-route', 404],
      ['/api/v1/clusters', 401],
      ['/nothing', 503],
    ]);
    // a Referer keeps its origin and path
    expect(access[0]!.req!.headers!.referer).toBe(`${h.url}/history`);
  });
});

describe('errors logged outside a request', () => {
  it('reach onError (an error under err only), after redaction rules are set up', () => {
    const seen: unknown[] = [];
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const log = createLogger('info', sink, 'json', (err) => seen.push(err));
    const boom = new Error('boom');
    log.error({ err: boom }, 'could not save the cluster checkpoint');
    log.info({ a: 1 }, 'nothing to see');
    log.warn('a plain line');
    expect(seen).toEqual([boom]);
  });

  it('a corruption error logged anywhere marks the store corrupt (/healthz then says so)', async () => {
    const dataDir = tempDataDir();
    const server = await createServer(loadConfig({ PORT: '0', LOG_LEVEL: 'error', LOG_FORMAT: 'json', QUORATE_WEB_DIST: '/nonexistent', QUORATE_DATA_DIR: dataDir }));
    try {
      expect(server.store.health().state).toBe('ok');
      server.logger.error({ err: Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }) }, 'could not save the cluster checkpoint');
      expect(server.store.health()).toMatchObject({ state: 'corrupt' });
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
