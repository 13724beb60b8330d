// The SSH half of "Test" for a pve entry: the `ssh` block is taken out before the entry is parsed (its host
// keys may still be missing: finding them is the point of the test), validated on its own, and every node
// tried (pve/ssh-test.ts). Editing a cluster whose stored block has its own key: that key, never echoed.
import { PveSshTestSettings, testSsh, type SshNodeResult } from '@quorate/sources';
import { invalidCluster } from './cluster-entry';
import type { ClusterRegistry } from './clusters';

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SshTestPart {
  /** the body without `ssh`, for the entry parser */
  rest: Body;
  /** the node tests, or null when the body has no `ssh` */
  run: ((ownKey: string | null) => Promise<SshNodeResult[]>) | null;
}

export function sshTestPart(body: Body, clusters: ClusterRegistry): SshTestPart {
  const { ssh, ...rest } = body;
  if (ssh === undefined) return { rest, run: null };
  const parsed = PveSshTestSettings.safeParse(ssh);
  if (!parsed.success) throw invalidCluster(parsed.error.issues.map((i) => ({ path: ['ssh', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message })));
  let settings = parsed.data;
  if (settings.keyPath === undefined && settings.privateKey === undefined && typeof body.id === 'string' && clusters.has(body.id)) {
    const stored = clusters.get(body.id)?.config;
    const storedSsh = stored?.origin === 'runtime' && stored.source === 'pve' ? stored.settings.ssh : undefined;
    if (isObject(storedSsh) && typeof storedSsh.privateKey === 'string') settings = { ...settings, privateKey: storedSsh.privateKey };
  }
  return { rest, run: (ownKey) => testSsh(settings, ownKey) };
}
