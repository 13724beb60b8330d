// The Proxmox GUI's "Join Information": base64(JSON.stringify({ipAddress, fingerprint, peerLinks, ring_addr,
// totem})) of one cluster member (pve-manager www/manager6/dc/Cluster.js onClusterInfo; facts §1.4). Admins
// copy it from the stock GUI, so the wizard takes it as it is, and shows a cluster's own blob to copy.
// Bounds: at most JOIN_INFO_MAX_CHARS characters; at most 8 links (knet link0..link7).
import { z } from 'zod';

/** a real blob is ~1–2 KB; anything far larger is not one */
export const JOIN_INFO_MAX_CHARS = 64 * 1024;

/** SHA-256 colon hex as the Proxmox GUI shows it (the join API's pattern: ([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}) */
export const Fingerprint = z
  .string()
  .trim()
  .regex(/^([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}$/, 'a SHA-256 fingerprint: 32 bytes as colon hex, AB:CD:…')
  .transform((s) => s.toUpperCase());

const LinkNo = z.coerce.number().int().min(0).max(7);

/** the totem section as /cluster/config/totem gives it: the wizard needs the cluster name and the link numbers */
const Totem = z
  .object({
    cluster_name: z.string().min(1).max(64),
    config_version: z.union([z.string(), z.number()]).optional(),
    /** {"0": {"linknumber": "0"}, "1": {...}}: one entry per Corosync link */
    interface: z.record(z.string(), z.object({ linknumber: z.union([z.string(), z.number()]).optional() }).catchall(z.unknown())).optional(),
  })
  .catchall(z.unknown());

export const JoinInfoPayload = z
  .object({
    ipAddress: z.string().min(1).max(255),
    fingerprint: Fingerprint,
    /** {"0": "10.0.0.1", "1": "10.1.0.1"}: the member's address on each link */
    peerLinks: z.record(z.string().regex(/^[0-7]$/, 'a link number 0–7'), z.string().min(1).max(255)).optional(),
    ring_addr: z.array(z.string().min(1).max(255)).max(8).optional(),
    totem: Totem,
  })
  .catchall(z.unknown());
export type JoinInfoPayload = z.infer<typeof JoinInfoPayload>;

/** what the wizard needs from a blob */
export interface JoinInfo {
  clusterName: string;
  /** the member the joining node talks to (its API) */
  address: string;
  fingerprint: string;
  /** the cluster's link numbers, ascending (from totem.interface; else peerLinks; else link 0) */
  links: number[];
  /** the member's address on each link */
  peerLinks: { link: number; address: string }[];
}

export type JoinInfoResult = { ok: true; info: JoinInfo; payload: JoinInfoPayload } | { ok: false; error: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** decode a pasted blob; every way it can be wrong gets its own sentence */
export function decodeJoinInfo(text: string): JoinInfoResult {
  if (typeof text !== 'string') return { ok: false, error: 'The join information must be text.' };
  if (text.length > JOIN_INFO_MAX_CHARS) return { ok: false, error: `That is ${text.length} characters; join information is a few thousand at most. Copy it again from Datacenter → Cluster → Join Information.` };
  // pasted text may wrap, and may be URL-safe base64
  const compact = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (compact === '') return { ok: false, error: 'The join information is empty. Copy it from Datacenter → Cluster → Join Information on a cluster member.' };
  const padded = compact + '='.repeat((4 - (compact.length % 4)) % 4);
  if (!BASE64.test(padded) || compact.length % 4 === 1) return { ok: false, error: 'This is not join information: it is not base64. Copy the whole “Join Information” text with “Copy Information”.' };
  let json: string;
  try {
    json = decodeBase64(padded);
  } catch {
    return { ok: false, error: 'This is not join information: its base64 does not decode to text.' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, error: 'This is not join information: it decodes, but not to JSON (was it cut short when copied?).' };
  }
  const parsed = JoinInfoPayload.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const where = first.path.length > 0 ? first.path.join('.') : 'the top level';
    return { ok: false, error: `The join information is incomplete or not from Proxmox VE: ${where}: ${first.message}.` };
  }
  const p = parsed.data;
  const peerLinks = Object.entries(p.peerLinks ?? {})
    .map(([k, address]) => ({ link: Number(k), address }))
    .sort((a, b) => a.link - b.link);
  const fromTotem = Object.entries(p.totem.interface ?? {}).map(([k, v]) => LinkNo.safeParse(v.linknumber ?? k));
  if (fromTotem.some((r) => !r.success)) return { ok: false, error: 'The join information names a link number outside 0–7 in totem.interface.' };
  const totemLinks = fromTotem.flatMap((r) => (r.success ? [r.data] : []));
  const links = [...new Set(totemLinks.length > 0 ? totemLinks : peerLinks.length > 0 ? peerLinks.map((l) => l.link) : [0])].sort((a, b) => a - b);
  return { ok: true, payload: p, info: { clusterName: p.totem.cluster_name, address: p.ipAddress, fingerprint: p.fingerprint, links, peerLinks } };
}

/** the blob of a member, as the Proxmox GUI builds it (so it pastes into the stock GUI too) */
export function encodeJoinInfo(member: { address: string; fingerprint: string; peerLinks: { link: number; address: string }[] }, totem: { cluster_name: string } & Record<string, unknown>): string {
  const payload = {
    ipAddress: member.address,
    fingerprint: member.fingerprint,
    peerLinks: Object.fromEntries(member.peerLinks.map((l) => [String(l.link), l.address])),
    ring_addr: member.peerLinks.map((l) => l.address),
    totem,
  };
  return base64Utf8(JSON.stringify(payload));
}

// pure, and the same in Node and the browser (no Buffer): UTF-8 through TextEncoder/TextDecoder. The model
// compiles without DOM or Node types, so the four globals (both runtimes have them) are declared here.
declare function atob(data: string): string;
declare function btoa(data: string): string;
declare class TextEncoder {
  encode(input: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input: Uint8Array): string;
}

function decodeBase64(b64: string): string {
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c: string) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** base64 of the text's UTF-8 bytes */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
