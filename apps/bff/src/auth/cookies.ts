// The session cookie, read and written by hand (two functions do not justify a dependency).
import { SESSION_COOKIE } from '@quorate/model';

/** the value of one cookie from a Cookie header; null when absent or malformed */
export function readCookie(header: string | undefined, name: string = SESSION_COOKIE): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    // session ids are base64url: anything else is not ours
    return /^[A-Za-z0-9_-]{1,256}$/.test(value) ? value : null;
  }
  return null;
}

/**
 * httpOnly (no script can read it), SameSite=Strict (never sent on cross-site requests), Secure when
 * the page came over TLS. No Max-Age: the server-side expiry (sliding) decides how long it is good for.
 */
export function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
