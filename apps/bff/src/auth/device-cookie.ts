// Device cookies (OWASP "Slow down online guessing attacks with device cookies"): a browser that signed
// in successfully as a user gets a signed cookie naming that user. Sign-ins from it are not subject to
// the per-username lockout, so strangers guessing the admin's password cannot lock the admin out of the
// browser they always use. The cookie grants nothing by itself: the password is still required.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '@quorate/store';

export const DEVICE_COOKIE = 'quorate_device';
/** a year: the point is to remember the browser */
const MAX_AGE_S = 365 * 24 * 3600;
const KEY_KV = 'auth.deviceCookieKey';

const KeyHex = z.string().regex(/^[0-9a-f]{64}$/);

const Payload = z.object({ u: z.string().min(1).max(64), d: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/), t: z.number().int() });
export type Device = { username: string; id: string };

/**
 * the signing key: 32 random bytes kept in the database, made on first use; replicas starting together
 * agree on one (an insert-if-absent), so a cookie one of them signed is valid on the others
 */
export async function deviceCookieKey(store: Store): Promise<Buffer> {
  return Buffer.from(await store.kv.getOrCreate(KEY_KV, KeyHex, () => randomBytes(32).toString('hex')), 'hex');
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

export function makeDeviceCookie(key: Buffer, username: string, secure: boolean, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ u: username.toLowerCase(), d: randomBytes(18).toString('base64url'), t: now })).toString('base64url');
  const value = `${payload}.${sign(key, payload)}`;
  // Path: only the sign-in routes ever need it
  return `${DEVICE_COOKIE}=${value}; Path=/api/v1/auth; Max-Age=${MAX_AGE_S}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** the device a valid cookie in this Cookie header names; null when absent, forged or malformed */
export function readDeviceCookie(key: Buffer, cookieHeader: string | undefined): Device | null {
  if (!cookieHeader || cookieHeader.length > 8192) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== DEVICE_COOKIE) continue;
    const m = /^([A-Za-z0-9_-]{1,512})\.([A-Za-z0-9_-]{43})$/.exec(part.slice(eq + 1).trim());
    if (!m) return null;
    const want = Buffer.from(sign(key, m[1]!));
    const got = Buffer.from(m[2]!);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
    try {
      const p = Payload.safeParse(JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')));
      return p.success ? { username: p.data.u, id: p.data.d } : null;
    } catch {
      return null;
    }
  }
  return null;
}
