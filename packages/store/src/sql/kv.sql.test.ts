import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StoreError } from '../errors';
import { createKvStore } from './kv';
import { ENGINES, useSqlStores } from './testing';

const SimState = z.object({ seed: z.number(), clock: z.number(), faults: z.array(z.string()) });
const Counter = z.number().int();

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
});
