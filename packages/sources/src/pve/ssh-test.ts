// "Test" for the SSH half of a pve cluster: every node once, in parallel, each result in words the admin
// can act on — the host key to compare and accept (first contact or a mismatch: never connected to an
// unpinned host), the key refused (authorized_keys), unreachable, and finally whether Corosync answers.
// Nothing is stored; no key material is in a message.
import { z } from 'zod';
import { RunnerError, SshRunner } from '../runners';
import { RemoteTimeoutRunner } from '../ssh/source';
import { sshNodeSchema, sshSettingsSchema } from './ssh-settings';

/** the `ssh` block as the test takes it: host keys may still be missing (that is what the test finds out) */
export const PveSshTestSettings = sshSettingsSchema(sshNodeSchema.partial({ hostKey: true }));
export type PveSshTestSettings = z.infer<typeof PveSshTestSettings>;

export interface SshNodeResult {
  name: string;
  host: string;
  ok: boolean;
  message: string;
  /** the key the node presented, when it is not the pinned one (or none is pinned): to compare and accept */
  hostKey?: string;
}

const CONNECT_MS = 5_000;

async function testNode(n: { name: string; host: string; hostKey?: string | undefined }, s: PveSshTestSettings, key: { privateKey: string } | { privateKeyPath: string }): Promise<SshNodeResult> {
  const ssh = new SshRunner({ host: n.host, port: s.port, username: s.user, ...key, hostKeyFingerprint: n.hostKey ?? null, connectTimeoutMs: CONNECT_MS, label: `${s.user}@${n.host}:${s.port}` });
  const base = { name: n.name, host: n.host };
  try {
    const r = await new RemoteTimeoutRunner(ssh, 5).run('corosync-quorumtool', ['-s']);
    if (r.timedOut) return { ...base, ok: false, message: 'connected, but corosync-quorumtool did not answer within 5 s (a frozen Corosync?)' };
    if (r.code === 0 || r.code === 2) return { ...base, ok: true, message: `connected; Corosync answers (${r.code === 0 ? 'quorate' : 'NOT quorate'})` };
    if (r.code === 127) return { ...base, ok: false, message: 'connected, but corosync-quorumtool is not installed there: is this a Proxmox VE node?' };
    return { ...base, ok: false, message: `connected, but Corosync does not answer (corosync-quorumtool exit ${r.code}: ${r.stderr.trim().split('\n')[0]?.slice(0, 200) ?? ''})` };
  } catch (err) {
    if (!(err instanceof RunnerError)) return { ...base, ok: false, message: `unexpected: ${(err as Error).message}` };
    switch (err.reason) {
      case 'unknown-host':
        return { ...base, ok: false, ...(err.presented ? { hostKey: err.presented } : {}), message: `not trusted yet: the node presents host key ${err.presented ?? '?'}; compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on ${n.name}, then accept it` };
      case 'host-key-mismatch':
        return { ...base, ok: false, ...(err.presented ? { hostKey: err.presented } : {}), message: `HOST KEY MISMATCH: pinned ${n.hostKey ?? '?'}, the node presents ${err.presented ?? '?'} (a reinstalled node, or someone in between): check on the node before accepting` };
      case 'auth-failed':
        return { ...base, ok: false, message: `the node refused the key for ${s.user}: add Quorate's public key to ~${s.user}/.ssh/authorized_keys on ${n.name}` };
      default:
        return { ...base, ok: false, message: err.message };
    }
  } finally {
    await ssh.close().catch(() => undefined);
  }
}

/** every node of the block; ownKey = Quorate's private key when the block names none */
export async function testSsh(s: PveSshTestSettings, ownKey: string | null): Promise<SshNodeResult[]> {
  const key = s.keyPath !== undefined ? { privateKeyPath: s.keyPath } : s.privateKey !== undefined ? { privateKey: s.privateKey } : ownKey !== null ? { privateKey: ownKey } : null;
  if (key === null) return s.nodes.map((n) => ({ name: n.name, host: n.host, ok: false, message: 'no SSH key: Quorate has not made its own key yet (Admin → Clusters shows it) and none is given' }));
  // at most 32 nodes (the schema's bound), each with a 5 s handshake and a 5 s tool deadline
  return Promise.all(s.nodes.map((n) => testNode(n, s, key)));
}
