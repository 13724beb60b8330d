// DNS rebinding protection: a page on an attacker's domain whose name later resolves to 127.0.0.1 is
// "same origin" with us as far as the browser knows (Host and Origin both name the attacker's host).
// So every request and socket handshake must name a host we know as ours: loopback, this machine's
// addresses and names, the hosts of QUORATE_ALLOWED_ORIGINS, and QUORATE_ALLOWED_HOSTS.
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import type { TrustProxy } from '../config';
import { first } from './origin';

export interface HostPolicy {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  trustProxy: TrustProxy;
  /** the address the server listens on: a name there is ours too */
  listenHost: string;
}

/** the machine's addresses can change (DHCP, VPN up): re-read them at most this often on a miss */
const INTERFACES_REFRESH_MS = 5000;

/** the host part of a Host header, lower case, without port, brackets, zone or trailing dot; null when malformed */
export function hostOf(header: string): string | null {
  const h = header.trim().toLowerCase();
  let host: string;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return null;
    host = h.slice(1, end);
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
  } else {
    const m = /^([^:]+)(?::\d{1,5})?$/.exec(h);
    if (!m) return null;
    host = m[1]!;
  }
  host = host.replace(/%.*$/, '').replace(/\.$/, '');
  return host.length > 0 ? host : null;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true; // RFC 6761: browsers resolve these to loopback themselves
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || /^::ffff:127\./.test(host);
}

function machineNames(name: string): string[] {
  const full = name.toLowerCase();
  const short = full.split('.')[0]!;
  return [full, short, `${short}.local`];
}

function interfaceAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.toLowerCase().replace(/%.*$/, ''));
  return out;
}

export type HostCheck = (headers: IncomingHttpHeaders) => string | null;

/** null when the request names an allowed host (or none: not a browser); else the refusal message */
export function hostChecker(policy: HostPolicy, deps: { interfaces?: () => Set<string>; hostname?: () => string; now?: () => number } = {}): HostCheck {
  const readInterfaces = deps.interfaces ?? interfaceAddresses;
  const now = deps.now ?? Date.now;
  const any = policy.allowedHosts.includes('*');
  const fixed = new Set<string>([
    ...policy.allowedHosts.map((h) => hostOf(h) ?? h),
    ...policy.allowedOrigins.flatMap((o) => {
      try {
        const h = hostOf(new URL(o).host);
        return h ? [h] : [];
      } catch {
        return [];
      }
    }),
    ...machineNames((deps.hostname ?? osHostname)()),
  ]);
  const listen = hostOf(policy.listenHost);
  if (listen && listen !== '0.0.0.0' && listen !== '::') fixed.add(listen);
  let addresses = readInterfaces();
  let readAt = now();

  const allowed = (host: string): boolean => {
    if (fixed.has(host) || isLoopback(host) || addresses.has(host)) return true;
    if (isIP(host) !== 0 && now() - readAt > INTERFACES_REFRESH_MS) {
      addresses = readInterfaces();
      readAt = now();
      return addresses.has(host);
    }
    return false;
  };

  return (headers) => {
    if (any) return null;
    const names = [headers.host];
    if (policy.trustProxy !== false) names.push(first(headers['x-forwarded-host']));
    for (const name of names) {
      if (name === undefined || name === '') continue; // no Host at all: not a browser (HTTP/1.0 scripts)
      const host = hostOf(name);
      if (host === null || !allowed(host)) {
        const shown = host ?? name.slice(0, 100);
        return `host '${shown}' is not allowed (DNS rebinding protection): if you reach Quorate by this name, add it to QUORATE_ALLOWED_HOSTS`;
      }
    }
    return null;
  };
}
