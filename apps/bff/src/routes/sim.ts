// POST /api/v1/sim/faults[?cluster=ID] body SimFault -> 202 {ok, fault} (operator). Only simulated
// clusters take faults. Each fault is audited and the simulator's state saved before the answer.
// GET /api/v1/sim/spares and POST /api/v1/sim/spares (a SpareFault: add, rename, set a pre-flight failure
// such as a blocked Corosync port or a skewed clock, remove; a QDevice on or off) — the join's set-ups.
import { Router } from 'express';
import { SimFault } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';
import { HttpError, badRequest, issuesOf } from '../http-errors';
import { faultTarget, spareTarget } from '../sources';
import { clusterOf } from './cluster-param';

export function simRouter(ctx: AppContext): Router {
  const router = Router();
  const spares = (req: Parameters<typeof clusterOf>[0]) => {
    const { config, collector } = clusterOf(req, ctx.clusters);
    const target = spareTarget(collector.source);
    if (!target) throw new HttpError(409, `cluster '${config.id}' is not simulated (source '${config.source}'): spares are the simulator's`);
    return { config, target };
  };
  router.get('/sim/spares', requireRole('viewer'), (req, res) => {
    res.json({ spares: spares(req).target.spares() });
  });
  router.post('/sim/spares', requireRole('operator'), async (req, res) => {
    const who = signedIn(req.identity);
    const { config, target } = spares(req);
    const params = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : { body: String(req.body) };
    try {
      // validated whole by the sim (SpareFault): an invalid one throws SimFaultError (400) and changes nothing
      target.applySpareFault(req.body);
    } catch (err) {
      await audit(ctx, who, { operation: 'sim-spare', clusterId: config.id, params, result: 'refused', message: (err as Error).message });
      throw err;
    }
    await clusterOf(req, ctx.clusters).checkpoint.saveNow();
    await audit(ctx, who, { operation: 'sim-spare', clusterId: config.id, params, confirmed: true, result: 'ok', message: `spare ${String(params.action)} applied` });
    res.status(202).json({ ok: true, spares: target.spares() });
  });
  return router.post('/sim/faults', requireRole('operator'), async (req, res) => {
    const who = signedIn(req.identity);
    const { config, collector, checkpoint } = clusterOf(req, ctx.clusters);
    const target = faultTarget(collector.source);
    if (!target) throw new HttpError(409, `cluster '${config.id}' is not simulated (source '${config.source}'): faults apply to sim clusters only`);
    const fault = SimFault.safeParse(req.body);
    const refused = (message: string, params: Record<string, unknown>) =>
      audit(ctx, who, { operation: 'sim-fault', clusterId: config.id, params, result: 'refused', message });
    if (!fault.success) {
      const err = badRequest('fault', fault.error);
      await refused(err.message, { issues: issuesOf(fault.error) });
      throw err;
    }
    try {
      // an impossible fault (unknown node, ...) throws SimFaultError and changes nothing: mapped to 400
      target.applyFault(fault.data);
    } catch (err) {
      await refused((err as Error).message, fault.data);
      throw err;
    }
    await checkpoint.saveNow();
    await audit(ctx, who, { operation: 'sim-fault', clusterId: config.id, params: fault.data, confirmed: true, result: 'ok', message: `fault ${fault.data.action} applied` });
    res.status(202).json({ ok: true, fault: fault.data });
  });
}
