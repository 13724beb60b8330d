// The optional SSH part of a pve cluster's form (Corosync link health and push-speed quorum): one user, port
// and key for the cluster, one row per node with its pinned host key. Rules in zod/mini (admin chunk only);
// the BFF validates the same block with the pve kind's schema (packages/sources pve/ssh-settings.ts).
import * as z from 'zod/mini';

/** `ssh-keygen -lf` prints SHA256: and 43 base64 characters */
export const HOST_KEY = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/;

export const SshNodeRow = z.object({
  name: z.string().check(z.trim(), z.regex(NODE_NAME, 'A node name: letters, digits, "." and "-".')),
  host: z.string().check(z.trim(), z.minLength(1, 'The address Quorate reaches the node at.')),
  hostKey: z.string().check(
    z.trim(),
    z.refine((v) => v === '' || HOST_KEY.test(v), 'SHA256:… as `ssh-keygen -lf` prints it; empty: press Test to see the key the node presents.'),
  ),
});
export type SshNodeRow = z.output<typeof SshNodeRow>;

export const SshForm = z
  .object({
    enabled: z.boolean(),
    user: z.string().check(z.trim(), z.regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, 'A user name, e.g. root.')),
    port: z.string().check(
      z.trim(),
      z.refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535, 'A port from 1 to 65535.'),
    ),
    /** own: Quorate's generated key (recommended); path: a key file on the BFF's machine; paste: the key itself */
    key: z.enum(['own', 'path', 'paste']),
    keyPath: z.string().check(z.trim()),
    privateKey: z.string(),
    nodes: z.array(SshNodeRow),
  })
  .check(
    z.refine((s) => !s.enabled || s.key !== 'path' || s.keyPath.startsWith('/'), { message: 'An absolute path on the Quorate host, e.g. /etc/quorate/id_ed25519.', path: ['keyPath'] }),
    z.refine((s) => !s.enabled || s.key !== 'paste' || /^\s*-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(s.privateKey), { message: 'Paste the whole private key, from -----BEGIN … PRIVATE KEY-----.', path: ['privateKey'] }),
  );
export type SshForm = z.output<typeof SshForm>;

export const EMPTY_SSH: SshForm = { enabled: false, user: 'root', port: '22', key: 'own', keyPath: '', privateKey: '', nodes: [] };

/** the entry's `ssh` block; undefined when the section is off or has no node yet (Test then fills the rows) */
export function sshOf(s: SshForm): Record<string, unknown> | undefined {
  if (!s.enabled || s.nodes.length === 0) return undefined;
  return {
    ...(s.user && s.user !== 'root' ? { user: s.user } : {}),
    ...(s.port && s.port !== '22' ? { port: Number(s.port) } : {}),
    ...(s.key === 'path' ? { keyPath: s.keyPath } : s.key === 'paste' ? { privateKey: s.privateKey } : {}),
    nodes: s.nodes.map((n) => ({ name: n.name, ...(n.host ? { host: n.host } : {}), ...(n.hostKey ? { hostKey: n.hostKey } : {}) })),
  };
}

/** a stored `ssh` block (GET /clusters/:id, without its private key) → the form; a stored pasted key must be pasted again */
export function sshForm(stored: unknown, secrets: string[]): SshForm {
  if (typeof stored !== 'object' || stored === null) return EMPTY_SSH;
  const s = stored as { user?: string; port?: number; keyPath?: string; nodes?: { name?: string; host?: string; hostKey?: string }[] };
  const pasted = secrets.includes('ssh.privateKey');
  return {
    enabled: true,
    user: s.user ?? 'root',
    port: String(s.port ?? 22),
    key: s.keyPath !== undefined ? 'path' : pasted ? 'paste' : 'own',
    keyPath: s.keyPath ?? '',
    privateKey: '',
    nodes: (s.nodes ?? []).map((n) => ({ name: n.name ?? '', host: n.host ?? '', hostKey: n.hostKey ?? '' })),
  };
}
