import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AuditInput } from './audit';
import { useStores } from './testing';

const t = useStores();

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

describe('audit', () => {
  it('records with defaults and reads back the same record', () => {
    const s = t.open({ now: () => 1_700_000_000_000 });
    const r = s.audit.record({ ...base, taskLog: ['systemctl stop corosync', 'ok'] });
    expect(r).toMatchObject({ id: 1, at: 1_700_000_000_000, ...base, taskLog: ['systemctl stop corosync', 'ok'] });
    const { records, total } = s.audit.list({ limit: 10 });
    expect(total).toBe(1);
    expect(records[0]).toEqual(r);
    const noLog = s.audit.record({ ...base, clusterId: null, at: 5 });
    expect(s.audit.list({ limit: 10 }).records.find((x) => x.id === noLog.id)).toEqual(noLog);
    expect(noLog.taskLog).toBeUndefined();
    expect(() => s.audit.record({ ...base, result: 'maybe' as never })).toThrow(/audit record/);
    expect(() => s.audit.record({ ...base, params: { f: () => 1 } })).toThrow(/params must be a JSON value/);
    expect(s.audit.list({ limit: 10 }).total).toBe(2);
  });

  it('filters by cluster, operation, result and actor, pages newest first with total', () => {
    let clock = 1_000;
    const s = t.open({ now: () => clock });
    for (let i = 0; i < 12; i++) {
      clock += 1_000;
      s.audit.record({
        ...base,
        actor: i % 2 === 0 ? base.actor : { kind: 'token', id: 'tok_1', name: 'ci' },
        clusterId: i < 8 ? 'lab' : 'prod',
        operation: i % 3 === 0 ? 'user.create' : 'node.fault.inject',
        result: i === 5 ? 'refused' : 'ok',
        message: `op ${i}`,
      });
    }
    const page1 = s.audit.list({ limit: 5 });
    expect(page1.total).toBe(12);
    expect(page1.records.map((r) => r.message)).toEqual(['op 11', 'op 10', 'op 9', 'op 8', 'op 7']);
    expect(s.audit.list({ limit: 5, offset: 10 }).records.map((r) => r.message)).toEqual(['op 1', 'op 0']);
    expect(s.audit.list({ clusterId: 'prod', limit: 10 }).total).toBe(4);
    expect(s.audit.list({ operation: 'user.create', limit: 10 }).records.map((r) => r.message)).toEqual(['op 9', 'op 6', 'op 3', 'op 0']);
    expect(s.audit.list({ result: 'refused', limit: 10 }).records.map((r) => r.message)).toEqual(['op 5']);
    expect(s.audit.list({ actor: 'ci', limit: 10 }).total).toBe(6);
    expect(s.audit.list({ actor: 'u1', clusterId: 'lab', limit: 10 }).total).toBe(4);

    clock = 1_000 + 12_000;
    expect(s.audit.prune({ maxAgeMs: 5_500 })).toBe(6); // records at 2000..7000 are older than 7500
    expect(s.audit.list({ limit: 100 }).total).toBe(6);
  });

  it('skips and reports a corrupt row', () => {
    const dataDir = join(t.tempDir(), 'data');
    const s = t.open({ dataDir });
    s.audit.record(base);
    const bad = s.audit.record(base);
    const raw = new Database(join(dataDir, 'quorate.db'));
    raw.prepare("UPDATE audit SET result = 'exploded' WHERE id = ?").run(bad.id);
    raw.close();
    expect(s.audit.list({ limit: 10 }).records.map((r) => r.id)).toEqual([1]);
    expect(t.corrupt).toMatchObject([{ table: 'audit', key: String(bad.id) }]);
  });
});
