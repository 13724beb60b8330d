// Quorate's own SSH key: made once (ed25519), the private half kept in the encrypted store and handed only
// to sources, the public half shown to admins to put in each node's authorized_keys. One key per
// installation, so an admin can revoke Quorate's access on a node with one line.
import { hostname } from 'node:os';
import { makeSshKeyPair, publicHalf, type SshKeyPublic } from '@quorate/sources';
import type { SecretStore } from '@quorate/store';

const SECRET = 'ssh/identity';

export type SshIdentity = SshKeyPublic & { privateKey: string };

/** the key, made and stored on first use when `create`; null when there is none yet and create is false */
export function sshIdentity(secrets: SecretStore, create: boolean): SshIdentity | null {
  const comment = `quorate@${hostname()}`;
  const stored = secrets.get(SECRET);
  if (stored !== null) return { privateKey: stored, ...publicHalf(stored, comment) };
  if (!create) return null;
  const pair = makeSshKeyPair(comment);
  secrets.put(SECRET, pair.privateKey);
  return pair;
}
