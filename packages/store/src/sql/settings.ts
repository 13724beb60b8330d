// Settings kept in kv, with defaults (../settings.ts), on the asynchronous kv.
import { mergeRetention, RETENTION_KEY, RetentionPatch, retentionOf } from '../settings';
import type { Retention } from '../settings';
import type { AsyncKvStore } from './contract';
import type { SqlKvStore } from './kv';

export function createSettings(kv: AsyncKvStore & Pick<SqlKvStore, 'update'>) {
  return {
    retention: {
      async get(): Promise<Retention> {
        return retentionOf(await kv.get(RETENTION_KEY, RetentionPatch));
      },
      /** Merges the patch over the current values in one transaction (a concurrent set is never lost). */
      set(patch: RetentionPatch): Promise<Retention> {
        return kv.update(RETENTION_KEY, RetentionPatch, (stored) => mergeRetention(retentionOf(stored), patch));
      },
    },
  };
}
