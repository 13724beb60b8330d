// The 'ssh' kind: a real Proxmox VE / Corosync cluster, its Corosync tools run over SSH (source.ts).
// Inline private keys are secrets: stored encrypted (as "nodes.<name>.privateKey"), never returned.
import { z } from 'zod';
import { deferredSource } from '../deferred';
import { defineKind, type SettingsIssue } from '../kind';
import { checkKeyFile, createSshCorosyncSource, SshNodes } from './source';

export const SshSettings = z.object({ nodes: SshNodes }).strict();
export type SshSettings = z.infer<typeof SshSettings>;

const secretName = (node: string) => `nodes.${node}.privateKey`;

export const sshKind = defineKind({
  kind: 'ssh',
  title: 'Corosync over SSH',
  settings: SshSettings,
  takeSecrets(s) {
    const secrets: Record<string, string> = {};
    const nodes = s.nodes.map(({ privateKey, ...n }) => {
      if (privateKey !== undefined) secrets[secretName(n.name)] = privateKey;
      return n;
    });
    return { settings: { nodes }, secrets };
  },
  giveSecrets(s, secrets) {
    return { nodes: s.nodes.map((n) => (secrets[secretName(n.name)] !== undefined ? { ...n, privateKey: secrets[secretName(n.name)] } : n)) };
  },
  check(s) {
    // a key file others can read (or none at all) is a mistake to fix now, not a cluster to show as down
    const issues: SettingsIssue[] = [];
    s.nodes.forEach((n, i) => {
      if (n.keyPath === undefined) return;
      try {
        checkKeyFile(n.keyPath);
      } catch (err) {
        issues.push({ path: ['nodes', i, 'keyPath'], message: (err as Error).message });
      }
    });
    return issues;
  },
  create(s, ctx) {
    const log = (line: string) => ctx.log(`cluster '${ctx.clusterId}': ${line}`);
    // nothing connects here: an unreachable node (or a key file broken since start) shows as down with the reason
    return deferredSource({
      clusterId: ctx.clusterId,
      kind: 'ssh',
      create: async () => createSshCorosyncSource({ id: ctx.clusterId, name: ctx.name, nodes: s.nodes }, { log }),
      onError: log,
    });
  },
});
