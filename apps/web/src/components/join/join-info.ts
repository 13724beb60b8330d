// The Proxmox GUI's "Join Information", decoded in the page for instant feedback: the model's
// decodeJoinInfo (join/join-info.ts) without zod. The model's version is built on full zod, whose core would
// then be shared with — and loaded by — the page's first chunk (+12 KB gzip, over the 125 KB budget; zod/mini still added 1 KB).
// join-info.test.ts holds the two to the same answers; the BFF decodes again with the model's.
import type { JoinInfo, JoinInfoResult } from '@quorate/model';

/** the model's JOIN_INFO_MAX_CHARS: a real blob is ~1–2 KB */
export const JOIN_INFO_MAX_CHARS = 64 * 1024;
const FINGERPRINT = /^([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ADDRESS_MAX = 255;
const MAX_LINKS = 8;

type Issue = { path: string; message: string };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const textIssue = (v: unknown, max: number): string | null =>
  typeof v !== 'string' ? 'expected string' : v.length < 1 ? 'must not be empty' : v.length > max ? `at most ${max} characters` : null;

/** the first thing wrong with the decoded JSON, in the order of the model's JoinInfoPayload schema (no zod here: see above) */
function payloadIssue(raw: unknown): Issue | null {
  if (!isObject(raw)) return { path: '', message: 'expected object' };
  const at = (path: string, message: string | null): Issue | null => (message === null ? null : { path, message });
  const first = (...xs: (() => Issue | null)[]) => {
    for (const x of xs) {
      const i = x();
      if (i) return i;
    }
    return null;
  };
  return first(
    () => at('ipAddress', textIssue(raw.ipAddress, ADDRESS_MAX)),
    () => at('fingerprint', typeof raw.fingerprint !== 'string' ? 'expected string' : FINGERPRINT.test(raw.fingerprint.trim()) ? null : 'a SHA-256 fingerprint: 32 bytes as colon hex, AB:CD:…'),
    () => {
      const pl = raw.peerLinks;
      if (pl === undefined) return null;
      if (!isObject(pl)) return at('peerLinks', 'expected record');
      for (const [k, v] of Object.entries(pl)) {
        if (!/^[0-7]$/.test(k)) return at(`peerLinks.${k}`, 'a link number 0–7');
        const t = at(`peerLinks.${k}`, textIssue(v, ADDRESS_MAX));
        if (t) return t;
      }
      return null;
    },
    () => {
      const ra = raw.ring_addr;
      if (ra === undefined) return null;
      if (!Array.isArray(ra)) return at('ring_addr', 'expected array');
      if (ra.length > MAX_LINKS) return at('ring_addr', `at most ${MAX_LINKS} addresses`);
      for (const [i, v] of ra.entries()) {
        const t = at(`ring_addr.${i}`, textIssue(v, ADDRESS_MAX));
        if (t) return t;
      }
      return null;
    },
    () => {
      const t = raw.totem;
      if (!isObject(t)) return at('totem', 'expected object');
      const name = at('totem.cluster_name', textIssue(t.cluster_name, 64));
      if (name) return name;
      if (t.interface === undefined) return null;
      if (!isObject(t.interface)) return at('totem.interface', 'expected record');
      for (const [k, v] of Object.entries(t.interface)) {
        if (!isObject(v)) return at(`totem.interface.${k}`, 'expected object');
        const n = v.linknumber;
        if (n !== undefined && typeof n !== 'string' && typeof n !== 'number') return at(`totem.interface.${k}.linknumber`, 'expected string or number');
      }
      return null;
    },
  );
}

interface Payload {
  ipAddress: string;
  fingerprint: string;
  peerLinks?: Record<string, string>;
  totem: { cluster_name: string; interface?: Record<string, { linknumber?: string | number }> };
}

function utf8FromBase64(b64: string): string {
  const bin = atob(b64);
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

const linkNo = (v: unknown): number | null => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 7 ? n : null;
};

/** a pasted blob decoded; every way it can be wrong gets the model's sentence */
export function decodeJoinInfo(pasted: string): JoinInfoResult {
  if (pasted.length > JOIN_INFO_MAX_CHARS) return { ok: false, error: `That is ${pasted.length} characters; join information is a few thousand at most. Copy it again from Datacenter → Cluster → Join Information.` };
  const compact = pasted.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (compact === '') return { ok: false, error: 'The join information is empty. Copy it from Datacenter → Cluster → Join Information on a cluster member.' };
  const padded = compact + '='.repeat((4 - (compact.length % 4)) % 4);
  if (!BASE64.test(padded) || compact.length % 4 === 1) return { ok: false, error: 'This is not join information: it is not base64. Copy the whole “Join Information” text with “Copy Information”.' };
  let json: string;
  try {
    json = utf8FromBase64(padded);
  } catch {
    return { ok: false, error: 'This is not join information: its base64 does not decode to text.' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, error: 'This is not join information: it decodes, but not to JSON (was it cut short when copied?).' };
  }
  const issue = payloadIssue(raw);
  if (issue) return { ok: false, error: `The join information is incomplete or not from Proxmox VE: ${issue.path || 'the top level'}: ${issue.message}.` };
  const checked = raw as Payload;
  // the model's Fingerprint schema hands it on trimmed and upper-case
  const p = { ...checked, fingerprint: checked.fingerprint.trim().toUpperCase() };
  const peerLinks = Object.entries(p.peerLinks ?? {})
    .map(([k, address]) => ({ link: Number(k), address }))
    .sort((a, b) => a.link - b.link);
  const fromTotem = Object.entries(p.totem.interface ?? {}).map(([k, v]) => linkNo(v.linknumber ?? k));
  if (fromTotem.some((n) => n === null)) return { ok: false, error: 'The join information names a link number outside 0–7 in totem.interface.' };
  const totemLinks = fromTotem.filter((n): n is number => n !== null);
  const links = [...new Set(totemLinks.length > 0 ? totemLinks : peerLinks.length > 0 ? peerLinks.map((l) => l.link) : [0])].sort((a, b) => a - b);
  const info: JoinInfo = { clusterName: p.totem.cluster_name, address: p.ipAddress, fingerprint: p.fingerprint, links, peerLinks };
  return { ok: true, info, payload: p as Extract<JoinInfoResult, { ok: true }>['payload'] };
}
