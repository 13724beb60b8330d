// Restart on the same data directory with the real simulator: same faults, same numbering, nothing invented.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { SimSource } from '@quorate/sources';
import { createServer, type QuorateServer } from '../app';
import { loadConfig } from '../config';
import { tempDataDir } from '../testing/harness';
import { shiftSimTimes } from './checkpoint';

const dirs: string[] = [];
const servers: QuorateServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function boot(dataDir: string, env: Record<string, string> = {}): Promise<{ server: QuorateServer; sim: SimSource; warnings: string[] }> {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const server = createServer(loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TICK_MS: '600000', QUORATE_SIM_TOKEN_MS: '200', QUORATE_DATA_DIR: dataDir, ...env }), { logger });
  servers.push(server);
  await server.start();
  return { server, sim: server.collectors.get('lab-cluster')!.source as SimSource, warnings };
}
const stop = async (s: QuorateServer) => {
  await s.close();
  servers.splice(servers.indexOf(s), 1);
};

describe('restart on the same data directory', () => {
  it('resumes the same simulated cluster: faults kept, seq continues, no invented events', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const a = await boot(dir);
    a.sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    a.sim.advance(10_000);
    a.sim.applyFault({ action: 'link-quality', node: 'pve1', link: 1, latencyMs: 25, lossPct: 0, jitterMs: 0 });
    const lastSeq = a.server.store.events.lastSeq('lab-cluster');
    expect(lastSeq).toBeGreaterThan(0);
    const state = a.sim.exportState();
    await stop(a.server);

    const b = await boot(dir);
    expect(b.warnings).toEqual([]);
    const resumed = b.sim.exportState();
    expect(resumed.status).toEqual(state.status);
    expect(resumed.quality).toEqual(state.quality);
    expect(b.server.collectors.get('lab-cluster')!.current()!.snapshot.nodes.map((n) => n.state)).toEqual(['online', 'online', 'offline']);
    b.sim.advance(5_000);
    // nothing happened to the cluster: nothing recorded
    expect(b.server.store.events.lastSeq('lab-cluster')).toBe(lastSeq);
    b.sim.applyFault({ action: 'start', nodes: ['pve3'] });
    b.sim.advance(30_000);
    const after = b.server.store.events.since('lab-cluster', lastSeq, 100).events;
    expect(after[0]!.seq).toBe(lastSeq + 1);
    expect(after.map((e) => e.body.type)).toContain('node-joined');
  });

  it('changed simulator settings start a fresh simulation (said in the log)', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const a = await boot(dir);
    a.sim.applyFault({ action: 'stop', nodes: ['pve3'] });
    await stop(a.server);
    const b = await boot(dir, { QUORATE_SIM_NODES: '4' });
    expect(b.warnings.join('')).toMatch(/simulator settings changed since the last run; starting a fresh simulation/);
    expect(b.sim.exportState().status).toEqual(['running', 'running', 'running', 'running']);
  });

  it('shiftSimTimes moves epoch times, not durations, counters or the config', () => {
    const state = { clock: 1_700_000_000_000, tickCount: 5, nodeSince: [1_700_000_000_500, 0], config: { seed: 1_700_000_000_000 }, scheduled: [{ at: 1_700_000_001_000, fault: { action: 'heal' } }] };
    expect(shiftSimTimes(state, 1000)).toEqual({ clock: 1_700_000_001_000, tickCount: 5, nodeSince: [1_700_000_001_500, 0], config: { seed: 1_700_000_000_000 }, scheduled: [{ at: 1_700_000_002_000, fault: { action: 'heal' } }] });
  });
});
