// QUORATE_TLS_CERT/QUORATE_TLS_KEY: https, Secure cookies, and a key file others can read is refused.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createServer, type QuorateServer } from './app';
import { ConfigError } from './config';
import { simCluster, tempDataDir, testConfig } from './testing/harness';

const dir = tempDataDir();
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
let server: QuorateServer | null = null;
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(url: string, path: string, body: unknown): Promise<{ status: number; cookie: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '') }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('TLS', () => {
  it('refuses a key file others can read; serves https with Secure cookies once it is private', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    chmodSync(key, 0o644);
    const config = { ...testConfig([simCluster('lab-cluster', 'lab-cluster', true)], '/nonexistent', join(dir, 'data')), tls: { certFile: cert, keyFile: key } };
    const make = () => createServer(config, { logger: pino({ level: 'silent' }) });
    await expect(make()).rejects.toThrow(ConfigError);
    await expect(make()).rejects.toThrow(/QUORATE_TLS_KEY: key file .* is accessible by group or others \(mode 0644\); refusing to use it/);

    chmodSync(key, 0o600);
    server = await make();
    const { url } = await server.start();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await post(url, '/api/v1/auth/setup', { username: 'root', password: 'a long enough passphrase' });
    expect(res.status).toBe(201);
    expect(res.cookie).toMatch(/HttpOnly; SameSite=Strict; Secure$/);
  });
});
