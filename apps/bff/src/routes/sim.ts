// POST /api/v1/sim/faults[?cluster=ID] body SimFault -> 202 {ok, fault} (operator). Only simulated
// clusters take faults. Each fault is audited and the simulator's state saved before the answer.
import { Router } from 'express';
import { SimFault } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';
import { HttpError, badRequest, issuesOf } from '../http-errors';
import { faultTarget } from '../sources';
import { clusterOf } from './cluster-param';

export function simRouter(ctx: AppContext): Router {
  return Router().post('/sim/faults', requireRole('operator'), (req, res) => {
    const who = signedIn(req.identity);
    const { config, collector, checkpoint } = clusterOf(req, ctx.clusters);
    const target = faultTarget(collector.source);
    if (!target) throw new HttpError(409, `cluster '${config.id}' is not simulated (source '${config.source}'): faults apply to sim clusters only`);
    const fault = SimFault.safeParse(req.body);
    const refused = (message: string, params: Record<string, unknown>) =>
      audit(ctx, who, { operation: 'sim-fault', clusterId: config.id, params, result: 'refused', message });
    if (!fault.success) {
      const err = badRequest('fault', fault.error);
      refused(err.message, { issues: issuesOf(fault.error) });
      throw err;
    }
    try {
      // an impossible fault (unknown node, ...) throws SimFaultError and changes nothing: mapped to 400
      target.applyFault(fault.data);
    } catch (err) {
      refused((err as Error).message, fault.data);
      throw err;
    }
    checkpoint.saveNow();
    audit(ctx, who, { operation: 'sim-fault', clusterId: config.id, params: fault.data, confirmed: true, result: 'ok', message: `fault ${fault.data.action} applied` });
    res.status(202).json({ ok: true, fault: fault.data });
  });
}
