// Hashing and random identifiers for secrets we only ever store as digests (session ids, API tokens).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** n random bytes, base64url (no padding): 32 bytes -> 43 characters. */
export function randomId(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time equality of two hex digests of the same algorithm. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
