// Small JSON documents by key (their encoding: ../kv.ts) on SQLite or PostgreSQL: the simulator's state (seed,
// clock, faults) so a restart resumes the same cluster, settings, keys made on first use.
import type { z } from 'zod';
import { kvText, kvValueOf } from '../kv';
import type { SqlContext } from './contract';
import { matchesNothing } from './text';
import { writeTx } from './tx';

export type KvStore = ReturnType<typeof createKvStore>;

export function createKvStore(ctx: SqlContext) {
  const { db, dialect, now, reportCorrupt } = ctx;

  async function set(key: string, value: unknown): Promise<void> {
    const text = kvText(key, value);
    const t = now();
    await db
      .insertInto('kv')
      .values({ key, value: text, updated_at: t })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: t }))
      .execute();
  }

  /**
   * Read-modify-write in one transaction: next(current) is stored and returned; current is undefined
   * when absent or invalid. The key's row stays locked from the read to the commit, so a concurrent
   * update (another replica) waits and then reads this one's result instead of overwriting it: on
   * PostgreSQL a transaction alone would not do that (READ COMMITTED lets both read the old value).
   */
  async function update<S extends z.ZodType, T>(key: string, schema: S, next: (current: z.output<S> | undefined) => T): Promise<T> {
    return writeTx(db, dialect, async (tx) => {
      // an absent key has no row to lock: insert a placeholder (locked until commit; a concurrent
      // inserter waits on it); it is overwritten below or rolled back with a failed update
      const created = await tx
        .insertInto('kv')
        .values({ key, value: 'null', updated_at: now() })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      let current: z.output<S> | undefined;
      if (created === undefined) {
        const row = await tx
          .selectFrom('kv')
          .select('value')
          .where('key', '=', key)
          // SQLite has no FOR UPDATE: its BEGIN IMMEDIATE already holds the whole database
          .$if(dialect === 'postgres', (q) => q.forUpdate())
          .executeTakeFirstOrThrow();
        current = kvValueOf(key, row.value, schema, reportCorrupt);
      }
      const value = next(current);
      await createKvStore({ ...ctx, db: tx }).set(key, value);
      return value;
    });
  }

  const stored = async (key: string): Promise<string | undefined> =>
    (await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst())?.value;

  return {
    /** The value parsed with schema, or undefined when absent or no longer valid (reported). */
    async get<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S> | undefined> {
      if (matchesNothing(key)) return undefined;
      const text = await stored(key);
      return text === undefined ? undefined : kvValueOf(key, text, schema, reportCorrupt);
    },

    set,

    async delete(key: string): Promise<boolean> {
      if (matchesNothing(key)) return false;
      const r = await db.deleteFrom('kv').where('key', '=', key).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    update,

    /**
     * The value at key; when absent, create()'s, stored by one insert-if-absent and read back, so callers
     * racing on an absent key (replicas starting together) all get the one value stored first. A stored
     * value that no longer parses (reported) is replaced by create()'s under update's row lock.
     */
    async getOrCreate<S extends z.ZodType>(key: string, schema: S, create: () => z.output<S>): Promise<z.output<S>> {
      let text = await stored(key);
      if (text === undefined) {
        await db
          .insertInto('kv')
          .values({ key, value: kvText(key, create()), updated_at: now() })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        text = await stored(key);
      }
      const value = text === undefined ? undefined : kvValueOf(key, text, schema, reportCorrupt);
      return value !== undefined ? value : update(key, schema, (current) => current ?? create());
    },
  };
}
