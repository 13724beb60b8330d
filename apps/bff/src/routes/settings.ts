// /api/v1/settings/retention (admin): how long events and audit records are kept. A change prunes at once.
import { Router } from 'express';
import { RetentionUpdate, type RetentionSettings } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';
import { badRequest } from '../http-errors';

export function settingsRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();
  router.use('/settings', requireRole('admin'));

  router.get('/settings/retention', (_req, res) => {
    const body: RetentionSettings = store.settings.retention.get();
    res.json(body);
  });

  router.put('/settings/retention', (req, res) => {
    const who = signedIn(req.identity);
    const patch = RetentionUpdate.safeParse(req.body);
    if (!patch.success) throw badRequest('retention', patch.error);
    const next: RetentionSettings = store.settings.retention.set(patch.data);
    const pruned = store.prune();
    audit(ctx, who, { operation: 'settings-retention', clusterId: null, params: patch.data, confirmed: true, result: 'ok', message: `retention changed; pruned ${pruned.events} events, ${pruned.audit} audit records` });
    res.json(next);
  });

  return router;
}
