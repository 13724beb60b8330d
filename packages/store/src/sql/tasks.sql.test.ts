import { describe, expect, it } from 'vitest';
import type { Task } from '@quorate/model';
import type { SqlStore } from './contract';
import { createTaskStore } from './tasks';
import { ENGINES, useSqlStores } from './testing';

const task = (id: string, startedAt: number, over: Partial<Task> = {}): Task => ({
  id,
  operation: 'expected-votes',
  clusterId: 'lab',
  status: 'running',
  startedAt,
  endedAt: null,
  actor: { kind: 'user', id: 'u1', name: 'admin' },
  params: { votes: 3 },
  message: null,
  log: [{ at: startedAt, line: 'started' }],
  ...over,
});

describe.each(ENGINES)('tasks on %s', (engine) => {
  const t = useSqlStores(engine);
  const partOf = (s: SqlStore, now?: () => number) => createTaskStore(t.ctx(s, now));

  it('saves, reads back whole, and a save again replaces its state but keeps cluster, operation and start', async () => {
    const s = partOf(await t.open());
    const a = task('t1', 1_000, { resume: { role: 'admin', state: { node: 'n1' }, handle: null } });
    await s.save(a);
    expect(await s.get('t1')).toEqual(a);
    expect(await s.get('none')).toBeNull();
    // PostgreSQL text cannot hold NUL: such an id finds nothing on both engines, as on SQLite
    expect(await s.get('t1\0')).toBeNull();
    const done = { ...a, status: 'ok' as const, endedAt: 2_000, message: 'expected votes set to 3' };
    await s.save(done);
    expect(await s.get('t1')).toEqual(done);
    // the columns behind the filters keep the first save's cluster, operation and start
    await s.save({ ...done, clusterId: 'other', operation: 'join', startedAt: 9_000 });
    expect((await s.list({ cluster: 'lab', operation: 'expected-votes', limit: 10, offset: 0 })).total).toBe(1);
    expect((await s.list({ cluster: 'other', limit: 10, offset: 0 })).total).toBe(0);
  });

  it('lists newest first (ties by id, descending), filtered, paged, with the total', async () => {
    const s = partOf(await t.open());
    await s.save(task('t1', 1_000));
    await s.save(task('t2', 2_000, { status: 'ok', operation: 'join' }));
    await s.save(task('t3', 2_000, { clusterId: 'prod' }));
    await s.save(task('t4', 3_000, { status: 'failed' }));
    const all = await s.list({ limit: 10, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.tasks.map((x) => x.id)).toEqual(['t4', 't3', 't2', 't1']);
    expect(await s.list({ limit: 2, offset: 1 })).toMatchObject({ total: 4, tasks: [{ id: 't3' }, { id: 't2' }] });
    expect((await s.list({ cluster: 'lab', limit: 10, offset: 0 })).tasks.map((x) => x.id)).toEqual(['t4', 't2', 't1']);
    expect((await s.list({ status: 'running', limit: 10, offset: 0 })).tasks.map((x) => x.id)).toEqual(['t3', 't1']);
    expect(await s.list({ operation: 'join', limit: 10, offset: 0 })).toMatchObject({ total: 1, tasks: [{ id: 't2' }] });
    expect(await s.list({ cluster: 'lab', status: 'running', operation: 'expected-votes', limit: 10, offset: 0 })).toMatchObject({ total: 1, tasks: [{ id: 't1' }] });
    expect(await s.list({ cluster: 'none', limit: 10, offset: 0 })).toEqual({ tasks: [], total: 0 });
  });

  it('endRunning ends the running tasks but those kept, with the line said, in one go', async () => {
    const clock = 50_000;
    const s = partOf(await t.open(), () => clock);
    await s.save(task('t1', 1_000));
    await s.save(task('t2', 2_000, { resume: { role: 'admin', state: {}, handle: { upid: 'UPID:n1:1' } } }));
    await s.save(task('t3', 3_000));
    await s.save(task('t4', 500, { status: 'ok', endedAt: 900, message: 'done' }));
    const ended = await s.endRunning('interrupted', 'the BFF stopped', (x) => x.resume?.handle != null);
    expect(ended.map((x) => x.id)).toEqual(['t1', 't3']);
    expect(ended[0]).toEqual({ ...task('t1', 1_000), status: 'interrupted', endedAt: 50_000, message: 'the BFF stopped', log: [{ at: 1_000, line: 'started' }, { at: 50_000, line: 'the BFF stopped' }] });
    expect(await s.get('t1')).toEqual(ended[0]);
    expect((await s.get('t2'))?.status).toBe('running');
    expect((await s.get('t4'))?.message).toBe('done');
    // without keep: every running one
    expect((await s.endRunning('failed', 'gave up')).map((x) => [x.id, x.status])).toEqual([['t2', 'failed']]);
    expect(await s.endRunning('failed', 'again')).toEqual([]);
  });

  it('endRunning writes nothing when keep throws (one transaction)', async () => {
    const s = partOf(await t.open());
    await s.save(task('t1', 1_000));
    await s.save(task('t2', 2_000));
    let calls = 0;
    const keep = () => {
      if (++calls === 2) throw new Error('keep failed');
      return false;
    };
    await expect(s.endRunning('interrupted', 'x', keep)).rejects.toThrow('keep failed');
    expect((await s.list({ status: 'running', limit: 10, offset: 0 })).total).toBe(2);
  });

  it('skips and reports a corrupt row in get, list and endRunning', async () => {
    const store = await t.open();
    const s = partOf(store);
    await s.save(task('t1', 1_000));
    await s.save(task('t2', 2_000));
    await s.save(task('t3', 3_000));
    await store.db.updateTable('tasks').set({ json: '{not json' }).where('id', '=', 't2').execute();
    await store.db.updateTable('tasks').set({ json: '{"id":"t3"}' }).where('id', '=', 't3').execute();
    expect(await s.get('t2')).toBeNull();
    expect(t.corrupt.map((c) => [c.table, c.key])).toEqual([['tasks', 't2']]);
    expect(t.corrupt[0]?.problem).toMatch(/invalid JSON/);
    const page = await s.list({ limit: 10, offset: 0 });
    expect(page.tasks.map((x) => x.id)).toEqual(['t1']);
    expect(page.total).toBe(3);
    expect((await s.endRunning('interrupted', 'stopped')).map((x) => x.id)).toEqual(['t1']);
    expect(t.corrupt.map((c) => c.key)).toEqual(['t2', 't3', 't2', 't2', 't3']);
  });

  it('prune drops ended tasks started before maxAgeMs ago, never a running one', async () => {
    const clock = 100_000;
    const s = partOf(await t.open(), () => clock);
    await s.save(task('old-running', 1_000));
    await s.save(task('old-ok', 2_000, { status: 'ok' }));
    await s.save(task('old-failed', 3_000, { status: 'failed' }));
    await s.save(task('new-ok', 95_000, { status: 'ok' }));
    expect(await s.prune({ maxAgeMs: 10_000 })).toBe(2);
    expect((await s.list({ limit: 10, offset: 0 })).tasks.map((x) => x.id)).toEqual(['new-ok', 'old-running']);
    expect(await s.prune({ maxAgeMs: 10_000 })).toBe(0);
  });
});
