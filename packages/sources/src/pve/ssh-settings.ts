// The optional `ssh` block of a pve cluster: Corosync's own tools over SSH add link health, exact quorum
// options, the early warning and push-speed quorum changes (with-corosync.ts). One user, port and key for
// the whole cluster (that is how admins set up root SSH between PVE nodes), one pinned host key per node.
//   "ssh": {"user"?: "root", "port"?: 22, "keyPath"?: "/abs/key" | "privateKey"?: "-----BEGIN…",
//           "nodes": [{"name": "pve1", "host": "10.0.0.1", "hostKey": "SHA256:…"}, …]}
// Neither keyPath nor privateKey: Quorate's own key (generated once, its public half shown on the page).
import { z } from 'zod';
import { SshNodeConfig, type SshClusterConfigInput } from '../ssh/source';

export const sshNodeSchema = SshNodeConfig.pick({ name: true, host: true, hostKey: true });

/** the block, for a node schema (the Test takes nodes whose host key is not known yet) */
export function sshSettingsSchema<N extends z.ZodType<{ name: string }>>(node: N) {
  return z
    .object({
      user: SshNodeConfig.shape.user,
      port: SshNodeConfig.shape.port,
      keyPath: SshNodeConfig.shape.keyPath,
      privateKey: SshNodeConfig.shape.privateKey,
      nodes: z.array(node).min(1).max(32),
    })
    .strict()
    .superRefine((s, ctx) => {
      if (s.keyPath !== undefined && s.privateKey !== undefined) ctx.addIssue({ code: 'custom', path: ['keyPath'], message: 'keyPath or privateKey, not both (neither: Quorate’s own key)' });
      const seen = new Set<string>();
      s.nodes.forEach((n, i) => {
        if (seen.has(n.name)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'name'], message: `duplicate node name '${n.name}'` });
        seen.add(n.name);
      });
    });
}

export const PveSshSettings = sshSettingsSchema(sshNodeSchema);
export type PveSshSettings = z.infer<typeof PveSshSettings>;

/** the ssh kind's config for these settings; `ownKey` is Quorate's key, used when neither key is given */
export function sshClusterConfig(id: string, name: string, s: PveSshSettings, ownKey: string | null): SshClusterConfigInput {
  const key = s.keyPath !== undefined ? { keyPath: s.keyPath } : s.privateKey !== undefined ? { privateKey: s.privateKey } : ownKey !== null ? { privateKey: ownKey } : null;
  if (key === null) throw new Error('no SSH key: give ssh.keyPath or ssh.privateKey, or let Quorate make its own key (Admin → Clusters)');
  return { id, name, nodes: s.nodes.map((n) => ({ name: n.name, host: n.host, port: s.port, user: s.user, hostKey: n.hostKey, ...key })) };
}
