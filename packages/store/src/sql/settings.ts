// Settings kept in kv, with defaults (../settings.ts).
import { mergeRetention, RETENTION_KEY, RetentionPatch, retentionOf } from '../settings';
import type { Retention } from '../settings';
import type { KvStore } from './kv';

export type Settings = ReturnType<typeof createSettings>;

export function createSettings(kv: Pick<KvStore, 'get' | 'update'>) {
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
