// GET /api/v1/history (viewer): the event timeline from SQLite, filtered, newest first, with a total.
// GET /api/v1/audit (admin): the audit trail, newest first, with a total.
import { Router } from 'express';
import { AuditQuery, HistoryQuery, type AuditPage, type HistoryPage } from '@quorate/model';
import { requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { badRequest } from '../http-errors';

export function historyRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();

  router.get('/history', async (req, res) => {
    const q = HistoryQuery.safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const { cluster, type, severity, before, after, limit, offset } = q.data;
    const body: HistoryPage = await store.events.list({
      limit,
      offset,
      ...(cluster !== undefined ? { clusterId: cluster } : {}),
      ...(type !== undefined ? { types: type } : {}),
      ...(severity !== undefined ? { severity } : {}),
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    });
    res.json(body);
  });

  router.get('/audit', requireRole('admin'), async (req, res) => {
    const q = AuditQuery.safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const { cluster, operation, result, actor, limit, offset } = q.data;
    const body: AuditPage = await store.audit.list({
      limit,
      offset,
      ...(cluster !== undefined ? { clusterId: cluster } : {}),
      ...(operation !== undefined ? { operation } : {}),
      ...(result !== undefined ? { result } : {}),
      ...(actor !== undefined ? { actor } : {}),
    });
    res.json(body);
  });

  return router;
}
