import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { KEYFRAME_EVERY_MS, KEYFRAME_EVERY_PATCHES, canonicalize, makePatch, type ClusterSnapshot } from '@quorate/model';
import { sampleSnapshot } from '../../../model/src/testing/arbitraries';
import { FULL_SCAN_MAX } from '../timeline';
import { createTimelineStore } from './timeline';
import type { TimelineStore } from './timeline';
import { ENGINES, useSqlStores } from './testing';

const T0 = 1_700_000_000_000;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** the state at step i: a latency that moves every step, pve3 offline from 50 to 59 */
function stateAt(i: number, at = T0 + i * 1000): ClusterSnapshot {
  const s = clone(sampleSnapshot({ observedAt: at }));
  s.links[0]!.latencyAvgMs = 0.2 + (i % 50) / 100;
  if (i >= 50 && i < 60) {
    s.nodes[2]!.state = 'offline';
    s.quorum = { ...s.quorum!, totalVotes: 2, members: [1, 2] };
  }
  return s;
}

/** records steps [from, to) as one chain starting at rev `first` (a baseline at `from`) */
async function recordRun(tl: TimelineStore, from: number, to: number, first = 1000, at: (i: number) => number = (i) => T0 + i * 1000): Promise<ClusterSnapshot[]> {
  const snaps: ClusterSnapshot[] = [];
  let prev: ClusterSnapshot | null = null;
  for (let i = from; i < to; i++) {
    const s = stateAt(i, at(i));
    const rev = first + i - from;
    if (!prev) await tl.record('c1', { rev, baseRev: null, snapshot: s });
    else await tl.record('c1', { rev, baseRev: rev - 1, patch: makePatch(prev, s, rev - 1, rev)!, snapshot: s });
    snaps.push(s);
    prev = s;
  }
  return snaps;
}

describe.each(ENGINES)('sql timeline on %s', (engine) => {
  const t = useSqlStores(engine);
  async function open() {
    const store = await t.open();
    return { store, tl: createTimelineStore(t.ctx(store)) };
  }

  it('rebuilds every recorded moment exactly, across keyframes, and nothing before the oldest', async () => {
    const { tl } = await open();
    const n = KEYFRAME_EVERY_PATCHES * 2 + 50;
    const snaps = await recordRun(tl, 0, n);
    // a keyframe at the start and every KEYFRAME_EVERY_PATCHES patches after it
    expect(await tl.size('c1')).toMatchObject({ keyframes: 3, patches: n - 3 });
    for (const i of [0, 1, 49, 50, 55, 60, KEYFRAME_EVERY_PATCHES, KEYFRAME_EVERY_PATCHES + 1, n - 1]) {
      const got = (await tl.at('c1', T0 + i * 1000 + 500))!;
      expect(got.snapshot).toEqual(canonicalize(snaps[i]!));
      expect(got.rev).toBe(1000 + i);
      expect(got.at).toBe(T0 + i * 1000);
    }
    expect(await tl.at('c1', T0 - 1)).toBeNull();
    expect(await tl.at('other', T0 + 5000)).toBeNull();
    expect(await tl.oldest('c1')).toBe(T0);
    expect(await tl.newest('c1')).toBe(T0 + (n - 1) * 1000);
    expect(await tl.oldest('other')).toBeNull();
    expect(await tl.newest('other')).toBeNull();
    expect(await tl.size('other')).toEqual({ keyframes: 0, patches: 0, bytes: 0 });
  });

  it('writes a keyframe after KEYFRAME_EVERY_MS of a quiet cluster, and at every new chain', async () => {
    const { tl } = await open();
    // a change every 5 minutes: a keyframe every 3 changes (15 min)
    await recordRun(tl, 0, 7, 1, (i) => T0 + i * 5 * 60_000);
    expect(KEYFRAME_EVERY_MS).toBe(15 * 60_000);
    expect(await tl.size('c1')).toMatchObject({ keyframes: 3, patches: 4 });
    // a new chain (a restart: new revs, a baseline) starts with a keyframe
    const s = stateAt(100, T0 + 3_600_000);
    expect(await tl.record('c1', { rev: 50_000, baseRev: null, snapshot: s })).toBe('keyframe');
    expect((await tl.at('c1', T0 + 3_600_000))!.rev).toBe(50_000);
    // a patch that does not follow the span becomes a keyframe too
    const s2 = stateAt(101, T0 + 3_601_000);
    expect(await tl.record('c1', { rev: 50_005, baseRev: 50_004, patch: makePatch(s, s2, 50_004, 50_005)!, snapshot: s2 })).toBe('keyframe');
    expect((await tl.at('c1', T0 + 3_601_000))!.snapshot).toEqual(canonicalize(s2));
    // a patch not newer than the span writes nothing
    expect(await tl.record('c1', { rev: 50_005, baseRev: 50_004, patch: makePatch(s, s2, 50_004, 50_005)!, snapshot: s2 })).toBeNull();
    expect(await tl.size('c1')).toMatchObject({ keyframes: 5, patches: 4 });
  });

  it('marks: every change in a short range, transitions flagged; a long range thinned', async () => {
    const { tl } = await open();
    await recordRun(tl, 0, 100);
    const r = await tl.marks('c1', T0 + 40_000, T0 + 70_000);
    expect(r.truncated).toBe(false);
    expect(r.marks.map((m) => m.at)).toEqual(Array.from({ length: 31 }, (_, i) => T0 + (40 + i) * 1000));
    expect(r.marks.filter((m) => m.transition).map((m) => m.at)).toEqual([T0 + 50_000, T0 + 60_000]);
    const lost = r.marks.find((m) => m.at === T0 + 55_000)!;
    expect(lost).toMatchObject({ quorate: true, nodesOnline: 2, state: 'degraded', severity: 'warning' });
    const thin = await tl.marks('c1', T0, T0 + 100_000, 10);
    expect(thin.truncated).toBe(true);
    expect(thin.marks).toHaveLength(10);
    expect(thin.marks.filter((m) => m.transition).map((m) => m.at)).toEqual(expect.arrayContaining([T0 + 50_000, T0 + 60_000]));
  });

  it('marks of a range beyond FULL_SCAN_MAX changes: the keyframes and the transitions alone, truncated', async () => {
    const { store, tl } = await open();
    await recordRun(tl, 0, 100);
    // the span's counter says more than a full scan allows (recording that many would be slow): marks
    // takes the transitions-only query, the one the partial index serves
    await store.db.updateTable('timeline_keyframes').set({ patches: FULL_SCAN_MAX }).execute();
    const r = await tl.marks('c1', T0, T0 + 100_000);
    expect(r.truncated).toBe(true);
    expect(r.marks.map((m) => m.at)).toEqual([T0, T0 + 50_000, T0 + 60_000]);
    expect(r.marks.map((m) => m.transition)).toEqual([true, true, true]);
    // the span before the range still gives its transitions inside it
    const later = await tl.marks('c1', T0 + 55_000, T0 + 100_000);
    expect(later.marks.map((m) => m.at)).toEqual([T0 + 60_000]);
  });

  it('has the partial index of the transitions', async () => {
    const { store } = await open();
    const found =
      store.dialect === 'postgres'
        ? await sql<{ def: string }>`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'timeline_patches_transitions'`.execute(store.db)
        : await sql<{ def: string }>`SELECT sql AS def FROM sqlite_master WHERE name = 'timeline_patches_transitions'`.execute(store.db);
    expect(found.rows).toHaveLength(1);
    expect(found.rows[0]!.def).toMatch(/WHERE \(?transition = 1\)?/i);
  });

  it('stores deflated JSON as bytes (bytea on PostgreSQL) and the span counters match', async () => {
    const { store, tl } = await open();
    const snaps = await recordRun(tl, 0, 3);
    const kf = await store.db.selectFrom('timeline_keyframe_data').select('data').executeTakeFirstOrThrow();
    expect(Buffer.isBuffer(kf.data)).toBe(true);
    expect(JSON.parse(inflateRawSync(kf.data).toString('utf8'))).toEqual(canonicalize(snaps[0]!));
    const patches = await store.db.selectFrom('timeline_patches').select(['data', 'rev', 'base_rev']).orderBy('rev').execute();
    expect(patches.map((p) => [p.rev, p.base_rev])).toEqual([[1001, 1000], [1002, 1001]]);
    expect(patches.every((p) => Buffer.isBuffer(p.data))).toBe(true);
    const row = await store.db.selectFrom('timeline_keyframes').select(['id', 'patches', 'bytes', 'chain_start']).executeTakeFirstOrThrow();
    expect(typeof row.id).toBe('number');
    expect(row).toMatchObject({ patches: 2, bytes: kf.data.length + patches[0]!.data.length + patches[1]!.data.length, chain_start: 1 });
    expect(await tl.size('c1')).toEqual({ keyframes: 1, patches: 2, bytes: row.bytes });
  });

  it('prunes whole spans by age: a kept patch always has its keyframe; the oldest moment moves to a keyframe', async () => {
    const { tl } = await open();
    const n = KEYFRAME_EVERY_PATCHES * 3 + 10;
    const snaps = await recordRun(tl, 0, n);
    // a span is its keyframe and KEYFRAME_EVERY_PATCHES patches: the second keyframe is change number 201
    const k1 = T0 + (KEYFRAME_EVERY_PATCHES + 1) * 1000;
    // a cut inside the second span: the first goes, the second (covering the cut) stays
    expect(await tl.prune({ before: k1 + 5000 })).toBe(1);
    expect(await tl.oldest('c1')).toBe(k1);
    expect(await tl.at('c1', k1 - 1)).toBeNull();
    expect((await tl.at('c1', k1 + 5000))!.snapshot).toEqual(canonicalize(snaps[KEYFRAME_EVERY_PATCHES + 6]!));
    expect(await tl.size('c1')).toMatchObject({ keyframes: 3, patches: n - 4 - KEYFRAME_EVERY_PATCHES });
    // nothing more to do at the same cut
    expect(await tl.prune({ before: k1 + 5000 })).toBe(0);
    // the newest span is never dropped, and recording goes on in it
    expect(await tl.prune({ before: T0 + 10 * n * 1000 })).toBe(2);
    expect((await tl.size('c1')).keyframes).toBe(1);
    const s = stateAt(n, T0 + n * 1000);
    expect(await tl.record('c1', { rev: 1000 + n, baseRev: 999 + n, patch: makePatch(snaps[n - 1]!, s, 999 + n, 1000 + n)!, snapshot: s })).toBe('patch');
    expect((await tl.at('c1', T0 + n * 1000))!.snapshot).toEqual(canonicalize(s));
  });

  it('prunes whole spans beyond the size cap, newest kept', async () => {
    const { store, tl } = await open();
    await recordRun(tl, 0, KEYFRAME_EVERY_PATCHES * 4);
    const { bytes } = await tl.size('c1');
    expect(bytes).toBeGreaterThan(0);
    // room for about two spans of four
    expect(await tl.prune({ maxBytesPerCluster: Math.floor(bytes / 2) + 1 })).toBeGreaterThanOrEqual(2);
    const after = await tl.size('c1');
    expect(after.bytes).toBeLessThanOrEqual(Math.floor(bytes / 2) + 1);
    expect(after.keyframes).toBeGreaterThanOrEqual(1);
    // whatever is kept rebuilds from its keyframe
    const oldest = (await tl.oldest('c1'))!;
    expect(await tl.at('c1', oldest)).not.toBeNull();
    expect(await tl.at('c1', oldest - 1)).toBeNull();
    // a cap below one span keeps the newest span
    await tl.prune({ maxBytesPerCluster: 1 });
    expect((await tl.size('c1')).keyframes).toBe(1);
    // a dropped span leaves nothing behind: no data row, no patch of a keyframe that is gone
    const kept = await store.db.selectFrom('timeline_keyframes').select('id').execute();
    const ids = kept.map((k) => k.id);
    expect((await store.db.selectFrom('timeline_keyframe_data').select('keyframe_id').execute()).map((r) => r.keyframe_id)).toEqual(ids);
    const patchOwners = await store.db.selectFrom('timeline_patches').select('keyframe_id').distinct().execute();
    expect(patchOwners.map((r) => r.keyframe_id)).toEqual(ids);
  });

  it('a store without the open span (a restart) starts with a keyframe', async () => {
    const { store, tl } = await open();
    const snaps = await recordRun(tl, 0, 5);
    const again = createTimelineStore(t.ctx(store));
    const s = stateAt(5);
    expect(await again.record('c1', { rev: 1005, baseRev: 1004, patch: makePatch(snaps[4]!, s, 1004, 1005)!, snapshot: s })).toBe('keyframe');
    expect((await again.at('c1', T0 + 5000))!.snapshot).toEqual(canonicalize(s));
    expect((await again.at('c1', T0 + 4000))!.snapshot).toEqual(canonicalize(snaps[4]!));
  });

  it('a replica taking a cluster over starts a new chain; the first one, back again, does not patch its stale span', async () => {
    const [a, b] = await t.replicas(2);
    const first = createTimelineStore(t.ctx(a!));
    const second = createTimelineStore(t.ctx(b!));
    const snaps = await recordRun(first, 0, 5);
    // the second replica got the lease: its first change is a keyframe although the patch follows the stored one
    const s5 = stateAt(5);
    expect(await second.record('c1', { rev: 1005, baseRev: 1004, patch: makePatch(snaps[4]!, s5, 1004, 1005)!, snapshot: s5 })).toBe('keyframe');
    const s6 = stateAt(6);
    expect(await second.record('c1', { rev: 1006, baseRev: 1005, patch: makePatch(s5, s6, 1005, 1006)!, snapshot: s6 })).toBe('patch');
    expect(await first.size('c1')).toMatchObject({ keyframes: 2, patches: 5 });
    // the first replica gets the lease back with its old span in memory, and a change that would follow it:
    // patching the older span would hide the change behind the second replica's keyframe
    const s7 = stateAt(7);
    expect(await first.record('c1', { rev: 1005, baseRev: 1004, patch: makePatch(snaps[4]!, s7, 1004, 1005)!, snapshot: s7 })).toBe('keyframe');
    expect((await first.at('c1', T0 + 7000))!.snapshot).toEqual(canonicalize(s7));
    expect((await first.at('c1', T0 + 6000))!.snapshot).toEqual(canonicalize(s6));
    expect((await first.at('c1', T0 + 4000))!.snapshot).toEqual(canonicalize(snaps[4]!));
    // and goes on patching its new span
    const s8 = stateAt(8);
    expect(await first.record('c1', { rev: 1006, baseRev: 1005, patch: makePatch(s7, s8, 1005, 1006)!, snapshot: s8 })).toBe('patch');
    expect(await first.size('c1')).toMatchObject({ keyframes: 3, patches: 6 });
    expect(await first.newest('c1')).toBe(T0 + 8000);
  });

  it('records of one cluster run one at a time even when not awaited in turn', async () => {
    const { tl } = await open();
    const snaps = Array.from({ length: 6 }, (_, i) => stateAt(i));
    const results = await Promise.all(
      snaps.map((s, i) =>
        i === 0
          ? tl.record('c1', { rev: 1000, baseRev: null, snapshot: s })
          : tl.record('c1', { rev: 1000 + i, baseRev: 999 + i, patch: makePatch(snaps[i - 1]!, s, 999 + i, 1000 + i)!, snapshot: s }),
      ),
    );
    expect(results).toEqual(['keyframe', 'patch', 'patch', 'patch', 'patch', 'patch']);
    expect((await tl.at('c1', T0 + 5000))!.snapshot).toEqual(canonicalize(snaps[5]!));
    // close forgets the span: the next change is a keyframe
    await tl.close('c1');
    const s6 = stateAt(6);
    expect(await tl.record('c1', { rev: 1006, baseRev: 1005, patch: makePatch(snaps[5]!, s6, 1005, 1006)!, snapshot: s6 })).toBe('keyframe');
  });

  it('calls made together go as one batch (one transaction), each as if alone and in order', async () => {
    const store = await t.open();
    const ctx = t.ctx(store);
    let transactions = 0;
    // writeTx opens a transaction through db.transaction() (PostgreSQL) or db.connection() (SQLite)
    const db = new Proxy(ctx.db, {
      get(target, key) {
        if (key === 'transaction' || key === 'connection') transactions++;
        const v = Reflect.get(target, key) as unknown;
        // Kysely's private fields: its methods run on the instance itself
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const tl = createTimelineStore({ ...ctx, db });
    const snaps = Array.from({ length: 4 }, (_, i) => stateAt(i));
    const chain = (id: string, i: number) =>
      i === 0
        ? tl.record(id, { rev: 1000, baseRev: null, snapshot: snaps[0]! })
        : tl.record(id, { rev: 1000 + i, baseRev: 999 + i, patch: makePatch(snaps[i - 1]!, snaps[i]!, 999 + i, 1000 + i)!, snapshot: snaps[i]! });
    // three clusters in one turn; c3 closed between its second and third change (that one starts a new chain)
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 4; i++) {
      calls.push(chain('c1', i), chain('c2', i));
      if (i === 2) calls.push(tl.close('c3'));
      if (i < 3) calls.push(chain('c3', i));
    }
    const results = await Promise.all(calls);
    expect(results).toEqual(['keyframe', 'keyframe', 'keyframe', 'patch', 'patch', 'patch', 'patch', 'patch', undefined, 'keyframe', 'patch', 'patch']);
    expect(transactions).toBe(1);
    for (const id of ['c1', 'c2']) {
      expect((await tl.at(id, T0 + 3000))!.snapshot).toEqual(canonicalize(snaps[3]!));
      expect(await tl.size(id)).toMatchObject({ keyframes: 1, patches: 3 });
    }
    expect(await tl.size('c3')).toMatchObject({ keyframes: 2, patches: 1 });
    // alone, a call goes at once
    const s4 = stateAt(4);
    expect(await tl.record('c1', { rev: 1004, baseRev: 1003, patch: makePatch(snaps[3]!, s4, 1003, 1004)!, snapshot: s4 })).toBe('patch');
    expect(transactions).toBe(2);
  });

  it('a corrupt keyframe is reported and refused, not passed off as the past', async () => {
    const { store, tl } = await open();
    await recordRun(tl, 0, 3);
    await store.db.updateTable('timeline_keyframe_data').set({ data: Buffer.from('not deflated') }).execute();
    await expect(tl.at('c1', T0 + 2000)).rejects.toThrow(/cannot be read/);
    expect(t.corrupt).toHaveLength(1);
    expect(t.corrupt[0]).toMatchObject({ table: 'timeline_keyframe_data' });
  });

  it('a corrupt patch is reported and refused', async () => {
    const { store, tl } = await open();
    await recordRun(tl, 0, 3);
    await store.db.updateTable('timeline_patches').set({ data: Buffer.from('not deflated') }).where('rev', '=', 1002).execute();
    expect((await tl.at('c1', T0 + 1000))!.rev).toBe(1001);
    await expect(tl.at('c1', T0 + 2000)).rejects.toThrow(/cannot be read/);
    expect(t.corrupt).toMatchObject([{ table: 'timeline_patches' }]);
  });
});
