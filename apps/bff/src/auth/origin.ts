// Same-origin checks for requests that carry no CSRF token yet (setup, login) and for socket handshakes.
// Browsers always send Origin on cross-origin requests and on WebSocket handshakes; a request without
// Origin and without Sec-Fetch-Site comes from a script (curl, Playwright's request API), which cannot
// ride a victim's cookies, so it is let through.
import type { IncomingHttpHeaders } from 'node:http';
import type { TrustProxy } from '../config';

export interface OriginPolicy {
  /** extra origins (scheme://host[:port]) a proxy may present */
  allowedOrigins: readonly string[];
  /** behind a trusted proxy the public host is in X-Forwarded-Host */
  trustProxy: TrustProxy;
}

/** the first value of a header that may be repeated or a comma-separated list */
export const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v?.split(',')[0]?.trim());

export function originAllowed(headers: IncomingHttpHeaders, policy: OriginPolicy): boolean {
  const site = first(headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = first(headers.origin);
  if (origin === undefined) return true;
  if (policy.allowedOrigins.includes(origin)) return true;
  let host: string;
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    host = u.host;
  } catch {
    return false; // includes Origin: null (sandboxed frames, file://)
  }
  const hosts = [headers.host];
  if (policy.trustProxy !== false) hosts.push(first(headers['x-forwarded-host']));
  return hosts.some((h) => h !== undefined && h.toLowerCase() === host.toLowerCase());
}
