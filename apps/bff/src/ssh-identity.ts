// Quorate's own SSH key: made once (ed25519), the private half kept in the encrypted store and handed only
// to sources, the public half shown to admins to put in each node's authorized_keys. One key per
// installation, so an admin can revoke Quorate's access on a node with one line.
import { hostname } from 'node:os';
import { makeSshKeyPair, publicHalf, type SshKeyPublic } from '@quorate/sources';
import type { Store } from '@quorate/store';

const SECRET = 'ssh/identity';

export type SshIdentity = SshKeyPublic & { privateKey: string };

const comment = () => `quorate@${hostname()}`;

/**
 * The key as the store has it, and a copy in memory for the sources, which ask for it synchronously when
 * they connect (packages/sources kind.ts sshIdentity): read at start (load) and on every look here.
 */
export class SshIdentityCache {
  private key: string | null = null;
  /** one making at a time: two first asks must not make two keys */
  private making: Promise<{ key: SshIdentity; made: boolean }> | null = null;

  constructor(private readonly secrets: Store['secrets']) {}

  async load(): Promise<void> {
    await this.current();
  }

  /** the private key as last read (null: none yet) */
  privateKey(): string | null {
    return this.key;
  }

  /** the stored key, null when there is none yet */
  async current(): Promise<SshIdentity | null> {
    const stored = await this.secrets.get(SECRET);
    this.key = stored;
    return stored === null ? null : { privateKey: stored, ...publicHalf(stored, comment()) };
  }

  /** the key, made and stored on first use (made: this call made it) */
  ensure(): Promise<{ key: SshIdentity; made: boolean }> {
    this.making ??= (async () => {
      const existing = await this.current();
      if (existing) return { key: existing, made: false };
      const pair = makeSshKeyPair(comment());
      await this.secrets.put(SECRET, pair.privateKey);
      this.key = pair.privateKey;
      return { key: pair, made: true };
    })().finally(() => {
      this.making = null;
    });
    return this.making;
  }
}
