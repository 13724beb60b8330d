// The task model: an operation streams its task over the socket (`task`), is kept, and one left running
// by a stopped process is marked interrupted at the next start. Logs are bounded; cancel reaches the run.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TASK_MAX_LINES, Task, TaskMessage, type Role } from '@quorate/model';
import type { QuorateServer } from '../app';
import { startSimServer, TestClient, bearerFetch, endedTask, tempDataDir } from '../testing/harness';
import { INTERRUPTED_LINE } from './runner';

let server: QuorateServer | null = null;
let url = '';
let tokens: Record<Role, string>;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<void> {
  ({ server, url, tokens } = await startSimServer(dataDir, { QUORATE_SIM_TOKEN_MS: '200' }));
}
const dir = () => {
  const d = tempDataDir();
  dirs.push(d);
  return d;
};
const runner = () => server!.tasks;

describe('tasks', () => {
  it('an operation streams its task to the cluster room: log lines as they come, then its end', async () => {
    await start(dir());
    const client = new TestClient(url, { token: tokens.viewer });
    const messages: TaskMessage[] = [];
    client.socket.on('task', (m: unknown) => messages.push(TaskMessage.parse(m)));
    await client.subscribe({});
    const res = await bearerFetch(`${url}/api/v1/operations/expected-votes`, tokens.operator, { method: 'POST', body: { expectedVotes: 4, confirm: true, clusterName: 'lab-cluster' } });
    const task = await endedTask(url, tokens.operator, res);
    await client.until(() => messages.some((m) => m.task.status === 'ok'), 'the end of the task');
    const lines = messages.flatMap((m) => m.lines.map((l) => l.line));
    expect(lines).toEqual(task.log.map((l) => l.line));
    expect(messages.at(-1)).toMatchObject({ task: { id: task.id, status: 'ok', message: 'expected votes set to 4' }, lines: [] });
    // every message before the last says running
    expect(messages.slice(0, -1).every((m) => m.task.status === 'running')).toBe(true);
    client.close();
  });

  it('a task left running by a stopped BFF is interrupted at the next start, and says so', async () => {
    const dataDir = dir();
    await start(dataDir);
    const t = runner().begin({ operation: 'join', clusterId: 'lab-cluster', actor: { kind: 'user', id: 'u1', name: 'alice' }, params: { node: 'pve4' } });
    t.log('copying the cluster key');
    await server!.close();
    server = null;
    await start(dataDir);
    const after = Task.parse(await (await bearerFetch(`${url}/api/v1/tasks/${t.id}`, tokens.viewer)).json());
    expect(after).toMatchObject({ status: 'interrupted', message: INTERRUPTED_LINE, params: { node: 'pve4' } });
    expect(after.endedAt).not.toBeNull();
    expect(after.log.map((l) => l.line)).toEqual(['copying the cluster key', INTERRUPTED_LINE]);
    const listed = await (await bearerFetch(`${url}/api/v1/tasks?status=interrupted`, tokens.viewer)).json();
    expect(listed).toMatchObject({ total: 1, tasks: [{ id: t.id }] });
    // ended: nothing to cancel
    expect((await bearerFetch(`${url}/api/v1/tasks/${t.id}/cancel`, tokens.operator, { method: 'POST' })).status).toBe(409);
  });

  it('bounds the log (lines and length) and passes a cancel to the run as an aborted signal', async () => {
    await start(dir());
    const t = runner().begin({ operation: 'long', clusterId: 'lab-cluster', actor: { kind: 'token', id: 't', name: 'ci' }, params: {} });
    for (let i = 0; i < TASK_MAX_LINES + 50; i++) t.log(i === 0 ? 'x'.repeat(10_000) : `line ${i}`);
    const snap = t.snapshot();
    expect(snap.log).toHaveLength(TASK_MAX_LINES + 1);
    expect(snap.log[0]!.line.length).toBeLessThanOrEqual(4_097);
    expect(snap.log.at(-1)!.line).toMatch(/^\(log cut: more than 2000 lines/);
    expect(t.signal.aborted).toBe(false);
    t.cancel('bob');
    expect(t.signal.aborted).toBe(true);
    expect(await t.end('cancelled', 'cancelled by bob')).toMatchObject({ status: 'cancelled' });
    // an ended task takes no more lines
    t.log('late');
    await server!.tasks.settled();
    expect((await server!.store.tasks.get(t.id))!.log.at(-1)!.line).not.toBe('late');
    expect((await bearerFetch(`${url}/api/v1/tasks/nope`, tokens.viewer)).status).toBe(404);
    expect((await bearerFetch(`${url}/api/v1/tasks?status=bogus`, tokens.viewer)).status).toBe(400);
  });
});
