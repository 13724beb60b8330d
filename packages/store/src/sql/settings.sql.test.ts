import { describe, expect, it } from 'vitest';
import type { SqlStore } from './contract';
import { createKvStore } from './kv';
import { createSettings } from './settings';
import { ENGINES, useSqlStores } from './testing';

const timeline = { maxAgeDays: 7, maxMbPerCluster: 1024 };

describe.each(ENGINES)('sql settings.retention on %s', (engine) => {
  const t = useSqlStores(engine);
  const settingsOf = (s: SqlStore) => createSettings(createKvStore(t.ctx(s)));

  it('has defaults, merges partial updates, refuses invalid ones and persists', async () => {
    const a = await t.open();
    const settings = settingsOf(a);
    expect(await settings.retention.get()).toEqual({ events: { maxAgeDays: 90, maxPerCluster: 100_000 }, audit: { maxAgeDays: 365 }, timeline });
    expect(await settings.retention.set({ events: { maxPerCluster: 2 } })).toEqual({
      events: { maxAgeDays: 90, maxPerCluster: 2 },
      audit: { maxAgeDays: 365 },
      timeline,
    });
    await expect(settings.retention.set({ audit: { maxAgeDays: 0 } })).rejects.toThrow(/retention/);
    // an explicit undefined does not erase the current value
    expect((await settings.retention.set({ events: { maxAgeDays: undefined, maxPerCluster: 3 } })).events).toEqual({ maxAgeDays: 90, maxPerCluster: 3 });
    await a.close();
    const b = await t.open();
    expect((await settingsOf(b).retention.get()).events.maxPerCluster).toBe(3);
  });

  it('a refused first set stores nothing', async () => {
    const s = await t.open();
    await expect(settingsOf(s).retention.set({ timeline: { maxMbPerCluster: -1 } })).rejects.toThrow(/retention/);
    expect(await s.db.selectFrom('kv').selectAll().execute()).toEqual([]);
  });

  it('a corrupt stored value reads as the defaults (reported) and is replaced by the next set', async () => {
    const s = await t.open();
    await s.db.insertInto('kv').values({ key: 'settings.retention', value: '{"audit":{"maxAgeDays":"x"}}', updated_at: 1 }).execute();
    expect((await settingsOf(s).retention.get()).audit.maxAgeDays).toBe(365);
    expect((await settingsOf(s).retention.set({ audit: { maxAgeDays: 30 } })).audit.maxAgeDays).toBe(30);
    expect((await settingsOf(s).retention.get()).audit.maxAgeDays).toBe(30);
    expect(t.corrupt).toMatchObject([{ table: 'kv', key: 'settings.retention' }, { table: 'kv', key: 'settings.retention' }]);
  });

  it('concurrent sets of different fields from two replicas all land', async () => {
    const [a, b] = (await t.replicas(2)).map(settingsOf) as [ReturnType<typeof settingsOf>, ReturnType<typeof settingsOf>];
    await Promise.all([
      a.retention.set({ events: { maxAgeDays: 10 } }),
      b.retention.set({ events: { maxPerCluster: 20 } }),
      a.retention.set({ audit: { maxAgeDays: 30 } }),
      b.retention.set({ timeline: { maxAgeDays: 40 } }),
      a.retention.set({ timeline: { maxMbPerCluster: 50 } }),
    ]);
    expect(await a.retention.get()).toEqual({
      events: { maxAgeDays: 10, maxPerCluster: 20 },
      audit: { maxAgeDays: 30 },
      timeline: { maxAgeDays: 40, maxMbPerCluster: 50 },
    });
  });

  it('set joins the transaction of a kv bound to one (rolls back with it)', async () => {
    const s = await t.open();
    await expect(
      s.db.transaction().execute(async (tx) => {
        await createSettings(createKvStore(t.ctx(s, Date.now, tx))).retention.set({ audit: { maxAgeDays: 5 } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await settingsOf(s).retention.get()).audit.maxAgeDays).toBe(365);
  });
});
