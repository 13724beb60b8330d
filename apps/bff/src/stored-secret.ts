// Editing a pve cluster without retyping its token secret: the form leaves "Replace the token secret" empty,
// so the `api` block arrives without tokenSecret/tokenSecretFile. PATCH replaces settings keys whole (the
// `api` object included), and the connection test needs a secret, so both fill it in from the cluster as
// stored. Only for a runtime pve cluster named by the body's id; the value never goes back to the browser.
import type { ClusterRegistry } from './clusters';

type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** the body with the stored secret of cluster `id` in its `api` block when it has none; else the body as is */
export function withStoredSecret(body: Body, id: unknown, clusters: ClusterRegistry): Body {
  if (typeof id !== 'string' || !isObject(body.api)) return body;
  if ('tokenSecret' in body.api || 'tokenSecretFile' in body.api) return body;
  const c = clusters.has(id) ? clusters.get(id) : undefined;
  if (!c || c.config.origin !== 'runtime' || c.config.source !== 'pve') return body;
  const stored = c.config.settings.api;
  if (!isObject(stored)) return body;
  const secret = typeof stored.tokenSecret === 'string' ? { tokenSecret: stored.tokenSecret } : typeof stored.tokenSecretFile === 'string' ? { tokenSecretFile: stored.tokenSecretFile } : null;
  return secret ? { ...body, api: { ...body.api, ...secret } } : body;
}
