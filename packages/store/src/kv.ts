// kv values (small JSON documents by key: the simulator's state, settings) as stored and read back, for
// the kv part (sql/kv.ts).
import type { z } from 'zod';
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
