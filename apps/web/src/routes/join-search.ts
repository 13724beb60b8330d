// The search params of the join, create and remove pages: every step survives a reload because all the
// wizard knows is in the URL — except passwords and TOTP codes, which live in the page's memory only. A pve
// node's API address and certificate fingerprint are not secret: they stay in the URL.
// Addresses as "0:198.18.0.14,1:198.19.0.14" (link:address); a value that does not parse counts as absent.
import * as z from 'zod/mini';

const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);
/** node and cluster names (Proxmox: ≤ 63 for a node, 15 for a cluster); the schemas in @quorate/model judge them */
const NAME_MAX = 63;
/** a pasted Join Information is ~1–2 KB; the model's bound is 64 KB, a URL's is less */
export const JOIN_INFO_URL_MAX = 16 * 1024;
/** the model's bound on a node's API address */
const URL_MAX = 2048;

export const JOIN_STEPS = ['source', 'node', 'preflight', 'fingerprint', 'review', 'run', 'verify'] as const;
export type JoinStep = (typeof JOIN_STEPS)[number];

const text = (max: number) => optional(z.string().check(z.minLength(1), z.maxLength(max)));
const taskId = text(128);

export const joinSearch = z.object({
  step: optional(z.enum(JOIN_STEPS)),
  node: text(NAME_MAX),
  links: text(8 * 300),
  info: text(JOIN_INFO_URL_MAX),
  fp: text(128),
  /** pve: the joining node's API address and its certificate's fingerprint (the model's JoinerAccess judges them) */
  url: text(URL_MAX),
  jfp: text(128),
  task: taskId,
});
export type JoinSearch = z.output<typeof joinSearch>;

export const CREATE_STEPS = ['name', 'plan', 'run'] as const;
export type CreateStep = (typeof CREATE_STEPS)[number];
export const createSearch = z.object({
  step: optional(z.enum(CREATE_STEPS)),
  name: text(NAME_MAX),
  /** the chosen candidates, comma-separated */
  nodes: text(32 * (NAME_MAX + 1)),
  /** pve: each node's API address and certificate fingerprint, in the order of `nodes` (parseList, formatList) */
  urls: text(32 * (URL_MAX + 1)),
  fps: text(32 * 129),
  task: taskId,
});
export type CreateSearch = z.output<typeof createSearch>;

export const removeSearch = z.object({ node: text(NAME_MAX), task: taskId });
export type RemoveSearch = z.output<typeof removeSearch>;


/** "0:a,1:b" → [{link, address}] (pieces that do not parse are dropped) */
export function parseLinks(s: string | undefined): { link: number; address: string }[] {
  if (!s) return [];
  const out: { link: number; address: string }[] = [];
  for (const part of s.split(',')) {
    const m = /^([0-7]):(.+)$/.exec(part.trim());
    if (m && !out.some((x) => x.link === Number(m[1]))) out.push({ link: Number(m[1]), address: m[2]!.trim() });
  }
  return out.sort((a, b) => a.link - b.link);
}

export function formatLinks(a: readonly { link: number; address: string }[]): string | undefined {
  const s = a
    .filter((x) => x.address.trim() !== '')
    .map((x) => `${x.link}:${x.address.trim()}`)
    .join(',');
  return s === '' ? undefined : s;
}

/** a list in one search param, in order, empty places kept: "a,,c" ↔ ['a', '', 'c'] (URLs and fingerprints have no commas) */
export function parseList(s: string | undefined, length: number): string[] {
  const parts = (s ?? '').split(',');
  return Array.from({ length }, (_, i) => (parts[i] ?? '').trim());
}

export function formatList(a: readonly string[]): string | undefined {
  return a.some((x) => x.trim() !== '') ? a.map((x) => x.trim().replace(/,/g, '')).join(',') : undefined;
}
