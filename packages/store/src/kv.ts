// Small JSON documents by key: the simulator's state (seed, clock, faults) so a restart resumes the
// same cluster, and settings.
import type { z } from 'zod';
import type { Db } from './db';
import { StoreError } from './errors';
import { parseJson } from './corrupt';
import type { CorruptReporter } from './corrupt';

/** A stored value parsed with schema, or undefined when it is no longer valid (reported). */
export function kvValueOf<S extends z.ZodType>(key: string, text: string, schema: S, reportCorrupt: CorruptReporter): z.output<S> | undefined {
  const json = parseJson(text);
  if (!json.ok) {
    reportCorrupt({ table: 'kv', key, problem: json.problem });
    return undefined;
  }
  const r = schema.safeParse(json.value);
  if (!r.success) {
    reportCorrupt({ table: 'kv', key, problem: r.error.issues.map((i) => i.message).join('; ') });
    return undefined;
  }
  return r.data;
}

/** The text to store for value; throws StoreError('invalid') for an empty key or a value JSON cannot hold. */
export function kvText(key: string, value: unknown): string {
  const text = JSON.stringify(value);
  if (typeof key !== 'string' || key.length === 0) throw new StoreError('invalid', 'kv key must not be empty');
  if (text === undefined) throw new StoreError('invalid', `kv ${key}: value is not JSON-serialisable`);
  return text;
}

export type KvStore = ReturnType<typeof createKvStore>;

export function createKvStore(db: Db, now: () => number, reportCorrupt: CorruptReporter) {
  const read = db.prepare('SELECT value FROM kv WHERE key = ?').pluck();
  const write = db.prepare(`INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  const remove = db.prepare('DELETE FROM kv WHERE key = ?');

  return {
    /** The value parsed with schema, or undefined when absent or no longer valid (reported). */
    get<S extends z.ZodType>(key: string, schema: S): z.output<S> | undefined {
      const text = read.get(key) as string | undefined;
      return text === undefined ? undefined : kvValueOf(key, text, schema, reportCorrupt);
    },

    set(key: string, value: unknown): void {
      write.run(key, kvText(key, value), now());
    },

    delete(key: string): boolean {
      return remove.run(key).changes > 0;
    },
  };
}
