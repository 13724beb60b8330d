// Node and cluster names as Proxmox takes them — the model's JoinNodeName and ClusterName rules (join/
// requests.ts, join/facts.ts NODE_NAME) in zod/mini: the model's full-zod schemas would pull zod's whole
// core into the chunk every page loads (it is shared with the router's search schemas). The BFF judges again.
import * as z from 'zod/mini';

/** pve-node format: letters, digits and inner hyphens */
const NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
export const NODE_NAME_MAX = 63;
export const CLUSTER_NAME_MAX = 15;

const rule = (max: number, what: string, example: string) =>
  z.string().check(z.trim(), z.maxLength(max, `a ${what} has at most ${max} characters`), z.regex(NAME, `a ${what}: letters, digits and inner hyphens${example}`));

export const NodeNameRule = rule(NODE_NAME_MAX, 'node name', ' (e.g. pve4)');
export const ClusterNameRule = rule(CLUSTER_NAME_MAX, 'cluster name', '');

/** the first problem with a name, in words; null when it is fine */
export function nameIssue(schema: typeof NodeNameRule, value: string): string | null {
  const r = z.safeParse(schema, value);
  return r.success ? null : (r.error.issues[0]?.message ?? 'not a valid name');
}
