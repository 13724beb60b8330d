// Cluster credentials encrypted at rest with AES-256-GCM (sealed by ../secrets.ts), on SQLite or PostgreSQL.
// iv, tag and ciphertext are BLOBs (bytea on PostgreSQL): Buffers both ways on both engines.
import { parseInput } from '../errors';
import { SecretName, sealSecret, unsealSecret } from '../secrets';
import type { SecretKey } from '../secret-key';
import { binaryOrder } from './collate';
import type { SqlContext } from './contract';
import { matchesNothing } from './text';

export type SecretStore = ReturnType<typeof createSecretStore>;

export function createSecretStore(ctx: SqlContext, key: SecretKey) {
  const { db, dialect, now } = ctx;
  return {
    async put(name: string, plaintext: string): Promise<void> {
      const n = parseInput(SecretName, name, 'secret name');
      const sealed = { ...sealSecret(key, n, plaintext), updated_at: now() };
      await db
        .insertInto('secrets')
        .values({ name: n, ...sealed })
        .onConflict((oc) => oc.column('name').doUpdateSet(sealed))
        .execute();
    },

    /** The plaintext, or null when there is no such secret. Throws when it cannot be decrypted. */
    async get(name: string): Promise<string | null> {
      if (matchesNothing(name)) return null;
      const row = await db.selectFrom('secrets').select(['key_id', 'iv', 'tag', 'ciphertext']).where('name', '=', name).executeTakeFirst();
      return row ? unsealSecret(key, name, row) : null;
    },

    async delete(name: string): Promise<boolean> {
      if (matchesNothing(name)) return false;
      const r = await db.deleteFrom('secrets').where('name', '=', name).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async names(): Promise<string[]> {
      const rows = await db.selectFrom('secrets').select('name').orderBy(binaryOrder(dialect, 'name')).execute();
      return rows.map((r) => r.name);
    },
  };
}
