// Sealing secrets (cluster and channel credentials) for the secret part (sql/secrets.ts): AES-256-GCM with
// the secret's name bound in as associated data, so swapping ciphertexts between rows is detected.
// Plaintext is never logged.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { StoreError } from './errors';
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
