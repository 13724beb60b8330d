import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { StoreError } from '../errors';
import { LINK_ROLLUP_KEEP_MS } from '../link-rollups';
import type { LinkRollup } from '../link-rollups';
import type { SqlStore } from './contract';
import { createLinkRollupStore } from './link-rollups';
import { ENGINES, useSqlStores } from './testing';

const M0 = 28_333_333 * 60_000; // a whole minute in 2023
const DAY = 86_400_000;
const row = (minute: number, over: Partial<LinkRollup> = {}): LinkRollup => ({
  a: 1,
  b: 2,
  link: 0,
  minute,
  avgMs: 0.25,
  maxMs: 0.6,
  lossPct: 0,
  lossMaxPct: 0,
  ...over,
});

describe.each(ENGINES)('link rollups on %s', (engine) => {
  const t = useSqlStores(engine);
  const partOf = (s: SqlStore, now?: () => number) => createLinkRollupStore(t.ctx(s, now));

  it('writes a minute per pair and link and reads one pair back (either order), oldest first, figures kept', async () => {
    const s = partOf(await t.open());
    const minute = (m: number): LinkRollup[] => [
      row(M0 + m * 60_000, { avgMs: 80.1234, maxMs: 95.5, lossPct: 5.25, lossMaxPct: 12.5 }),
      row(M0 + m * 60_000, { link: 1 }),
      row(M0 + m * 60_000, { a: 2, b: 3, avgMs: null, maxMs: null, lossPct: null, lossMaxPct: null }),
    ];
    for (let m = 0; m < 3; m++) expect(await s.write('c1', minute(m))).toBe(3);
    await s.write('c2', [row(M0)]);
    const got = await s.pair('c1', 2, 1, 0, M0, M0 + 10 * 60_000);
    expect(got.map((r) => r.minute)).toEqual([M0, M0 + 60_000, M0 + 120_000]);
    // stored as whole microseconds and parts per million
    expect(got[0]).toEqual({ a: 1, b: 2, link: 0, minute: M0, avgMs: 80.123, maxMs: 95.5, lossPct: 5.25, lossMaxPct: 12.5 });
    expect(await s.pair('c1', 2, 3, 0, M0, M0)).toEqual([row(M0, { a: 2, b: 3, avgMs: null, maxMs: null, lossPct: null, lossMaxPct: null })]);
    expect(await s.pair('c1', 1, 2, 0, M0 + 60_000, M0 + 60_000)).toHaveLength(1);
    // part minutes at either end: from rounds up, to rounds down
    expect((await s.pair('c1', 1, 2, 0, M0 + 1, M0 + 120_000 - 1)).map((r) => r.minute)).toEqual([M0 + 60_000]);
    expect(await s.count('c1')).toBe(9);
    expect(await s.count('c2')).toBe(1);
    expect(await s.count('c1\0')).toBe(0);
    expect(await s.pair('c1\0', 1, 2, 0, M0, M0)).toEqual([]);
  });

  it('a minute written again replaces its rows; a key twice in one batch: the last wins', async () => {
    const s = partOf(await t.open());
    await s.write('c1', [row(M0, { avgMs: 1 })]);
    await s.write('c1', [row(M0, { avgMs: 2, lossPct: null })]);
    expect(await s.pair('c1', 1, 2, 0, M0, M0)).toEqual([row(M0, { avgMs: 2, lossPct: null })]);
    expect(await s.write('c1', [row(M0, { avgMs: 3 }), row(M0, { avgMs: 4 })])).toBe(2);
    expect((await s.pair('c1', 1, 2, 0, M0, M0)).map((r) => r.avgMs)).toEqual([4]);
    expect(await s.count('c1')).toBe(1);
  });

  it('refuses a < b violations, part minutes and bad figures, and writes nothing of such a batch', async () => {
    const s = partOf(await t.open());
    await expect(s.write('c1', [row(M0), row(M0, { a: 2, b: 1 })])).rejects.toThrow(StoreError);
    await expect(s.write('c1', [row(M0 + 1)])).rejects.toThrow(StoreError);
    await expect(s.write('c1', [row(M0, { lossPct: 101 })])).rejects.toThrow(StoreError);
    await expect(s.write('', [row(M0)])).rejects.toThrow(StoreError);
    expect(await s.count('c1')).toBe(0);
    expect(await s.write('c1', [])).toBe(0);
  });

  it('a batch larger than one INSERT lands whole, in one transaction', async () => {
    const store = await t.open();
    const s = partOf(store);
    // 32 nodes' pairs x 8 links for 2 minutes: 7936 rows, more than one statement's parameters on either engine
    const many: LinkRollup[] = [];
    for (let m = 0; m < 2; m++)
      for (let a = 0; a < 32; a++) for (let b = a + 1; b < 32; b++) for (let link = 0; link < 8; link++) many.push(row(M0 + m * 60_000, { a, b, link, avgMs: a + b / 100 }));
    expect(await s.write('c1', many)).toBe(7_936);
    expect(await s.count('c1')).toBe(7_936);
    expect(await s.pair('c1', 31, 30, 7, M0, M0 + 60_000)).toEqual([row(M0, { a: 30, b: 31, link: 7, avgMs: 30.31 }), row(M0 + 60_000, { a: 30, b: 31, link: 7, avgMs: 30.31 })]);
    // a failure in a later statement leaves nothing of the batch: the table refuses the batch's last row
    const later = many.map((r) => ({ ...r, minute: r.minute + 10 * 60_000 }));
    const last = later.at(-1)!;
    const when = `NEW.minute = ${last.minute} AND NEW.a = ${last.a} AND NEW.b = ${last.b} AND NEW.link = ${last.link}`;
    if (engine === 'postgres') {
      await sql.raw(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF ${when} THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`).execute(store.db);
      await sql.raw('CREATE TRIGGER refuse BEFORE INSERT ON link_rollups FOR EACH ROW EXECUTE FUNCTION refuse()').execute(store.db);
    } else {
      await sql.raw(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON link_rollups WHEN ${when} BEGIN SELECT RAISE(ABORT, 'refused'); END`).execute(store.db);
    }
    await expect(s.write('c1', later)).rejects.toThrow(/refused/);
    expect(await s.count('c1')).toBe(7_936);
  });

  it('a read spans at most 8 days back from its end', async () => {
    const s = partOf(await t.open());
    await s.write('c1', [row(M0), row(M0 + 9 * DAY)]);
    expect(await s.pair('c1', 1, 2, 0, M0, M0 + 9 * DAY)).toHaveLength(1);
    expect(await s.pair('c1', 1, 2, 0, M0 + 60_000, M0)).toEqual([]);
    await s.write('c1', [row(M0 + 9 * DAY - (8 * 24 * 60 - 1) * 60_000)]);
    expect((await s.pair('c1', 1, 2, 0, M0, M0 + 9 * DAY)).map((r) => r.minute)).toEqual([M0 + 9 * DAY - (8 * 24 * 60 - 1) * 60_000, M0 + 9 * DAY]);
  });

  it('prune drops minutes older than a week, for every cluster', async () => {
    const now = M0 + LINK_ROLLUP_KEEP_MS + 30 * 60_000;
    const s = partOf(await t.open(), () => now);
    for (const id of ['a', 'b', 'c', 'B'])
      await s.write(id, [row(M0), row(M0 + 29 * 60_000), row(M0 + 30 * 60_000), row(M0 + 31 * 60_000)]);
    expect(await s.prune()).toBe(4 * 2);
    for (const id of ['a', 'b', 'c', 'B']) expect(await s.count(id)).toBe(2);
    expect(await s.prune()).toBe(0);
    expect(await s.prune(M0 + 31 * 60_000)).toBe(4);
    expect(await s.count('B')).toBe(1);
  });
});
