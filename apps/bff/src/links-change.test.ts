// POST /api/v1/operations/links on the simulator through the guard: a dry run answers with every check, the
// links before/after and the corosync.conf diff; a bad address is refused (409) and changes nothing; adding
// link 2 runs as a task whose proof is every pair connected on it; the cluster name is required. The restore
// path (the change does not show → the previous configuration applied again) and the edit helpers are unit-tested.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkDryRunResponse, SnapshotMessage, type Role } from '@quorate/model';
import { sampleSnapshot } from '@quorate/model/testing';
import type { QuorateServer } from './app';
import { linkDifferences, restoreText, toEdit } from './operations/links';
import { bearerFetch, endedTask, startSimServer, tempDataDir } from './testing/harness';

let server: QuorateServer | null = null;
let dataDir = '';
let url = '';
let tokens: Record<Role, string>;
afterEach(async () => {
  await server?.close();
  server = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<void> {
  dataDir = tempDataDir();
  ({ server, url, tokens } = await startSimServer(dataDir, { QUORATE_SIM_TOKEN_MS: '200', QUORATE_SIM_TICK_MS: '100', QUORATE_SIM_NODES: '3', QUORATE_SIM_LINKS: '2' }));
}
const call = (method: string, path: string, body?: unknown, as: Role = 'operator') => bearerFetch(`${url}/api/v1${path}`, tokens[as], { method, ...(body !== undefined ? { body } : {}) });
const snapshot = async () => SnapshotMessage.parse(await (await call('GET', '/snapshot')).json()).snapshot;
const ADD = { kind: 'add-link', link: 2, addresses: [1, 2, 3].map((k) => ({ node: `pve${k}`, address: `198.18.2.1${k}` })) };

describe('link changes through the BFF on a 3-node sim', () => {
  it('dry run with the diff; a bad address refused; link 2 added as a task and proven; the cluster name required', async () => {
    await start();
    const name = (await snapshot()).cluster.name;
    const ifaces = (await (await call('GET', '/link-interfaces')).json()) as { nodes: Record<string, string[]> };
    expect(ifaces.nodes.pve3).toContain('198.18.2.13');
    expect((await call('GET', '/link-interfaces', undefined, 'viewer')).status).toBe(403);
    const dry = LinkDryRunResponse.parse(await (await call('POST', '/operations/links', { change: ADD, dryRun: true })).json()).plan;
    expect(dry.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(dry).toMatchObject({ linksBefore: [0, 1], linksAfter: [0, 1, 2], configVersion: { from: 1, to: 2 } });
    expect(dry.diff).toContain('+    ring2_addr: 198.18.2.13');
    expect(dry.diff).toContain('-  config_version: 1\n+  config_version: 2');

    const bad = await call('POST', '/operations/links', { change: { kind: 'set-address', node: 'pve3', link: 1, address: '10.9.9.9' }, clusterName: name, confirm: true });
    expect(bad.status).toBe(409);
    expect(((await bad.json()) as { error: string }).error).toContain('every member reaches the new addresses — unreachable: pve1 → pve3 10.9.9.9 and pve2 → pve3 10.9.9.9');
    expect((await call('POST', '/operations/links', { change: ADD, confirm: true })).status).toBe(400);
    expect((await call('POST', '/operations/links', { change: ADD, clusterName: name, confirm: true }, 'viewer')).status).toBe(403);

    const task = await endedTask(url, tokens.operator, await call('POST', '/operations/links', { change: ADD, clusterName: name, confirm: true }), 30_000);
    expect(task.status, task.log.map((l) => l.line).join('\n')).toBe('ok');
    expect(task.log.at(-1)!.line).toBe('verified: add link 2 (pve1 198.18.2.11, pve2 198.18.2.12, pve3 198.18.2.13): links 0, 1 → 0, 1, 2, config_version 1 → 2');
    const s = await snapshot();
    expect(s.cluster.configVersion).toBe(2);
    expect(s.links.filter((l) => l.link === 2 && l.connected)).toHaveLength(6);
  });
});

describe('the link change helpers', () => {
  it('restoreText: the previous file with config_version above the failed one', () => {
    expect(restoreText('totem {\n  config_version: 3\n}\n', 4)).toBe('totem {\n  config_version: 5\n}\n');
    expect(restoreText('totem {\n', 4)).toBeNull();
  });

  it('linkDifferences: what is still missing after a change', () => {
    const s = sampleSnapshot();
    expect(linkDifferences(s, { kind: 'set-link-mode', mode: 'active' }, 1)).toEqual([]);
    expect(linkDifferences(s, { kind: 'add-link', link: 2, addresses: [] }, 1)).toEqual(['link 2 not connected: pve1–pve2, pve1–pve3, pve2–pve3']);
    expect(linkDifferences(s, { kind: 'remove-link', link: 1 }, 1)).toEqual(['link 1 still carries traffic']);
    expect(toEdit({ kind: 'add-link', link: 2, addresses: [{ node: 'pve1', address: 'a' }] })).toEqual({ kind: 'add-link', link: 2, addresses: { pve1: 'a' } });
  });
});
