import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, MAX_CLUSTERS, loadConfig, repoRoot } from './config';

describe('loadConfig', () => {
  it(`QUORATE_CLUSTERS holds up to ${MAX_CLUSTERS} clusters (100 measured by bench:clusters); one more is refused naming the bound`, () => {
    const sims = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `c${i}`, source: 'sim', nodes: 3 })));
    expect(MAX_CLUSTERS).toBeGreaterThanOrEqual(100);
    expect(loadConfig({ QUORATE_CLUSTERS: sims(MAX_CLUSTERS) }).clusters).toHaveLength(MAX_CLUSTERS);
    expect(() => loadConfig({ QUORATE_CLUSTERS: sims(MAX_CLUSTERS + 1) })).toThrow(`QUORATE_CLUSTERS: at most ${MAX_CLUSTERS} clusters`);
  });
  it('defaults: one sim cluster lab-cluster on 127.0.0.1:8080', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.logLevel).toBe('info');
    expect(c.webDist).toBe(`${repoRoot}/apps/web/dist`);
    expect(c.clusters).toEqual([
      { id: 'lab-cluster', name: 'lab-cluster', default: true, source: 'sim', settings: { nodes: 3, links: 2, tokenMs: 3000, tickMs: 1000 }, origin: 'config' },
    ]);
  });

  it('security defaults: data in <repo>/.data, no admin password, no token, plain http, no proxy', () => {
    const c = loadConfig({});
    expect(c.dataDir).toBe(`${repoRoot}/.data`);
    expect(c.admin).toEqual({ username: 'admin', password: null });
    expect(c.apiToken).toBeNull();
    expect(c.tls).toBeNull();
    expect(c.trustProxy).toBe(false);
    expect(c.allowedOrigins).toEqual([]);
    expect(c.sessionTtlMs).toBe(12 * 3_600_000);
  });

  it('reads the security variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorate-config-'));
    writeFileSync(join(dir, 'pw'), 'from a file, long enough\n');
    const c = loadConfig({
      QUORATE_DATA_DIR: '/var/lib/quorate',
      QUORATE_ADMIN_USER: 'root',
      QUORATE_ADMIN_PASSWORD_FILE: join(dir, 'pw'),
      QUORATE_API_TOKEN: '0123456789abcdef',
      QUORATE_TLS_CERT: '/etc/q/cert.pem',
      QUORATE_TLS_KEY: '/etc/q/key.pem',
      QUORATE_TRUST_PROXY: 'loopback,10.0.0.0/8',
      QUORATE_ALLOWED_ORIGINS: 'https://q.example.org,http://localhost:5173',
      QUORATE_SESSION_HOURS: '2',
    });
    expect(c).toMatchObject({
      dataDir: '/var/lib/quorate',
      admin: { username: 'root', password: 'from a file, long enough' },
      apiToken: '0123456789abcdef',
      tls: { certFile: '/etc/q/cert.pem', keyFile: '/etc/q/key.pem' },
      trustProxy: ['loopback', '10.0.0.0/8'],
      allowedOrigins: ['https://q.example.org', 'http://localhost:5173'],
      sessionTtlMs: 7_200_000,
    });
    expect(loadConfig({ QUORATE_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ QUORATE_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ QUORATE_ADMIN_PASSWORD: 'directly given pw' }).admin.password).toBe('directly given pw');
  });

  it('QUORATE_DATABASE_URL: replicas on PostgreSQL, with a shared key file; without it the embedded SQLite', () => {
    expect(loadConfig({}).database).toBeNull();
    const c = loadConfig({ QUORATE_DATABASE_URL: 'postgres://q:pw@db.lan:5432/quorate', QUORATE_SECRET_KEY_FILE: '/etc/quorate/secret.key', QUORATE_REPLICA_URL: 'http://10.0.0.5:8080/' });
    expect(c.database).toEqual({ url: 'postgres://q:pw@db.lan:5432/quorate', replicaUrl: 'http://10.0.0.5:8080', leaseTtlMs: 6_000, redisUrl: null });
    expect(loadConfig({ QUORATE_DATABASE_URL: 'postgresql://db/q', QUORATE_SECRET_KEY_FILE: '/k', QUORATE_LEASE_TTL_MS: '3000' }).database).toEqual({ url: 'postgresql://db/q', replicaUrl: null, leaseTtlMs: 3_000, redisUrl: null });
    // the fan-out through Redis streams: only for replicas, a redis:// or rediss:// URL
    expect(loadConfig({ QUORATE_DATABASE_URL: 'postgres://db/q', QUORATE_SECRET_KEY_FILE: '/k', QUORATE_REDIS_URL: 'redis://:pw@cache.lan:6379' }).database?.redisUrl).toBe('redis://:pw@cache.lan:6379');
    expect(() => loadConfig({ QUORATE_REDIS_URL: 'redis://cache.lan:6379' })).toThrow('QUORATE_REDIS_URL is for replicas on a shared database');
    expect(() => loadConfig({ QUORATE_DATABASE_URL: 'postgres://db/q', QUORATE_SECRET_KEY_FILE: '/k', QUORATE_REDIS_URL: 'cache.lan:6379' })).toThrow('QUORATE_REDIS_URL: a Redis URL');
    expect(() => loadConfig({ QUORATE_DATABASE_URL: 'postgres://db/q' })).toThrow('QUORATE_DATABASE_URL needs QUORATE_SECRET_KEY_FILE');
    expect(() => loadConfig({ QUORATE_DATABASE_URL: 'mysql://db/q', QUORATE_SECRET_KEY_FILE: '/k' })).toThrow('QUORATE_DATABASE_URL: a PostgreSQL URL');
    expect(() => loadConfig({ QUORATE_REPLICA_URL: 'http://10.0.0.5:8080' })).toThrow('set QUORATE_DATABASE_URL too');
    expect(() => loadConfig({ QUORATE_DATABASE_URL: 'postgres://db/q', QUORATE_SECRET_KEY_FILE: '/k', QUORATE_LEASE_TTL_MS: '500' })).toThrow('QUORATE_LEASE_TTL_MS');
  });

  it('HOST must be an address or host name: a bad one stops the start naming HOST', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'fd00::1', 'localhost', 'quorate.home.arpa']) expect(loadConfig({ HOST: host }).host).toBe(host);
    for (const host of ['127.0.0.1:8080', 'http://0.0.0.0', '-bad', 'a b', 'host/path', 'under_score'])
      expect(() => loadConfig({ HOST: host }), host).toThrow(/^invalid environment: HOST: an IP address or host name/);
  });

  it('QUORATE_ALLOWED_HOSTS and QUORATE_MAX_SOCKETS_PER_IDENTITY', () => {
    expect(loadConfig({}).allowedHosts).toEqual([]);
    expect(loadConfig({}).maxSocketsPerIdentity).toBe(20);
    expect(loadConfig({ QUORATE_ALLOWED_HOSTS: 'Quorate.LAN, 10.0.0.5,fd00::1' }).allowedHosts).toEqual(['quorate.lan', '10.0.0.5', 'fd00::1']);
    expect(loadConfig({ QUORATE_ALLOWED_HOSTS: '*' }).allowedHosts).toEqual(['*']);
    expect(() => loadConfig({ QUORATE_ALLOWED_HOSTS: 'https://quorate.lan' })).toThrow(/QUORATE_ALLOWED_HOSTS: comma-separated host names/);
    expect(() => loadConfig({ QUORATE_ALLOWED_HOSTS: 'quorate.lan:8080' })).toThrow(/QUORATE_ALLOWED_HOSTS/);
    expect(loadConfig({ QUORATE_MAX_SOCKETS_PER_IDENTITY: '1000' }).maxSocketsPerIdentity).toBe(1000);
    expect(() => loadConfig({ QUORATE_MAX_SOCKETS_PER_IDENTITY: '0' })).toThrow(/QUORATE_MAX_SOCKETS_PER_IDENTITY/);
  });

  it('reads the sim variables and treats empty ones as unset', () => {
    const c = loadConfig({ PORT: '0', QUORATE_SIM_NODES: '5', QUORATE_SIM_LINKS: '1', QUORATE_SIM_TOKEN_MS: '200', QUORATE_SIM_TICK_MS: '100', QUORATE_SIM_SEED: '42', HOST: '' });
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(0);
    expect(c.clusters[0]).toMatchObject({ source: 'sim', settings: { nodes: 5, links: 1, tokenMs: 200, tickMs: 100, seed: 42 } });
    expect(loadConfig({ QUORATE_SIM_SEED: 'demo' }).clusters[0]).toMatchObject({ settings: { seed: 'demo' } });
  });

  it('QUORATE_SOURCE=lab makes the default cluster a lab cluster', () => {
    expect(loadConfig({ QUORATE_SOURCE: 'lab' }).clusters).toEqual([{ id: 'lab-cluster', name: 'lab-cluster', default: true, source: 'lab', settings: { prefix: 'qlab' }, origin: 'config' }]);
    expect(loadConfig({ QUORATE_SOURCE: 'lab', QUORATE_LAB_PREFIX: 'qe2e' }).clusters[0]).toMatchObject({ settings: { prefix: 'qe2e' } });
    expect(() => loadConfig({ QUORATE_SOURCE: 'lab', QUORATE_LAB_PREFIX: 'Bad-Prefix' })).toThrow(/QUORATE_LAB_PREFIX/);
  });

  it('QUORATE_CLUSTERS: several clusters, QUORATE_SIM_* as defaults, first is default unless one says so', () => {
    const c = loadConfig({
      QUORATE_SIM_TOKEN_MS: '1000',
      QUORATE_CLUSTERS: JSON.stringify([{ id: 'a', source: 'sim' }, { id: 'b', name: 'Bee', nodes: 5, tokenMs: 200, default: true }]),
    });
    expect(c.clusters).toEqual([
      { id: 'a', name: 'a', default: false, source: 'sim', settings: { nodes: 3, links: 2, tokenMs: 1000, tickMs: 1000 }, origin: 'config' },
      { id: 'b', name: 'Bee', default: true, source: 'sim', settings: { nodes: 5, links: 2, tokenMs: 200, tickMs: 1000 }, origin: 'config' },
    ]);
    expect(loadConfig({ QUORATE_CLUSTERS: '[{"id":"x"},{"id":"y"}]' }).clusters.map((k) => k.default)).toEqual([true, false]);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT: /],
    [{ PORT: '70000' }, /PORT: /],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL: /],
    [{ QUORATE_SOURCE: 'pve' }, /QUORATE_SOURCE: /],
    [{ QUORATE_SIM_NODES: '1' }, /QUORATE_SIM_NODES: /],
    [{ QUORATE_SIM_TOKEN_MS: '50' }, /QUORATE_SIM_TOKEN_MS: /],
    [{ QUORATE_SIM_LINKS: '9' }, /QUORATE_SIM_LINKS: /],
    [{ QUORATE_SIM_TOKEN_MS: '1.5' }, /QUORATE_SIM_TOKEN_MS: /],
    [{ QUORATE_CLUSTERS: '[{' }, /QUORATE_CLUSTERS: not valid JSON/],
    [{ QUORATE_CLUSTERS: '[]' }, /QUORATE_CLUSTERS: name at least one cluster/],
    [{ QUORATE_CLUSTERS: '[{"id":"a b"}]' }, /QUORATE_CLUSTERS\[0\]\.id: /],
    [{ QUORATE_CLUSTERS: '[{"id":"a","nodes":0}]' }, /QUORATE_CLUSTERS\[0\]\.nodes: /],
    [{ QUORATE_CLUSTERS: '[{"id":"a"},{"id":"a"}]' }, /QUORATE_CLUSTERS\[1\]\.id: duplicate cluster id 'a'/],
    [{ QUORATE_CLUSTERS: '[{"id":"a","nodez":3}]' }, /QUORATE_CLUSTERS.*nodez/],
    [{ QUORATE_API_TOKEN: 'short' }, /QUORATE_API_TOKEN: must be at least 16 characters/],
    [{ QUORATE_ADMIN_PASSWORD: 'short' }, /QUORATE_ADMIN_PASSWORD: password must be at least 10 characters/],
    [{ QUORATE_ADMIN_PASSWORD: 'long enough pw', QUORATE_ADMIN_PASSWORD_FILE: '/x' }, /set one, not both/],
    [{ QUORATE_ADMIN_PASSWORD_FILE: '/nonexistent/pw' }, /QUORATE_ADMIN_PASSWORD_FILE: cannot read \/nonexistent\/pw \(ENOENT\)/],
    [{ QUORATE_ADMIN_USER: 'a b' }, /QUORATE_ADMIN_USER: /],
    [{ QUORATE_TLS_CERT: '/c.pem' }, /QUORATE_TLS_CERT and QUORATE_TLS_KEY: set both/],
    [{ QUORATE_TRUST_PROXY: 'yes please' }, /QUORATE_TRUST_PROXY: /],
    [{ QUORATE_ALLOWED_ORIGINS: 'evil.example' }, /QUORATE_ALLOWED_ORIGINS: /],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('loadConfig: QUORATE_CLUSTERS ssh entries (real clusters over SSH)', () => {
  const HOST_KEY = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
  const keyFile = (mode: number) => {
    const path = join(mkdtempSync(join(tmpdir(), 'quorate-config-ssh-')), 'id_ed25519');
    writeFileSync(path, 'not a real key\n');
    chmodSync(path, mode);
    return path;
  };
  const node = (keyPath: string, extra: Record<string, unknown> = {}) => ({ name: 'pve1', host: '10.0.0.1', port: 22, user: 'root', keyPath, hostKey: HOST_KEY, ...extra });
  const env = (entries: unknown[]) => ({ QUORATE_CLUSTERS: JSON.stringify(entries) });

  it('a valid entry: port and user default, next to a sim cluster', () => {
    const key = keyFile(0o600);
    const c = loadConfig(env([{ id: 'sim1' }, { id: 'prod', name: 'Production', source: 'ssh', default: true, nodes: [node(key), { name: 'pve2', host: '10.0.0.2', keyPath: key, hostKey: HOST_KEY }] }]));
    expect(c.clusters[1]).toEqual({
      id: 'prod',
      name: 'Production',
      default: true,
      source: 'ssh',
      settings: {
        nodes: [
          { name: 'pve1', host: '10.0.0.1', port: 22, user: 'root', keyPath: key, hostKey: HOST_KEY },
          { name: 'pve2', host: '10.0.0.2', port: 22, user: 'root', keyPath: key, hostKey: HOST_KEY },
        ],
      },
      origin: 'config',
    });
    expect(c.clusters[0]).toMatchObject({ id: 'sim1', default: false, source: 'sim' });
  });

  it.each([
    ['missing hostKey', () => [{ id: 'prod', source: 'ssh', nodes: [{ name: 'pve1', host: '10.0.0.1', keyPath: '/k' }] }], /QUORATE_CLUSTERS\[0\]\.nodes\[0\]\.hostKey: /],
    ['a bad hostKey', () => [{ id: 'prod', source: 'ssh', nodes: [node('/k', { hostKey: 'MD5:aa' })] }], /QUORATE_CLUSTERS\[0\]\.nodes\[0\]\.hostKey: SHA256:<43 base64 characters>/],
    ['a relative keyPath', () => [{ id: 'prod', source: 'ssh', nodes: [node('id_ed25519')] }], /QUORATE_CLUSTERS\[0\]\.nodes\[0\]\.keyPath: an absolute path/],
    ['no nodes', () => [{ id: 'prod', source: 'ssh', nodes: [] }], /QUORATE_CLUSTERS\[0\]\.nodes: /],
    ['a sim field', () => [{ id: 'prod', source: 'ssh', nodes: [node('/k')], tokenMs: 1000 }], /QUORATE_CLUSTERS\[0\].*tokenMs/],
    ['a bad default', () => [{ id: 'prod', source: 'ssh', nodes: [node('/k')], default: 'yes' }], /QUORATE_CLUSTERS\[0\]\.default: /],
    ['an unknown source', () => [{ id: 'prod', source: 'vmware' }], /QUORATE_CLUSTERS\[0\]\.source: /],
    ['a pve entry without api', () => [{ id: 'prod', source: 'pve' }], /QUORATE_CLUSTERS\[0\]\.api: /],
    ['a duplicate id', () => [{ id: 'prod' }, { id: 'prod', source: 'ssh', nodes: [node('/k')] }], /QUORATE_CLUSTERS\[1\]\.id: duplicate cluster id 'prod'/],
    ['a key file group/others can read', () => [{ id: 'prod', source: 'ssh', nodes: [node(keyFile(0o644))] }], /QUORATE_CLUSTERS\[0\]\.nodes\[0\]\.keyPath: SSH private key .* is accessible by group\/others \(mode 0644\); refusing to use it: run chmod 600 /],
    ['a missing key file', () => [{ id: 'prod', source: 'ssh', nodes: [node('/nonexistent/quorate/id_ed25519')] }], /QUORATE_CLUSTERS\[0\]\.nodes\[0\]\.keyPath: SSH private key \/nonexistent\/quorate\/id_ed25519 cannot be read: ENOENT/],
  ])('refuses %s at start, naming the field', (_what, entries, message) => {
    const e = env(entries());
    expect(() => loadConfig(e)).toThrow(ConfigError);
    expect(() => loadConfig(e)).toThrow(message);
  });
});
