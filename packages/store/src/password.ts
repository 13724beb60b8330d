// Password hashing with scrypt (memory-hard). Stored as scrypt$N$r$p$salt$hash (salt, hash base64).
// Async so a login does not stall the event loop for the ~100 ms a hash takes.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { normalizePassword } from '@quorate/model';

const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;

type Params = { N: number; r: number; p: number };

// scrypt needs 128 * N * r * p bytes; Node's default cap (32 MiB) is exactly that for our N, r, so raise it.
const maxmemFor = ({ N, r, p }: Params) => 2 * 128 * N * r * p + 1024 * 1024;

function derive(password: string, salt: Buffer, keyLen: number, params: Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // NFC (the model's one rule) so the same password typed on different keyboards/OSes hashes the same.
    scrypt(normalizePassword(password), salt, keyLen, { ...params, maxmem: maxmemFor(params) }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

type Parsed = Params & { salt: Buffer; hash: Buffer };

/** Parses a stored hash; bounds the parameters so a tampered row cannot make us allocate gigabytes. */
export function parsePasswordHash(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const hash = Buffer.from(parts[5] ?? '', 'base64');
  const powerOfTwo = Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
  if (!powerOfTwo || n > 2 ** 20 || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16)
    return null;
  if (salt.length < 8 || hash.length < 32) return null;
  return { N: n, r, p, salt, hash };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) {
    await burnPasswordTime(password);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}

/** Spends the time of one verification, so an unknown username answers as slowly as a known one. */
export async function burnPasswordTime(password: string): Promise<void> {
  await derive(password, randomBytes(SALT_BYTES), KEY_BYTES, { N, r: R, p: P });
}
