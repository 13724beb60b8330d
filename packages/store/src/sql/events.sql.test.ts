import { describe, expect, it } from 'vitest';
import type { EventDraft } from '@quorate/model';
import { StoreError } from '../errors';
import { draft } from '../testing';
import { checkFence, FencedError } from './fence';
import type { SqlStore } from './open';
import { createEventStore } from './events';
import { ENGINES, handClock, useSqlStores } from './testing';

const drafts = (from: number, n: number) => Array.from({ length: n }, (_, i) => draft(from + i));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(ENGINES)('events on %s', (engine) => {
  const t = useSqlStores(engine);

  it('numbers 1..N gap-free, and continues at N+1 after close and reopen', async () => {
    const a = await t.open();
    const first = await a.events.append('c1', drafts(0, 3));
    const second = await a.events.append('c1', drafts(3, 2));
    expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(first[0]).toMatchObject({ clusterId: 'c1', seq: 1, message: 'node n0 left' });
    await a.close();

    const b = await t.open();
    expect(await b.events.lastSeq('c1')).toBe(5);
    expect((await b.events.append('c1', drafts(5, 1)))[0]?.seq).toBe(6);
    const stored = (await b.events.since('c1', 0, 100)).events;
    expect(stored.map((e) => e.seq)).toEqual(range(1, 6));
    // what comes back is what went in, typed (seq a number, not PostgreSQL's bigint string)
    expect(stored[2]).toEqual({ ...draft(2), seq: 3, clusterId: 'c1' });
  });

  it('stays gap-free and unique with 8 concurrent appenders on two replicas', async () => {
    const replicas = await t.replicas(2);
    const APPENDERS = 8;
    const ROUNDS = 12;
    const results = await Promise.all(
      range(0, APPENDERS - 1).map(async (w) => {
        const got: number[][] = [];
        for (let r = 0; r < ROUNDS; r++) {
          const size = 1 + ((w + r) % 3);
          const batch = drafts(w * 1000 + r * 10, size);
          const events = await replicas[w % 2]!.events.append('c1', batch);
          // each event comes back with its own draft
          expect(events.map((e) => e.message)).toEqual(batch.map((d) => d.message));
          got.push(events.map((e) => e.seq));
        }
        return got;
      }),
    );
    const batches = results.flat();
    const total = batches.reduce((n, b) => n + b.length, 0);
    // one append's events are consecutive: nothing of another appender lands in between
    for (const b of batches) expect(b).toEqual(range(b[0]!, b[0]! + b.length - 1));
    expect(batches.flat().sort((x, y) => x - y)).toEqual(range(1, total));
    expect(await replicas[0]!.events.lastSeq('c1')).toBe(total);
    const stored = await replicas[1]!.events.since('c1', 0, 10_000);
    expect(stored.events.map((e) => e.seq)).toEqual(range(1, total));
  });

  it('pages with since/next', async () => {
    const s = await t.open();
    await s.events.append('c1', drafts(0, 7));
    const p1 = await s.events.since('c1', 0, 3);
    expect(p1.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(p1.next).toBe(3);
    const p2 = await s.events.since('c1', p1.next, 3);
    expect(p2.events.map((e) => e.seq)).toEqual([4, 5, 6]);
    const p3 = await s.events.since('c1', p2.next, 3);
    expect(p3).toMatchObject({ next: 7 });
    expect(p3.events.map((e) => e.seq)).toEqual([7]);
    expect(await s.events.since('c1', 7, 3)).toEqual({ events: [], next: 7 });
    expect(await s.events.since('other', 0, 3)).toEqual({ events: [], next: 0 });
    await expect(s.events.since('c1', 0, 0)).rejects.toThrow(StoreError);
  });

  it('never reuses a seq after pruning, even when every event was pruned, and after reopen', async () => {
    const a = await t.open();
    await a.events.append('c1', drafts(0, 10));
    expect(await a.events.prune({ maxEvents: 3 })).toBe(7);
    expect((await a.events.since('c1', 0, 100)).events.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(await a.events.prune({ maxEvents: 0 })).toBe(3);
    expect(await a.events.lastSeq('c1')).toBe(10);
    await a.close();
    const b = await t.open();
    expect((await b.events.append('c1', drafts(10, 2))).map((e) => e.seq)).toEqual([11, 12]);
    expect((await b.events.since('c1', 0, 100)).events.map((e) => e.seq)).toEqual([11, 12]);
  });

  it('prunes by age using the injected clock', async () => {
    const clock = handClock(1_700_000_000_000);
    const s = await t.open({ now: clock.now });
    await s.events.append('c1', [draft(0, clock.at - 10_000), draft(1, clock.at - 5_000), draft(2, clock.at)]);
    expect(await s.events.prune({ maxAgeMs: 6_000 })).toBe(1);
    expect((await s.events.since('c1', 0, 10)).events.map((e) => e.seq)).toEqual([2, 3]);
    clock.advance(1_000_000);
    expect(await s.events.prune({ maxAgeMs: 6_000 })).toBe(2);
    expect((await s.events.append('c1', [draft(3, clock.at)]))[0]?.seq).toBe(4);
  });

  it('keeps independent seqs per cluster', async () => {
    const s = await t.open();
    await s.events.append('a', drafts(0, 3));
    await s.events.append('b', drafts(0, 1));
    expect((await s.events.append('a', drafts(3, 1)))[0]?.seq).toBe(4);
    expect((await s.events.append('b', drafts(1, 1)))[0]?.seq).toBe(2);
    expect(await s.events.lastSeq('a')).toBe(4);
    expect(await s.events.lastSeq('none')).toBe(0);
    await s.events.prune({ maxEvents: 1 });
    expect((await s.events.since('a', 0, 10)).events.map((e) => e.seq)).toEqual([4]);
    expect((await s.events.since('b', 0, 10)).events.map((e) => e.seq)).toEqual([2]);
  });

  it('rejects an invalid draft without consuming a seq', async () => {
    const s = await t.open();
    const bad = { ...draft(0), severity: 'loud' } as unknown as EventDraft;
    await expect(s.events.append('c1', [draft(0), bad])).rejects.toThrow(StoreError);
    await expect(s.events.append('', [draft(0)])).rejects.toThrow(StoreError);
    expect(await s.events.lastSeq('c1')).toBe(0);
    expect(await s.events.append('c1', [])).toEqual([]);
    expect((await s.events.append('c1', drafts(0, 1)))[0]?.seq).toBe(1);
  });

  it('stores a batch larger than one INSERT in one transaction', async () => {
    const s = await t.open();
    const many = drafts(0, 1_234);
    expect((await s.events.append('c1', many)).at(-1)?.seq).toBe(1_234);
    expect((await s.events.since('c1', 1_200, 100)).events.map((e) => e.seq)).toEqual(range(1_201, 1_234));
  });

  it('skips and reports a corrupt row instead of failing, and still advances next', async () => {
    const s = await t.open();
    await s.events.append('c1', drafts(0, 4));
    await s.db.updateTable('events').set({ json: '{not json' }).where('seq', '=', 2).execute();
    await s.db
      .updateTable('events')
      .set({ json: '{"at":1,"severity":"info","message":"x","body":{"type":"bogus"}}' })
      .where('seq', '=', 3)
      .execute();
    const page = await s.events.since('c1', 0, 10);
    expect(page.events.map((e) => e.seq)).toEqual([1, 4]);
    expect(page.next).toBe(4);
    expect(t.corrupt.map((c) => c.key)).toEqual(['c1#2', 'c1#3']);
    expect(t.corrupt[0]?.problem).toMatch(/invalid JSON/);
    expect(await s.events.since('c1', 1, 2)).toEqual({ events: [], next: 3 });
  });

  describe('fenced appends', () => {
    const TTL = 10_000;

    it('refuses the former holder after its lease expired and another took over; writes nothing', async () => {
      const clock = handClock(1_700_000_000_000);
      const { now } = clock;
      const a = await t.open({ now });
      const b = await t.open({ now });
      const leaseA = await a.leases.acquire('c1', 'replica-a', TTL);
      expect(leaseA).not.toBeNull();
      const fenceA = { holder: 'replica-a', token: leaseA!.token };
      expect((await a.events.append('c1', drafts(0, 2), fenceA)).map((e) => e.seq)).toEqual([1, 2]);

      clock.advance(TTL + 1); // A is paused past its lease
      const leaseB = await b.leases.acquire('c1', 'replica-b', TTL);
      expect(leaseB!.token).toBeGreaterThan(leaseA!.token);

      const refused = a.events.append('c1', drafts(2, 3), fenceA);
      await expect(refused).rejects.toBeInstanceOf(FencedError);
      await expect(refused).rejects.toMatchObject({ why: 'other-holder', clusterId: 'c1' });
      expect(await b.events.lastSeq('c1')).toBe(2);
      expect((await b.events.since('c1', 0, 100)).events).toHaveLength(2);

      const fenceB = { holder: 'replica-b', token: leaseB!.token };
      expect((await b.events.append('c1', drafts(2, 1), fenceB)).map((e) => e.seq)).toEqual([3]);
    });

    it('refuses an expired lease even before anyone else takes it, and a cluster without a lease', async () => {
      const clock = handClock(1_700_000_000_000);
      const s = await t.open({ now: clock.now });
      const { token } = (await s.leases.acquire('c1', 'replica-a', TTL))!;
      clock.advance(TTL);
      await expect(s.events.append('c1', drafts(0, 1), { holder: 'replica-a', token })).rejects.toMatchObject({ why: 'expired' });
      await expect(s.events.append('c2', drafts(0, 1), { holder: 'replica-a', token })).rejects.toMatchObject({ why: 'no-lease' });
      expect(await s.events.lastSeq('c1')).toBe(0);
      expect(await s.events.lastSeq('c2')).toBe(0);
    });

    it('a write paused after its fence check holds off the takeover until it commits', async () => {
      const clock = handClock(1_700_000_000_000);
      const { now } = clock;
      const [a, b] = (await t.replicas(2, { now })) as [SqlStore, SqlStore];
      const fenceA = { holder: 'replica-a', token: (await a.leases.acquire('c1', 'replica-a', TTL))!.token };
      // A's transaction, stopped right after the check as if its process were paused there
      const paused = await a.db.startTransaction().execute();
      let tookOver = false;
      try {
        await checkFence(paused, engine, 'c1', fenceA, clock.at);
        clock.advance(TTL + 1);
        const takeover = b.leases.acquire('c1', 'replica-b', TTL).then((l) => ((tookOver = true), l));
        await new Promise((r) => setTimeout(r, 200));
        expect(tookOver).toBe(false);
        await paused.commit().execute();
        expect((await takeover)?.token).toBe(fenceA.token + 1);
      } finally {
        if (!paused.isCommitted) await paused.rollback().execute();
      }
    });

    it('under concurrency: every write of the old holder lands before the new holder takes over, or not at all', async () => {
      const clock = handClock(1_700_000_000_000);
      const { now } = clock;
      const [a, b] = (await t.replicas(2, { now })) as [SqlStore, SqlStore];
      const fenceA = { holder: 'replica-a', token: (await a.leases.acquire('c1', 'replica-a', TTL))!.token };

      const aSeqs: number[] = [];
      let refusedA = 0;
      // B takes over once A has written 20 events, while A's 8 writers are still going
      let midway = () => {};
      const reachedMidway = new Promise<void>((resolve) => (midway = resolve));
      const writers = range(0, 7).map(async (w) => {
        for (let r = 0; r < 10; r++) {
          try {
            aSeqs.push(...(await a.events.append('c1', drafts(w * 100 + r, 1), fenceA)).map((e) => e.seq));
            if (aSeqs.length >= 20) midway();
          } catch (e) {
            if (!(e instanceof FencedError)) throw e;
            refusedA += 1;
          }
        }
      });
      const takeover = (async () => {
        await reachedMidway;
        clock.advance(TTL + 1);
        const leaseB = await b.leases.acquire('c1', 'replica-b', TTL);
        return b.events.append('c1', drafts(9_999, 2), { holder: 'replica-b', token: leaseB!.token });
      })();
      const [bEvents] = await Promise.all([takeover, ...writers]);

      expect(aSeqs.length + refusedA).toBe(80);
      expect(refusedA).toBeGreaterThan(0);
      const bSeqs = bEvents.map((e) => e.seq);
      expect(Math.max(0, ...aSeqs)).toBeLessThan(Math.min(...bSeqs));
      const all = [...aSeqs, ...bSeqs].sort((x, y) => x - y);
      expect(all).toEqual(range(1, all.length));
      expect(await b.events.lastSeq('c1')).toBe(all.length);
    });
  });
});

// firstSeq and list, on the part itself (on the store's database, its corrupt rows collected by the test)
describe.each(ENGINES)('events history on %s', (engine) => {
  const t = useSqlStores(engine);
  const partOf = (s: SqlStore) => createEventStore(t.ctx(s));

  it('firstSeq: the oldest kept, lastSeq + 1 when nothing is kept, also after reopen', async () => {
    const a = partOf(await t.open());
    await a.append('c1', drafts(0, 10));
    expect(await a.firstSeq('c1')).toBe(1);
    expect(await a.prune({ maxEvents: 3 })).toBe(7);
    expect(await a.firstSeq('c1')).toBe(8);
    expect(await a.prune({ maxEvents: 0 })).toBe(3);
    expect(await a.firstSeq('c1')).toBe(11);
    expect(await a.lastSeq('c1')).toBe(10);
    const b = partOf(await t.open());
    expect((await b.append('c1', drafts(10, 2))).map((e) => e.seq)).toEqual([11, 12]);
    expect(await b.firstSeq('c1')).toBe(11);
  });

  it('firstSeq per cluster, and 1 for a cluster never seen', async () => {
    const s = partOf(await t.open());
    await s.append('a', drafts(0, 4));
    await s.append('b', drafts(0, 2));
    expect(await s.firstSeq('none')).toBe(1);
    await s.prune({ maxEvents: 1 });
    expect(await s.firstSeq('a')).toBe(4);
    expect(await s.firstSeq('b')).toBe(2);
  });

  it('lists history newest first with filters, paging and total', async () => {
    const s = partOf(await t.open());
    await s.append('a', drafts(0, 6)); // critical at i = 0, 3
    await s.append('b', [
      { at: 1_700_000_000_500, severity: 'warning', message: 'link down', body: { type: 'link-down', from: 1, to: 2, link: 0, fromName: 'n1', toName: 'n2' } },
    ]);
    const all = await s.list({ limit: 3 });
    expect(all.total).toBe(7);
    expect(all.events.map((e) => `${e.clusterId}${e.seq}`)).toEqual(['a6', 'a5', 'a4']);
    const page2 = await s.list({ limit: 3, offset: 3 });
    expect(page2.events.map((e) => `${e.clusterId}${e.seq}`)).toEqual(['a3', 'a2', 'b1']);
    expect((await s.list({ clusterId: 'a', severity: 'critical', limit: 10 })).events.map((e) => e.seq)).toEqual([4, 1]);
    expect(await s.list({ types: ['link-down'], limit: 10 })).toMatchObject({ total: 1, events: [{ clusterId: 'b' }] });
    expect((await s.list({ severity: ['warning', 'critical'], limit: 10 })).total).toBe(3);
    const before = await s.list({ clusterId: 'a', before: 1_700_000_002_000, limit: 10 });
    expect(before.events.map((e) => e.seq)).toEqual([2, 1]);
    expect(before.total).toBe(2);
    // after is inclusive, before exclusive: [after, before)
    const range2 = await s.list({ clusterId: 'a', after: 1_700_000_002_000, before: 1_700_000_004_000, limit: 10 });
    expect(range2.events.map((e) => e.seq)).toEqual([4, 3]);
    expect(range2.total).toBe(2);
    expect((await s.list({ after: 1_700_000_000_500, limit: 10 })).events.map((e) => `${e.clusterId}${e.seq}`)).toEqual(['a6', 'a5', 'a4', 'a3', 'a2', 'b1']);
    // an empty set matches nothing (as IN (NULL) would)
    expect(await s.list({ types: [], limit: 10 })).toEqual({ events: [], total: 0 });
    expect(await s.list({ severity: [], limit: 10 })).toEqual({ events: [], total: 0 });
    await expect(s.list({ limit: 0 })).rejects.toThrow(/limit|Too small/);
    await expect(s.list({ limit: 0 })).rejects.toBeInstanceOf(StoreError);
  });

  it('events at the same moment: cluster ascending, then seq descending', async () => {
    const s = partOf(await t.open());
    const at = 1_700_000_000_000;
    await s.append('b', [draft(0, at), draft(1, at)]);
    await s.append('a', [draft(2, at)]);
    await s.append('B', [draft(3, at)]);
    // byte order ('B' before 'a'), as SQLite's BINARY collation and PostgreSQL's C locale
    expect((await s.list({ limit: 10 })).events.map((e) => `${e.clusterId}${e.seq}`)).toEqual(['B1', 'a1', 'b2', 'b1']);
  });

  it('the history page skips and reports corrupt rows; total still counts them', async () => {
    const store = await t.open();
    const s = partOf(store);
    await s.append('c1', drafts(0, 4));
    await store.db.updateTable('events').set({ json: '{not json' }).where('seq', '=', 2).execute();
    await store.db
      .updateTable('events')
      .set({ json: '{"at":1,"severity":"info","message":"x","body":{"type":"bogus"}}' })
      .where('seq', '=', 3)
      .execute();
    const page = await s.list({ clusterId: 'c1', limit: 10 });
    expect(page.events.map((e) => e.seq)).toEqual([4, 1]);
    expect(page.total).toBe(4);
    expect(t.corrupt.map((c) => c.key)).toEqual(['c1#3', 'c1#2']);
  });
});
