// POST /api/v1/sim/faults[?cluster=ID] body SimFault -> 202 {ok, fault}. Only simulated clusters take faults.
import { Router } from 'express';
import { SimFault } from '@quorate/model';
import type { ClusterRegistry } from '../clusters';
import { HttpError, badRequest } from '../http-errors';
import { faultTarget } from '../sources';
import { clusterOf } from './cluster-param';

export function simRouter(clusters: ClusterRegistry): Router {
  return Router().post('/sim/faults', (req, res) => {
    const { config, collector } = clusterOf(req, clusters);
    const target = faultTarget(collector.source);
    if (!target) throw new HttpError(409, `cluster '${config.id}' is not simulated (source '${config.source}'): faults apply to sim clusters only`);
    const fault = SimFault.safeParse(req.body);
    if (!fault.success) throw badRequest('fault', fault.error);
    // an impossible fault (unknown node, ...) throws SimFaultError and changes nothing: mapped to 400
    target.applyFault(fault.data);
    res.status(202).json({ ok: true, fault: fault.data });
  });
}
