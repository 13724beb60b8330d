import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SelectQueryNode } from 'kysely';
import type { KyselyPlugin, QueryId } from 'kysely';
import { z } from 'zod';
import { StoreError } from '../errors';
import { createKvStore } from './kv';
import { ENGINES, useSqlStores } from './testing';

const SimState = z.object({ seed: z.number(), clock: z.number(), faults: z.array(z.string()) });
const Counter = z.number().int();
const Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** Holds each read that finds nothing until n such reads were made: n callers all see a key absent before any writes it. */
function absentReadsMeet(n: number): KyselyPlugin {
  const reads = new Set<QueryId>();
  let found = 0;
  let meet = () => {};
  const met = new Promise<void>((resolve) => (meet = resolve));
  return {
    transformQuery({ queryId, node }) {
      if (SelectQueryNode.is(node)) reads.add(queryId);
      return node;
    },
    async transformResult({ queryId, result }) {
      if (reads.has(queryId) && result.rows.length === 0 && found < n) {
        if (++found === n) meet();
        await met;
      }
      return result;
    },
  };
}

describe.each(ENGINES)('sql kv on %s', (engine) => {
  const t = useSqlStores(engine);

  it('round-trips JSON across a reopen and validates on read', async () => {
    const a = await t.open();
    const state = { seed: 42, clock: 1234.5, faults: ['partition n1'] };
    await createKvStore(t.ctx(a)).set('sim.state', state);
    expect(await createKvStore(t.ctx(a)).get('sim.state', SimState)).toEqual(state);
    await a.close();
    const s = await t.open();
    const kv = createKvStore(t.ctx(s, () => 77));
    expect(await kv.get('sim.state', SimState)).toEqual(state);
    expect(await kv.get('missing', SimState)).toBeUndefined();
    await kv.set('sim.state', { seed: 'nope' });
    expect(await s.db.selectFrom('kv').select(['value', 'updated_at']).where('key', '=', 'sim.state').executeTakeFirst()).toEqual({
      value: '{"seed":"nope"}',
      updated_at: 77,
    });
    expect(await kv.get('sim.state', SimState)).toBeUndefined();
    expect(t.corrupt).toMatchObject([{ table: 'kv', key: 'sim.state' }]);
    expect(await kv.delete('sim.state')).toBe(true);
    expect(await kv.delete('sim.state')).toBe(false);
    await expect(kv.set('x', undefined)).rejects.toThrow(StoreError);
    await expect(kv.set('', 1)).rejects.toThrow(/must not be empty/);
    // a key with NUL (PostgreSQL text cannot hold one) is simply absent on both engines
    expect(await kv.get('a\0b', Counter)).toBeUndefined();
    expect(await kv.delete('a\0b')).toBe(false);
  });

  it('reports a value that is not JSON at all', async () => {
    const s = await t.open();
    await s.db.insertInto('kv').values({ key: 'k', value: '{nope', updated_at: 1 }).execute();
    expect(await createKvStore(t.ctx(s)).get('k', Counter)).toBeUndefined();
    expect(t.corrupt).toMatchObject([{ table: 'kv', key: 'k', problem: expect.stringMatching(/invalid JSON/) }]);
  });

  it('update: reads, writes and returns next; a failed update writes nothing, not even its placeholder', async () => {
    const s = await t.open();
    const kv = createKvStore(t.ctx(s));
    expect(await kv.update('n', Counter, (n) => (n ?? 0) + 1)).toBe(1);
    expect(await kv.update('n', Counter, (n) => (n ?? 0) + 1)).toBe(2);
    expect(await kv.get('n', Counter)).toBe(2);
    await expect(
      kv.update('fresh', Counter, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await expect(kv.update('n', Counter, () => undefined)).rejects.toThrow(StoreError);
    expect(await s.db.selectFrom('kv').select('key').where('key', '=', 'fresh').execute()).toEqual([]);
    expect(await kv.get('n', Counter)).toBe(2);
    // an invalid stored value reads as absent (reported), and is replaced
    await kv.set('n', 'text');
    expect(await kv.update('n', Counter, (n) => (n ?? 10) + 1)).toBe(11);
    expect(t.corrupt).toMatchObject([{ table: 'kv', key: 'n' }]);
  });

  it('update: concurrent updates from two replicas are never lost', async () => {
    const replicas = await t.replicas(2);
    const kvs = replicas.map((r) => createKvStore(t.ctx(r)));
    const ROUNDS = 15;
    // each reads and writes one more: without the row lock PostgreSQL loses most of them (READ COMMITTED)
    await Promise.all(
      Array.from({ length: ROUNDS * 2 }, (_, i) =>
        kvs[i % 2]!.update('count', Counter, (n) => (n ?? 0) + 1),
      ),
    );
    expect(await kvs[0]!.get('count', Counter)).toBe(ROUNDS * 2);
  });

  it('getOrCreate: callers that all found the key absent, on three replicas, all get the one value stored first', async () => {
    const CALLERS = 9;
    // PostgreSQL: reads that found nothing wait for each other, so every caller races. SQLite: a waiting
    // read would hold its one connection, so the callers interleave as they come (two read it absent).
    const race = engine === 'postgres' ? absentReadsMeet(CALLERS) : null;
    const kvs = (await t.replicas(3)).map((r) => createKvStore(t.ctx(r, Date.now, race ? r.db.withPlugin(race) : r.db)));
    const made: string[] = [];
    const make = () => {
      const v = randomBytes(32).toString('hex');
      made.push(v);
      return v;
    };
    const got = await Promise.all(Array.from({ length: CALLERS }, (_, i) => kvs[i % 3]!.getOrCreate('key', Hex, make)));
    // the callers that read the key absent each made a value; every caller got the one that was stored
    if (engine === 'postgres') expect(made).toHaveLength(CALLERS);
    else expect(made.length).toBeGreaterThan(1);
    expect(new Set(got).size).toBe(1);
    expect(made).toContain(got[0]);
    expect(await kvs[0]!.get('key', Hex)).toBe(got[0]);
    // once stored, create is not called
    expect(await kvs[1]!.getOrCreate('key', Hex, () => { throw new Error('not called'); })).toBe(got[0]);
  });

  it('getOrCreate: a stored value that no longer parses is reported and replaced, once', async () => {
    const s = await t.open();
    const kv = createKvStore(t.ctx(s));
    await kv.set('key', 'not hex');
    const fresh = await kv.getOrCreate('key', Hex, () => 'a'.repeat(64));
    expect(fresh).toBe('a'.repeat(64));
    expect(await kv.get('key', Hex)).toBe(fresh);
    expect(t.corrupt.map((r) => r.key)).toContain('key');
    expect(await kv.getOrCreate('key', Hex, () => 'b'.repeat(64))).toBe(fresh);
    await expect(kv.getOrCreate('', Hex, () => 'c'.repeat(64))).rejects.toThrow(/must not be empty/);
  });
});
