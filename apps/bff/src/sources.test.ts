// createSource for a QUORATE_CLUSTERS ssh entry: a cluster nobody answers for is down with the reason, the
// BFF keeps running. Loopback only: a port that was just closed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { createSource, expectedVotesTarget } from './sources';

const dir = mkdtempSync(join(tmpdir(), 'quorate-bff-ssh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('createSource: ssh cluster', () => {
  it('is an ssh source that is down with the reason while no node answers, and offers expected votes', async () => {
    const key = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const port = await closedPort();
    const node = (name: string) => ({ name, host: '127.0.0.1', port, keyPath: key, hostKey: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' });
    const config = loadConfig({ QUORATE_CLUSTERS: JSON.stringify([{ id: 'prod', source: 'ssh', nodes: [node('pve1'), node('pve2')] }]) });
    const logs: string[] = [];
    const source = createSource(config.clusters[0]!, (m) => logs.push(m));
    expect(source.kind).toBe('ssh');
    expect(source.clusterId).toBe('prod');
    await source.start();
    try {
      // a snapshot that says so: nobody to observe from, every view with its reason
      expect(source.current()).toMatchObject({ source: 'ssh', observer: null, quorum: null });
      expect(source.current()?.views.map((v) => [v.name, v.reachable, v.reason])).toEqual([
        ['pve1', false, 'unreachable'],
        ['pve2', false, 'unreachable'],
      ]);
      expect(source.health()).toMatchObject({ state: 'down', message: 'pve1: unreachable; pve2: unreachable' });
      expect(logs).toContain("cluster 'prod': pve1: unreachable: unreachable");
      expect(expectedVotesTarget(source)).not.toBeNull();
    } finally {
      await source.stop();
    }
  });
});
