// Cluster credentials encrypted at rest with AES-256-GCM. The secret's name is bound in as associated
// data, so swapping ciphertexts between rows is detected. Plaintext is never logged.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from './db';
import { StoreError, parseInput } from './errors';
import type { SecretKey } from './secret-key';

export const SecretName = z.string().min(1, 'secret name must not be empty').max(256);

/** What a secrets row holds of a secret. */
export type SealedSecret = { key_id: string; iv: Buffer; tag: Buffer; ciphertext: Buffer };

/** Encrypts plaintext for the (validated) name n. */
export function sealSecret(key: SecretKey, n: string, plaintext: string): SealedSecret {
  if (typeof plaintext !== 'string') throw new StoreError('invalid', `secret ${n}: value must be a string`);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(n, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { key_id: key.id, iv, tag: cipher.getAuthTag(), ciphertext };
}

/** The plaintext; throws StoreError('bad-key') for another key file or a row that fails authentication. */
export function unsealSecret(key: SecretKey, name: string, row: SealedSecret): string {
  if (row.key_id !== key.id) {
    throw new StoreError('bad-key', `secret ${name} was written with a different key file; restore the original key file`);
  }
  // a truncated tag would weaken authentication; GCM's is 16 bytes
  if (row.tag.length !== 16 || row.iv.length !== 12) {
    throw new StoreError('bad-key', `secret ${name} failed authentication (tampered or corrupt row)`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, row.iv);
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(row.tag);
    return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new StoreError('bad-key', `secret ${name} failed authentication (tampered or corrupt row)`);
  }
}

export type SecretStore = ReturnType<typeof createSecretStore>;

export function createSecretStore(db: Db, key: SecretKey, now: () => number) {
  const upsert = db.prepare(`INSERT INTO secrets (name, key_id, iv, tag, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag,
      ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`);
  const byName = db.prepare('SELECT key_id, iv, tag, ciphertext FROM secrets WHERE name = ?');
  const remove = db.prepare('DELETE FROM secrets WHERE name = ?');
  const all = db.prepare('SELECT name FROM secrets ORDER BY name').pluck();

  return {
    put(name: string, plaintext: string): void {
      const n = parseInput(SecretName, name, 'secret name');
      const s = sealSecret(key, n, plaintext);
      upsert.run(n, s.key_id, s.iv, s.tag, s.ciphertext, now());
    },

    /** The plaintext, or null when there is no such secret. Throws when it cannot be decrypted. */
    get(name: string): string | null {
      const row = byName.get(name) as SealedSecret | undefined;
      return row ? unsealSecret(key, name, row) : null;
    },

    delete(name: string): boolean {
      return remove.run(name).changes > 0;
    },

    names(): string[] {
      return all.all() as string[];
    },
  };
}
