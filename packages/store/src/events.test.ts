import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { draft, useStores } from './testing';

const t = useStores();
const drafts = (from: number, n: number) => Array.from({ length: n }, (_, i) => draft(from + i));

describe('events', () => {
  it('numbers 1..N gap-free, and continues at N+1 after close and reopen', () => {
    const dataDir = join(t.tempDir(), 'data');
    const a = t.open({ dataDir });
    const first = a.events.append('c1', drafts(0, 3));
    const second = a.events.append('c1', drafts(3, 2));
    expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(first[0]).toMatchObject({ clusterId: 'c1', seq: 1, message: 'node n0 left' });
    a.close();

    const b = t.open({ dataDir });
    expect(b.events.lastSeq('c1')).toBe(5);
    expect(b.events.append('c1', drafts(5, 1))[0]?.seq).toBe(6);
    expect(b.events.since('c1', 0, 100).events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never reuses a seq after pruning, even when every event was pruned', () => {
    const dataDir = join(t.tempDir(), 'data');
    const a = t.open({ dataDir });
    a.events.append('c1', drafts(0, 10));
    expect(a.events.prune({ maxEvents: 3 })).toBe(7);
    expect(a.events.firstSeq('c1')).toBe(8);
    expect(a.events.prune({ maxEvents: 0 })).toBe(3);
    expect(a.events.firstSeq('c1')).toBe(11);
    expect(a.events.lastSeq('c1')).toBe(10);
    a.close();
    const b = t.open({ dataDir });
    expect(b.events.append('c1', drafts(10, 2)).map((e) => e.seq)).toEqual([11, 12]);
    expect(b.events.firstSeq('c1')).toBe(11);
  });

  it('prunes by age using the injected clock', () => {
    let clock = 1_700_000_000_000;
    const s = t.open({ now: () => clock });
    s.events.append('c1', [draft(0, clock - 10_000), draft(1, clock - 5_000), draft(2, clock)]);
    expect(s.events.prune({ maxAgeMs: 6_000 })).toBe(1);
    expect(s.events.since('c1', 0, 10).events.map((e) => e.seq)).toEqual([2, 3]);
    clock += 1_000_000;
    expect(s.events.prune({ maxAgeMs: 6_000 })).toBe(2);
    expect(s.events.append('c1', [draft(3, clock)])[0]?.seq).toBe(4);
  });

  it('stays gap-free when two connections append to the same database in turn', () => {
    const dataDir = join(t.tempDir(), 'data');
    const a = t.open({ dataDir });
    const b = t.open({ dataDir });
    const seqs: number[] = [];
    for (let i = 0; i < 10; i++) seqs.push(...(i % 2 ? a : b).events.append('c1', drafts(i * 2, 2)).map((e) => e.seq));
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(a.events.since('c1', 0, 100).events).toHaveLength(20);
  });

  it('keeps independent seqs per cluster', () => {
    const s = t.open();
    s.events.append('a', drafts(0, 3));
    s.events.append('b', drafts(0, 1));
    expect(s.events.append('a', drafts(3, 1))[0]?.seq).toBe(4);
    expect(s.events.append('b', drafts(1, 1))[0]?.seq).toBe(2);
    expect(s.events.lastSeq('a')).toBe(4);
    expect(s.events.lastSeq('b')).toBe(2);
    expect(s.events.lastSeq('none')).toBe(0);
    expect(s.events.firstSeq('none')).toBe(1);
    s.events.prune({ maxEvents: 1 });
    expect(s.events.firstSeq('a')).toBe(4);
    expect(s.events.firstSeq('b')).toBe(2);
  });

  it('pages with since/next', () => {
    const s = t.open();
    s.events.append('c1', drafts(0, 7));
    const p1 = s.events.since('c1', 0, 3);
    expect(p1.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(p1.next).toBe(3);
    const p2 = s.events.since('c1', p1.next, 3);
    expect(p2.events.map((e) => e.seq)).toEqual([4, 5, 6]);
    const p3 = s.events.since('c1', p2.next, 3);
    expect(p3).toMatchObject({ next: 7 });
    expect(p3.events.map((e) => e.seq)).toEqual([7]);
    expect(s.events.since('c1', 7, 3)).toEqual({ events: [], next: 7 });
    expect(s.events.since('other', 0, 3)).toEqual({ events: [], next: 0 });
  });

  it('rejects an invalid draft without consuming a seq', () => {
    const s = t.open();
    const bad = { ...draft(0), severity: 'loud' } as never;
    expect(() => s.events.append('c1', [draft(0), bad])).toThrow(StoreError);
    expect(s.events.lastSeq('c1')).toBe(0);
    expect(s.events.append('c1', [])).toEqual([]);
    expect(s.events.append('c1', drafts(0, 1))[0]?.seq).toBe(1);
  });

  it('skips and reports a corrupt row instead of crashing, and still advances next', () => {
    const dataDir = join(t.tempDir(), 'data');
    const s = t.open({ dataDir });
    s.events.append('c1', drafts(0, 4));
    const raw = new Database(join(dataDir, 'quorate.db'));
    raw.prepare("UPDATE events SET json = '{not json' WHERE seq = 2").run();
    raw.prepare(`UPDATE events SET json = '{"at":1,"severity":"info","message":"x","body":{"type":"bogus"}}' WHERE seq = 3`).run();
    raw.close();
    const page = s.events.since('c1', 0, 10);
    expect(page.events.map((e) => e.seq)).toEqual([1, 4]);
    expect(page.next).toBe(4);
    expect(t.corrupt.map((c) => c.key)).toEqual(['c1#2', 'c1#3']);
    expect(t.corrupt[0]?.problem).toMatch(/invalid JSON/);
    // the history page skips them too
    expect(s.events.list({ clusterId: 'c1', limit: 10 }).events.map((e) => e.seq)).toEqual([4, 1]);
    // a page made only of corrupt rows still moves the reader forward
    expect(s.events.since('c1', 1, 2)).toEqual({ events: [], next: 3 });
  });

  it('lists history newest first with filters, paging and total', () => {
    const s = t.open();
    s.events.append('a', drafts(0, 6)); // critical at i = 0, 3
    s.events.append('b', [
      { at: 1_700_000_000_500, severity: 'warning', message: 'link down', body: { type: 'link-down', from: 1, to: 2, link: 0, fromName: 'n1', toName: 'n2' } },
    ]);
    const all = s.events.list({ limit: 3 });
    expect(all.total).toBe(7);
    expect(all.events.map((e) => `${e.clusterId}${e.seq}`)).toEqual(['a6', 'a5', 'a4']);
    const page2 = s.events.list({ limit: 3, offset: 3 });
    expect(page2.events.map((e) => `${e.clusterId}${e.seq}`)).toEqual(['a3', 'a2', 'b1']);
    expect(s.events.list({ clusterId: 'a', severity: 'critical', limit: 10 }).events.map((e) => e.seq)).toEqual([4, 1]);
    expect(s.events.list({ types: ['link-down'], limit: 10 })).toMatchObject({ total: 1, events: [{ clusterId: 'b' }] });
    expect(s.events.list({ severity: ['warning', 'critical'], limit: 10 }).total).toBe(3);
    const before = s.events.list({ clusterId: 'a', before: 1_700_000_002_000, limit: 10 });
    expect(before.events.map((e) => e.seq)).toEqual([2, 1]);
    expect(before.total).toBe(2);
    // after is inclusive, before exclusive: [after, before)
    const range = s.events.list({ clusterId: 'a', after: 1_700_000_002_000, before: 1_700_000_004_000, limit: 10 });
    expect(range.events.map((e) => e.seq)).toEqual([4, 3]);
    expect(range.total).toBe(2);
    expect(s.events.list({ after: 1_700_000_000_500, limit: 10 }).events.map((e) => `${e.clusterId}${e.seq}`)).toEqual(['a6', 'a5', 'a4', 'a3', 'a2', 'b1']);
    expect(() => s.events.list({ limit: 0 })).toThrow(/limit|Too small/);
  });
});
