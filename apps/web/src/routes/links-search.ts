// The links page's search params (issue 16): the change being planned and the running task. Judged by the page
// (loaded with it), so the first load carries none of it. Addresses of a new link as "pve1=10.0.2.1,pve2=…";
// a value that does not parse counts as absent; the model's LinkChange judges what is sent.
import * as z from 'zod/mini';

const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);
const text = (max: number) => optional(z.string().check(z.minLength(1), z.maxLength(max)));

export const LINK_KINDS = ['add-link', 'remove-link', 'set-address', 'set-priority', 'set-link-mode'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const linksSearch = z.object({
  kind: optional(z.enum(LINK_KINDS)),
  link: optional(z.enum(['0', '1', '2', '3', '4', '5', '6', '7'])),
  node: text(63),
  address: text(253),
  /** add-link: node=address pairs */
  addrs: text(64 * 320),
  priority: text(3),
  mode: optional(z.enum(['passive', 'active', 'rr'])),
  task: text(128),
});
export type LinksSearch = z.output<typeof linksSearch>;

/** "pve1=10.0.2.1,pve2=10.0.2.2" → [{node, address}] (pieces that do not parse are dropped) */
export function parseAddrs(s: string | undefined): { node: string; address: string }[] {
  if (!s) return [];
  return s
    .split(',')
    .map((p) => /^([^=,\s]+)=([^=,\s]+)$/.exec(p.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ node: m[1]!, address: m[2]! }));
}

export function formatAddrs(a: readonly { node: string; address: string }[]): string | undefined {
  const kept = a.filter((x) => x.address.trim() !== '').map((x) => `${x.node}=${x.address.trim().replace(/[=,\s]/g, '')}`);
  return kept.length > 0 ? kept.join(',') : undefined;
}
