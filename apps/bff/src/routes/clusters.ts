// GET /api/v1/clusters (viewer) -> ClusterList (each with its state; removed clusters whose history is kept)
// GET /api/v1/clusters/:id (admin) -> ClusterDetail (secrets by name only; the source's health)
// POST /api/v1/clusters (admin) -> 201 ClusterDetail: the entry shape of QUORATE_CLUSTERS, watched at once
// POST /api/v1/clusters/test (admin) -> 200 ConnectResult: a pve entry tried step by step; nothing stored
//   (an `id` naming a runtime pve cluster and no secret in `api`: tested with the stored secret)
// PATCH /api/v1/clusters/:id (admin) -> ClusterDetail: name, default, or settings (a new collector); an
//   `api` block without a secret keeps the stored one
// DELETE /api/v1/clusters/:id (admin) -> its collector stopped, its history kept
import { Router, type Request } from 'express';
import { BASE_KEYS, ClusterIdParam } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { testConnection, type PveApiSettings } from '@quorate/sources';
import { invalidCluster, parseClusterEntry, settingsOf } from '../cluster-entry';
import { audit, type AppContext } from '../context';
import { HttpError } from '../http-errors';
import { sshTestPart } from '../ssh-test-part';
import { withStoredSecret } from '../stored-secret';

const idOf = (req: Request): string => {
  const id = ClusterIdParam.safeParse(req.params.id);
  if (!id.success) throw new HttpError(400, `invalid cluster id: ${id.error.issues[0]?.message ?? ''}`);
  return id.data;
};

/** what the audit trail keeps of a request body: the common fields, and only the names of the settings (values may be secrets) */
function redacted(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const b = body as Record<string, unknown>;
  const base = Object.fromEntries(BASE_KEYS.filter((k) => k in b).map((k) => [k, typeof b[k] === 'string' ? (b[k] as string).slice(0, 128) : b[k]]));
  return { ...base, settings: Object.keys(settingsOf(b)).slice(0, 32) };
}

export function clustersRouter(ctx: AppContext): Router {
  const router = Router();
  const admin = ctx.clusterAdmin;

  router.get('/clusters', async (_req, res) => {
    res.json(await admin.list());
  });

  router.get('/clusters/:id', requireRole('admin'), (req, res) => {
    const detail = admin.detail(idOf(req));
    // the source's health now: a changed certificate with both fingerprints (Admin → Clusters offers to trust it)
    const h = ctx.clusters.get(detail.id)?.feed.health();
    res.json(h ? { ...detail, health: { state: h.state, message: h.message, lastObservedAt: h.lastObservedAt, ...(h.certificate ? { certificate: h.certificate } : {}) } } : detail);
  });

  /** a change, audited either way: done (with its line), or refused with the reason the caller got */
  async function audited<T>(req: Request, operation: string, clusterId: string | null, params: Record<string, unknown>, change: () => Promise<T>, done: (r: T) => string): Promise<T> {
    const who = signedIn(req.identity);
    try {
      const r = await change();
      await audit(ctx, who, { operation, clusterId, params, confirmed: true, result: 'ok', message: done(r) });
      return r;
    } catch (err) {
      if (err instanceof HttpError) await audit(ctx, who, { operation, clusterId, params, result: 'refused', message: err.message });
      throw err;
    }
  }

  router.post('/clusters', requireRole('admin'), async (req, res) => {
    const params = redacted(req.body);
    const clusterId = typeof params.id === 'string' ? params.id.slice(0, 64) : null;
    const detail = await audited(req, 'cluster-add', clusterId, params, () => admin.add(req.body), (d) => `cluster '${d.id}' (${d.source}) added`);
    res.status(201).json(detail);
  });

  // "Test" in the connect form: the same validation as POST, then first contact (probeCertificate, the
  // token only to a trusted certificate); the secret is never echoed nor audited
  router.post('/clusters/test', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    const body: unknown = req.body;
    const given = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    // editing a cluster: no secret typed = the stored one (never echoed)
    const raw = withStoredSecret(given, given.id, ctx.clusters);
    const params = redacted(raw);
    const clusterId = typeof params.id === 'string' ? params.id.slice(0, 64) : null;
    if (raw.source !== 'pve') throw new HttpError(400, 'testing is for pve clusters');
    // an id is not needed to test: the form may not have one yet
    // the ssh block apart: its host keys may still be unknown (the test shows them for acceptance)
    const ssh = sshTestPart(raw, ctx.clusters);
    const entry = parseClusterEntry({ id: 'test', ...ssh.rest }, ctx.config.kindDefaults, 'runtime');
    if (!entry.ok) throw invalidCluster(entry.issues);
    const [apiResult, sshResults] = await Promise.all([testConnection((entry.cluster.settings as { api: PveApiSettings }).api), ssh.run?.((await ctx.ssh.current())?.privateKey ?? null) ?? null]);
    const result = sshResults === null ? apiResult : { ...apiResult, ok: apiResult.ok && sshResults.every((r) => r.ok), ssh: sshResults };
    const failed = result.steps.find((s) => !s.ok);
    const sshFailed = sshResults?.find((r) => !r.ok);
    const why = failed ? `${failed.name}: ${failed.message}` : sshFailed ? `ssh ${sshFailed.name}: ${sshFailed.message}` : '?';
    await audit(ctx, who, { operation: 'cluster-test', clusterId, params, result: result.ok ? 'ok' : 'failed', message: result.ok ? 'connection test passed' : `connection test failed at ${why}`.slice(0, 500) });
    res.json(result);
  });

  router.patch('/clusters/:id', requireRole('admin'), async (req, res) => {
    const id = idOf(req);
    // a new `api` block replaces the stored one whole: its secret, when not typed again, stays as stored
    const body: unknown = req.body;
    const patch = typeof body === 'object' && body !== null && !Array.isArray(body) ? withStoredSecret(body as Record<string, unknown>, id, ctx.clusters) : body;
    res.json(await audited(req, 'cluster-change', id, redacted(req.body), () => admin.patch(id, patch), () => `cluster '${id}' changed`));
  });

  router.delete('/clusters/:id', requireRole('admin'), async (req, res) => {
    const id = idOf(req);
    const gone = await audited(req, 'cluster-remove', id, {}, () => admin.remove(id), () => `cluster '${id}' removed; its history is kept`);
    res.json({ ok: true, removed: gone });
  });

  return router;
}
