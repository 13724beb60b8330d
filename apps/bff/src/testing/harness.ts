// Start a BFF on 127.0.0.1:0 with fake (or given) sources and a throwaway data directory; API tokens for
// each role; socket.io clients that record what they get.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { Task, TaskAccepted, type Role } from '@quorate/model';
import type { ClusterEvent, PatchMessage, SnapshotMessage, SubscribeAck, SubscribeRequest } from '@quorate/model';
import { pino } from 'pino';
import type Database from 'better-sqlite3';
import type { Store } from '@quorate/store';
import { createServer, type QuorateServer, type ServerDeps } from '../app';
import { loadConfig, type ClusterConfig, type Config } from '../config';
import { FakeSource } from './fake-source';

/** resolves when every collector's appends so far are stored (and their events emitted) */
export async function settle(server: Pick<QuorateServer, 'collectors'>): Promise<void> {
  await Promise.all([...server.collectors.values()].map((c) => c.idle()));
}

/** the SQLite connection under a store on a data directory (tests that reach below the store) */
export function sqliteOf(store: Store): Database.Database {
  if (store.limiter.kind !== 'sqlite') throw new Error('not a SQLite store');
  return store.limiter.db;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'quorate-bff-test-'));
}

export function testConfig(clusters: ClusterConfig[], webDist = '/nonexistent/quorate-web-dist', dataDir = tempDataDir()): Config {
  return {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    logFormat: 'json',
    webDist,
    clusters,
    kindDefaults: { sim: { nodes: 3, links: 2, tokenMs: 3000, tickMs: 1000 }, lab: { prefix: 'qlab' } },
    dataDir,
    database: null,
    admin: { username: 'admin', password: null },
    apiToken: null,
    tls: null,
    trustProxy: false,
    allowedOrigins: [],
    allowedHosts: [],
    sessionTtlMs: 3_600_000,
    maxSocketsPerIdentity: 20,
    // tests count patches one per change; the merging of telemetry has its own (collector.test.ts)
    telemetryMinMs: 0,
  };
}

/**
 * A real BFF (the simulator; no web app) on 127.0.0.1:0 over dataDir, and an API token per role. A long tick
 * by default: the test moves the simulated clock itself. env adds or overrides variables.
 */
export async function startSimServer(dataDir: string, env: Record<string, string> = {}): Promise<{ server: QuorateServer; url: string; tokens: Record<Role, string> }> {
  // telemetry is not merged: a merged change goes out on a real-time timer, which a test that moves the
  // simulated clock by hand cannot predict (QUORATE_TELEMETRY_MIN_MS in env turns it back on)
  const config = loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TICK_MS: '600000', QUORATE_TELEMETRY_MIN_MS: '0', QUORATE_DATA_DIR: dataDir, ...env });
  const server = await createServer(config, { logger: pino({ level: 'silent' }) });
  const { url } = await server.start();
  return { server, url, tokens: await roleTokens(server) };
}

/** an API token per role, created straight in the store */
export async function roleTokens(server: QuorateServer): Promise<Record<Role, string>> {
  const make = async (role: Role) => (await server.store.tokens.create({ name: `test-${role}`, role, createdBy: 'test' })).token;
  return { viewer: await make('viewer'), operator: await make('operator'), admin: await make('admin') };
}

/** fetch with `Authorization: Bearer <token>` (and a JSON body when given) */
export function bearerFetch(url: string, token: string | null, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers };
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  return fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
}

export const simCluster = (id: string, name = id, isDefault = false): ClusterConfig => ({
  id,
  name,
  default: isDefault,
  source: 'sim',
  settings: { nodes: 3, links: 2, tokenMs: 3000, tickMs: 1000 },
  origin: 'config',
});

export const labCluster = (id: string, prefix: string, isDefault = false): ClusterConfig => ({ id, name: id, default: isDefault, source: 'lab', settings: { prefix }, origin: 'config' });

export interface Harness {
  server: QuorateServer;
  url: string;
  sources: Map<string, FakeSource>;
  tokens: Record<Role, string>;
  /** REST call as a role (bearer token); default viewer for GET, operator otherwise */
  api(path: string, init?: { method?: string; body?: unknown; as?: Role | null; headers?: Record<string, string> }): Promise<Response>;
  client(as?: Role): TestClient;
  close(): Promise<void>;
}

export async function startFake(
  clusters: ClusterConfig[],
  deps: ServerDeps = {},
  opts: { observeOnStart?: boolean; webDist?: string; config?: Partial<Config> } = {},
): Promise<Harness> {
  const sources = new Map<string, FakeSource>();
  const dataDir = tempDataDir();
  const server = await createServer({ ...testConfig(clusters, opts.webDist, dataDir), ...opts.config }, {
    logger: pino({ level: 'silent' }),
    firstRev: 1,
    createSource: (c) => {
      const s = new FakeSource(c.id, undefined, opts.observeOnStart ?? true);
      sources.set(c.id, s);
      return s;
    },
    ...deps,
  });
  const { url } = await server.start();
  const tokens = await roleTokens(server);
  const clients: TestClient[] = [];
  return {
    server,
    url,
    sources,
    tokens,
    api(path, init = {}) {
      const method = init.method ?? 'GET';
      const as = init.as === undefined ? (method === 'GET' ? 'viewer' : 'operator') : init.as;
      return bearerFetch(`${url}${path}`, as === null ? null : tokens[as], { method, body: init.body, headers: init.headers });
    },
    client(as: Role = 'viewer') {
      const c = new TestClient(url, { token: tokens[as] });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients.splice(0)) c.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** a socket.io client that records every message in arrival order */
export class TestClient {
  readonly socket: Socket;
  readonly received: ({ type: 'snapshot'; msg: SnapshotMessage } | { type: 'patch'; msg: PatchMessage } | { type: 'event'; msg: ClusterEvent })[] = [];

  constructor(url: string, opts: { token?: string; headers?: Record<string, string> } = {}) {
    this.socket = connect(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(opts.token ? { auth: { token: opts.token } } : {}),
      ...(opts.headers ? { extraHeaders: opts.headers } : {}),
    });
    this.socket.on('snapshot', (msg: SnapshotMessage) => this.received.push({ type: 'snapshot', msg }));
    this.socket.on('patch', (msg: PatchMessage) => this.received.push({ type: 'patch', msg }));
    this.socket.on('event', (msg: ClusterEvent) => this.received.push({ type: 'event', msg }));
  }

  subscribe(req: SubscribeRequest | unknown): Promise<SubscribeAck> {
    return this.socket.timeout(5000).emitWithAck('subscribe', req) as Promise<SubscribeAck>;
  }

  snapshots(): SnapshotMessage[] {
    return this.received.flatMap((r) => (r.type === 'snapshot' ? [r.msg] : []));
  }
  patches(): PatchMessage[] {
    return this.received.flatMap((r) => (r.type === 'patch' ? [r.msg] : []));
  }
  events(): ClusterEvent[] {
    return this.received.flatMap((r) => (r.type === 'event' ? [r.msg] : []));
  }

  /** wait until the predicate holds over what arrived (bounded; no timing is asserted) */
  async until(pred: (c: TestClient) => boolean, what = 'condition'): Promise<void> {
    for (let i = 0; i < 500; i++) {
      if (pred(this)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.received.map((r) => r.type))}`);
  }

  /** a round trip to the server: every message sent before it has arrived */
  async flush(): Promise<void> {
    await this.subscribeNoop();
  }
  private async subscribeNoop(): Promise<void> {
    // an invalid subscribe changes nothing server-side and is answered in order
    await this.socket.timeout(5000).emitWithAck('subscribe', { rev: -1 });
  }

  close(): void {
    this.socket.close();
  }
}

/** a browser-like session: the cookie and the CSRF token setup/login handed out */
export interface TestSession {
  cookie: string;
  csrf: string;
  user: { id: string; username: string; role: Role };
}

/** POST setup or login; the session from Set-Cookie and the body */
export async function signIn(url: string, path: '/api/v1/auth/setup' | '/api/v1/auth/login', username: string, password: string): Promise<TestSession> {
  const res = await bearerFetch(`${url}${path}`, null, { method: 'POST', body: { username, password } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const body = (await res.json()) as { csrfToken: string; user: TestSession['user'] };
  return { cookie, csrf: body.csrfToken, user: body.user };
}

/** fetch with the session cookie, and the CSRF header unless csrf: false */
export function sessionFetch(url: string, s: TestSession, init: { method?: string; body?: unknown; csrf?: boolean | string; headers?: Record<string, string> } = {}): Promise<Response> {
  const csrf: Record<string, string> = init.csrf === false ? {} : { 'x-csrf-token': typeof init.csrf === 'string' ? init.csrf : s.csrf };
  return bearerFetch(url, null, { method: init.method ?? 'GET', body: init.body, headers: { cookie: s.cookie, ...csrf, ...init.headers } });
}

/**
 * An operation's 202 → the task when it has ended (polls GET /api/v1/tasks/:id; fails after timeoutMs).
 * status: what the POST answered (202 unless it was refused).
 */
export async function endedTask(baseUrl: string, token: string, res: Response, timeoutMs = 10_000): Promise<Task> {
  if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
  const { task } = TaskAccepted.parse(await res.json());
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = Task.parse(await (await bearerFetch(`${baseUrl}/api/v1/tasks/${task.id}`, token)).json());
    if (now.status !== 'running') return now;
    if (Date.now() > deadline) throw new Error(`task ${task.id} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
