// OpenSSH-style host key fingerprints: "SHA256:" + unpadded base64 of the SHA-256 of the key blob,
// exactly what `ssh-keygen -lf` and `ssh` print, so an operator can copy it from either.
import { createHash } from 'node:crypto';

export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts "SHA256:abc", "sha256:abc=" or bare "abc"; returns the canonical "SHA256:abc" or null when malformed. */
export function normalizeFingerprint(input: string): string | null {
  const body = input.trim().replace(/^sha256:/i, '').replace(/=+$/, '');
  // 32 bytes of SHA-256 are 43 characters of unpadded base64
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) return null;
  return `SHA256:${body}`;
}
