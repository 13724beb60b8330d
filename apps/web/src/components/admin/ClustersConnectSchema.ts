// The "Connect a Proxmox VE cluster" form's rules (react-hook-form + zod resolver): zod/mini, in the admin
// page's lazy chunk only. The BFF validates the same entry with the pve kind's schema; these say it early.
import * as z from 'zod/mini';
import type { ClusterEntry } from '../../api/clusters';
import { EMPTY_SSH, SshForm, sshOf } from './ClustersSshSchema';

export const FINGERPRINT = /^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/;

export const ConnectForm = z.object({
  id: z.string().check(z.trim(), z.minLength(1, 'Enter an id, e.g. prod.'), z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'Letters, digits and . _ - only, at most 64.')),
  name: z.string().check(z.trim()),
  urls: z.string().check(
    z.refine((v) => lines(v).length > 0, 'Enter the API URL of one or more nodes, e.g. https://10.0.0.11:8006.'),
    z.refine((v) => lines(v).every((u) => /^https:\/\/[^\s/]+/.test(u)), 'Each URL starts with https://, one per line.'),
  ),
  tokenId: z.string().check(z.trim(), z.regex(/^[^@\s]+@[^!\s]+![A-Za-z][A-Za-z0-9._-]*$/, 'USER@REALM!TOKENID, e.g. quorate@pve!dashboard.')),
  tokenSecret: z.string().check(z.trim(), z.minLength(1, 'Enter the token secret (the UUID shown once when the token was made).')),
  fingerprint: z.string().check(
    z.trim(),
    z.refine((v) => v === '' || FINGERPRINT.test(v.replace(/\s/g, '')), 'A SHA-256 fingerprint: 32 bytes in colon hex (AB:CD:…).'),
  ),
  ssh: SshForm,
});
export type ConnectForm = z.output<typeof ConnectForm>;

export const EMPTY_CONNECT: ConnectForm = { id: '', name: '', urls: '', tokenId: '', tokenSecret: '', fingerprint: '', ssh: EMPTY_SSH };

export function lines(v: string): string[] {
  return v
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** the form → the entry POST /api/v1/clusters (and /test) take */
export function entryOf(f: ConnectForm): ClusterEntry {
  const fingerprint = f.fingerprint.replace(/\s/g, '');
  const ssh = sshOf(f.ssh);
  return {
    id: f.id,
    ...(f.name ? { name: f.name } : {}),
    source: 'pve',
    api: { urls: lines(f.urls), tokenId: f.tokenId, tokenSecret: f.tokenSecret, ...(fingerprint ? { fingerprint } : {}) },
    ...(ssh ? { ssh } : {}),
  };
}
