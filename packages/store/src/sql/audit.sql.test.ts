import { describe, expect, it } from 'vitest';
import type { AuditInput } from '../audit';
import { createAuditStore } from './audit';
import { ENGINES, handClock, useSqlStores } from './testing';

const base: AuditInput = {
  actor: { kind: 'user', id: 'u1', name: 'alice' },
  role: 'operator',
  operation: 'node.fault.inject',
  clusterId: 'lab',
  params: { node: 'n2', password: '[redacted]' },
  confirmed: true,
  result: 'ok',
  message: 'stopped corosync on n2',
};

describe.each(ENGINES)('sql audit on %s', (engine) => {
  const t = useSqlStores(engine);

  it('records with defaults and reads back the same record', async () => {
    const audit = createAuditStore(t.ctx(await t.open(), () => 1_700_000_000_000));
    const r = await audit.record({ ...base, taskLog: ['systemctl stop corosync', 'ok'] });
    expect(r).toMatchObject({ id: 1, at: 1_700_000_000_000, ...base, taskLog: ['systemctl stop corosync', 'ok'] });
    const { records, total } = await audit.list({ limit: 10 });
    expect(total).toBe(1);
    expect(records[0]).toEqual(r);
    // ids and times are JS numbers on both engines (bigserial/bigint parsed on PostgreSQL)
    expect(typeof records[0]?.id).toBe('number');
    expect(typeof records[0]?.at).toBe('number');
    const noLog = await audit.record({ ...base, clusterId: null, at: 5 });
    expect(noLog.id).toBe(2);
    expect((await audit.list({ limit: 10 })).records.find((x) => x.id === noLog.id)).toEqual(noLog);
    expect(noLog.taskLog).toBeUndefined();
    const anonymous = await audit.record({ ...base, role: null, confirmed: false, at: 6 });
    expect((await audit.list({ limit: 10 })).records.find((x) => x.id === anonymous.id)).toEqual(anonymous);
    await expect(audit.record({ ...base, result: 'maybe' as never })).rejects.toThrow(/audit record/);
    await expect(audit.record({ ...base, params: { f: () => 1 } })).rejects.toThrow(/params must be a JSON value/);
    await expect(audit.list({ limit: 0 })).rejects.toThrow(/audit query/);
    expect((await audit.list({ limit: 10 })).total).toBe(3);
  });

  it('filters by cluster, operation, result and actor, pages newest first with total', async () => {
    const clock = handClock(1_000);
    const audit = createAuditStore(t.ctx(await t.open(), clock.now));
    for (let i = 0; i < 12; i++) {
      clock.advance(1_000);
      await audit.record({
        ...base,
        actor: i % 2 === 0 ? base.actor : { kind: 'token', id: 'tok_1', name: 'ci' },
        clusterId: i < 8 ? 'lab' : 'prod',
        operation: i % 3 === 0 ? 'user.create' : 'node.fault.inject',
        result: i === 5 ? 'refused' : 'ok',
        message: `op ${i}`,
      });
    }
    const page1 = await audit.list({ limit: 5 });
    expect(page1.total).toBe(12);
    expect(page1.records.map((r) => r.message)).toEqual(['op 11', 'op 10', 'op 9', 'op 8', 'op 7']);
    expect((await audit.list({ limit: 5, offset: 10 })).records.map((r) => r.message)).toEqual(['op 1', 'op 0']);
    expect(await audit.list({ limit: 5, offset: 20 })).toEqual({ records: [], total: 12 });
    expect((await audit.list({ clusterId: 'prod', limit: 10 })).total).toBe(4);
    expect((await audit.list({ operation: 'user.create', limit: 10 })).records.map((r) => r.message)).toEqual(['op 9', 'op 6', 'op 3', 'op 0']);
    expect((await audit.list({ result: 'refused', limit: 10 })).records.map((r) => r.message)).toEqual(['op 5']);
    expect((await audit.list({ actor: 'ci', limit: 10 })).total).toBe(6);
    expect((await audit.list({ actor: 'tok_1', limit: 2 })).records.map((r) => r.message)).toEqual(['op 11', 'op 9']);
    expect((await audit.list({ actor: 'u1', clusterId: 'lab', limit: 10 })).total).toBe(4);
    // a filter with NUL (PostgreSQL text cannot hold one) matches nothing on both engines
    expect(await audit.list({ actor: 'u1\0', limit: 10 })).toEqual({ records: [], total: 0 });
    expect(await audit.list({ clusterId: 'lab\0', limit: 10 })).toEqual({ records: [], total: 0 });
    // the total counts every match, not the page
    expect(await audit.list({ actor: 'u1', clusterId: 'lab', limit: 1, offset: 1 })).toMatchObject({ total: 4, records: [{ message: 'op 4' }] });

    clock.at = 1_000 + 12_000;
    expect(await audit.prune({ maxAgeMs: 5_500 })).toBe(6); // records at 2000..7000 are older than 7500
    expect((await audit.list({ limit: 100 })).total).toBe(6);
    await expect(audit.prune({ maxAgeMs: -1 })).rejects.toThrow(/maxAgeMs/);
  });

  it('orders records of the same time by id, newest first', async () => {
    const audit = createAuditStore(t.ctx(await t.open(), () => 42));
    for (let i = 0; i < 3; i++) await audit.record({ ...base, message: `m${i}` });
    await audit.record({ ...base, at: 41, message: 'older' });
    expect((await audit.list({ limit: 10 })).records.map((r) => r.message)).toEqual(['m2', 'm1', 'm0', 'older']);
  });

  it('skips and reports a corrupt row', async () => {
    const s = await t.open();
    const audit = createAuditStore(t.ctx(s));
    await audit.record(base);
    const bad = await audit.record(base);
    const badLog = await audit.record(base);
    await s.db.updateTable('audit').set({ result: 'exploded' }).where('id', '=', bad.id).execute();
    await s.db.updateTable('audit').set({ task_log: '[oops' }).where('id', '=', badLog.id).execute();
    const { records, total } = await audit.list({ limit: 10 });
    expect(records.map((r) => r.id)).toEqual([1]);
    expect(total).toBe(3);
    expect(t.corrupt).toMatchObject([
      { table: 'audit', key: String(badLog.id), problem: 'task_log: invalid JSON' },
      { table: 'audit', key: String(bad.id) },
    ]);
  });
});
