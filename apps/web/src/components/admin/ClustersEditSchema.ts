// The "Edit" form of a pve cluster added here (react-hook-form + zod/mini, admin chunk only): the stored entry
// (GET /clusters/:id, no secrets) → the form → the PATCH body and the /clusters/test body. The token secret is
// never shown: left empty, the BFF keeps (and tests with) the stored one.
import * as z from 'zod/mini';
import type { ClusterDetail } from '@quorate/model';
import type { ClusterEntry } from '../../api/clusters';
import { FINGERPRINT, lines } from './ClustersConnectSchema';
import { SshForm, sshForm, sshOf } from './ClustersSshSchema';

export const EditForm = z
  .object({
    name: z.string().check(z.trim(), z.minLength(1, 'Enter a name.'), z.maxLength(128, 'At most 128 characters.')),
    urls: z.string().check(
      z.refine((v) => lines(v).length > 0, 'Enter the API URL of one or more nodes, e.g. https://10.0.0.11:8006.'),
      z.refine((v) => lines(v).every((u) => /^https:\/\/[^\s/]+/.test(u)), 'Each URL starts with https://, one per line.'),
    ),
    tokenId: z.string().check(z.trim(), z.regex(/^[^@\s]+@[^!\s]+![A-Za-z][A-Za-z0-9._-]*$/, 'USER@REALM!TOKENID, e.g. quorate@pve!dashboard.')),
    /** empty: keep the stored secret */
    tokenSecret: z.string().check(z.trim()),
    trust: z.enum(['fingerprint', 'ca']),
    fingerprint: z.string().check(z.trim(), z.refine((v) => v === '' || FINGERPRINT.test(v.replace(/\s/g, '')), 'A SHA-256 fingerprint: 32 bytes in colon hex (AB:CD:…).')),
    caFile: z.string().check(z.trim()),
    ssh: SshForm,
  })
  .check(z.refine((f) => f.trust !== 'ca' || f.caFile.startsWith('/'), { message: 'The absolute path of the cluster’s pve-root-ca.pem on the Quorate host.', path: ['caFile'] }));
export type EditForm = z.output<typeof EditForm>;

type StoredApi = { urls?: string[]; tokenId?: string; fingerprint?: string | Record<string, string>; caFile?: string; tokenSecretFile?: string; timeoutMs?: number };

const apiOf = (d: ClusterDetail): StoredApi => (d.settings.api ?? {}) as StoredApi;

/** one fingerprint for the field: the pin (or the first URL's, when each URL has its own) */
function shownFingerprint(fp: StoredApi['fingerprint']): string {
  if (typeof fp === 'string') return fp;
  return fp ? (Object.values(fp)[0] ?? '') : '';
}

export function editFormOf(d: ClusterDetail): EditForm {
  const api = apiOf(d);
  return {
    name: d.name,
    urls: (api.urls ?? []).join('\n'),
    tokenId: api.tokenId ?? '',
    tokenSecret: '',
    trust: api.caFile !== undefined ? 'ca' : 'fingerprint',
    fingerprint: shownFingerprint(api.fingerprint),
    caFile: api.caFile ?? '',
    ssh: sshForm(d.settings.ssh, d.secrets),
  };
}

/** the `api` block: the stored one's other keys kept; a per-URL pin kept while its field is unchanged; the secret only when typed */
export function apiBlock(d: ClusterDetail, f: EditForm): Record<string, unknown> {
  const { fingerprint: storedFp, caFile: _ca, tokenSecretFile, ...rest } = apiOf(d);
  void _ca;
  const fp = f.fingerprint.replace(/\s/g, '');
  const keepPerUrl = typeof storedFp === 'object' && fp === shownFingerprint(storedFp).replace(/\s/g, '');
  const trust = f.trust === 'ca' ? { caFile: f.caFile } : keepPerUrl ? { fingerprint: storedFp } : fp ? { fingerprint: fp } : {};
  const secret = f.tokenSecret ? { tokenSecret: f.tokenSecret } : tokenSecretFile !== undefined ? { tokenSecretFile } : {};
  return { ...rest, urls: lines(f.urls), tokenId: f.tokenId, ...trust, ...secret };
}

/** the PATCH body; SSH switched off on a cluster that had it: `ssh: null` removes the stored block */
export function patchOf(d: ClusterDetail, f: EditForm): Record<string, unknown> {
  const ssh = sshOf(f.ssh);
  const removed = !ssh && d.settings.ssh !== undefined && d.settings.ssh !== null;
  return { name: f.name, api: apiBlock(d, f), ...(ssh ? { ssh } : removed ? { ssh: null } : {}) };
}

/** what Test sends: the edited entry under the cluster's id (no secret typed: the BFF tests with the stored one) */
export function testEntryOf(d: ClusterDetail, f: EditForm): ClusterEntry {
  const { ssh, ...rest } = patchOf(d, f);
  return { id: d.id, source: 'pve', ...rest, ...(ssh ? { ssh } : {}) };
}

/** the `api` block with `presented` pinned: the one fingerprint of all URLs, or only `url`'s where each has its own */
export function trustedApi(d: ClusterDetail, url: string, presented: string): Record<string, unknown> {
  const { fingerprint, caFile: _ca, ...rest } = apiOf(d);
  void _ca;
  return { ...rest, fingerprint: typeof fingerprint === 'object' ? { ...fingerprint, [url]: presented } : presented };
}
