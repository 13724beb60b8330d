// A join past its point of no return outlives a BFF restart: the source's checkpoint (a Proxmox join's UPID)
// is kept with the task, and the next start follows the same task further (JoinControl.resume), verifies the
// membership and audits the outcome. A join stopped before any checkpoint is interrupted, as every other task.
// The simulator stands in for the cluster: its join is wrapped to checkpoint and then hang (the "crash").
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { type Role, type Task } from '@quorate/model';
import type { JoinControl } from '@quorate/sources';
import { createServer, type QuorateServer } from './app';
import { loadConfig } from './config';
import { sourceFactory } from './sources';
import { bearerFetch, roleTokens, tempDataDir } from './testing/harness';

const servers: QuorateServer[] = [];
let dataDir = '';
afterEach(async () => {
  await Promise.all(servers.splice(0).map(async (s) => await s.close()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type Wrap = (real: JoinControl) => Partial<JoinControl>;

/** a BFF on the sim with one spare (pve4), its join capability wrapped */
async function start(wrap: Wrap) {
  const config = loadConfig({ PORT: '0', QUORATE_WEB_DIST: '/nonexistent', QUORATE_SIM_TOKEN_MS: '200', QUORATE_SIM_TICK_MS: '100', QUORATE_DATA_DIR: dataDir, QUORATE_SIM_SPARES: '1' });
  const make = sourceFactory();
  const server = await createServer(config, {
    logger: pino({ level: 'silent' }),
    createSource: (c, log, resume) => {
      const source = make(c, log, resume);
      const real = source.capabilities.join!;
      source.capabilities.join = { ...real, ...wrap(real) } as JoinControl;
      return source;
    },
  });
  servers.push(server);
  const { url } = await server.start();
  const tokens = await roleTokens(server);
  const call = (method: string, path: string, body?: unknown, as: Role = 'operator') => bearerFetch(`${url}/api/v1${path}`, tokens[as], { method, ...(body !== undefined ? { body } : {}) });
  return { server, call };
}

const never = () => new Promise<void>(() => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function taskUntil(call: Awaited<ReturnType<typeof start>>['call'], id: string, ok: (t: Task) => boolean, timeoutMs = 30_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = (await (await call('GET', `/tasks/${id}`, undefined, 'viewer')).json()) as Task;
    if (ok(t)) return t;
    if (Date.now() > deadline) throw new Error(`task ${id}: ${JSON.stringify({ status: t.status, resume: t.resume, log: t.log.map((l) => l.line) })}`);
    await sleep(100);
  }
}

async function startJoin(call: Awaited<ReturnType<typeof start>>['call']): Promise<string> {
  const res = await call('POST', '/operations/join', { node: { name: 'pve4' }, confirm: true });
  expect(res.status).toBe(202);
  return ((await res.json()) as { task: Task }).task.id;
}

describe('a join across a BFF restart', () => {
  it('checkpointed: the next start follows the same task to its end, verifies 4 of 4 votes and audits it', async () => {
    dataDir = tempDataDir();
    const a = await start(() => ({
      join: async (input, io) => {
        io.log(`${input.name}: task UPID:${input.name}:0000ABCD:00012345:65A1B2C3:clusterjoin::root@pam:`);
        io.checkpoint?.({ kind: 'test-join', node: input.name });
        return never();
      },
    }));
    const id = await startJoin(a.call);
    const held = await taskUntil(a.call, id, (t) => t.resume?.handle != null);
    expect(held).toMatchObject({ status: 'running', resume: { role: 'operator', state: { node: 'pve4', expectedVotes: 4, quorum: 3 }, handle: { kind: 'test-join', node: 'pve4' } } });
    await a.server.close();
    servers.splice(0);

    const followed: Record<string, unknown>[] = [];
    const b = await start((real) => ({
      resume: async (handle, io) => {
        followed.push(handle);
        io.log(`following ${String(handle.node)} further`);
        // the cluster finishes the join the crashed process had started
        const spare = (await real.candidates()).find((c) => c.name === handle.node)!;
        await real.join({ name: spare.name, addresses: spare.addresses }, io);
      },
    }));
    const ended = await taskUntil(b.call, id, (t) => t.status !== 'running');
    const lines = ended.log.map((l) => l.line);
    expect(ended.status, lines.join('\n')).toBe('ok');
    expect(ended.message).toBe('node pve4 joined');
    expect(followed).toEqual([{ kind: 'test-join', node: 'pve4' }]);
    expect(lines).toContain('the BFF restarted while this task ran: following it further');
    expect(lines).toContain('following pve4 further');
    expect(lines.find((l) => l.startsWith('verified:'))).toMatch(/4 of 4 votes, needed 3, quorate/);
    // the lines before the restart are still there, in order
    expect(lines.indexOf('the BFF restarted while this task ran: following it further')).toBeGreaterThan(lines.findIndex((l) => l.includes('UPID:pve4')));
    const audit = (await (await b.call('GET', '/audit?operation=join', undefined, 'admin')).json()) as { records: { result: string; params: { task?: string }; actor: unknown }[] };
    expect(audit.records.find((e) => e.params.task === id)).toMatchObject({ result: 'ok' });
  });

  it('stopped before the point of no return (no checkpoint): interrupted, as before', async () => {
    dataDir = tempDataDir();
    const a = await start(() => ({ join: () => never() }));
    const id = await startJoin(a.call);
    await taskUntil(a.call, id, (t) => t.log.some((l) => l.line.startsWith('joining pve4')));
    await a.server.close();
    servers.splice(0);
    let resumed = false;
    const b = await start(() => ({ resume: async () => void (resumed = true) }));
    const t = await taskUntil(b.call, id, (x) => x.status !== 'running');
    expect(t.status).toBe('interrupted');
    expect(t.resume?.handle).toBeNull();
    expect(resumed).toBe(false);
  });
});
