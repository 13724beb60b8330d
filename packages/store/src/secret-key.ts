// The key that encrypts secrets lives in a file outside the database, so a copied or backed-up
// database alone does not reveal cluster credentials.
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { StoreError } from './errors';
import { checkPrivateFile } from './private-file';

export const KEY_BYTES = 32;

export type SecretKey = { key: Buffer; /** short fingerprint to detect a swapped key file, not secret-bearing */ id: string };

/** Reads the key file, creating it (0600, 32 random bytes) when missing. Refuses loose permissions. */
export function loadOrCreateKey(path: string): SecretKey {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    // EEXIST: use the existing file (possibly created by another process a moment ago)
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  checkPrivateFile(path);
  const key = decodeKey(readFileSync(path));
  if (!key) {
    throw new StoreError(
      'bad-key',
      `key file ${path} must hold ${KEY_BYTES} random bytes, or ${KEY_BYTES * 2} hex characters (e.g. openssl rand -hex 32)`,
    );
  }
  return { key, id: createHash('sha256').update('quorate-secret-key-id').update(key).digest('hex').slice(0, 16) };
}

function decodeKey(content: Buffer): Buffer | null {
  if (content.length === KEY_BYTES) return content;
  const text = content.toString('latin1').trim();
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : null;
}
