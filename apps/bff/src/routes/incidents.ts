// GET /api/v1/incidents?cluster=&open=true|false&limit= -> IncidentList {incidents} (viewer), newest first:
// one entry per cause (see the model's incidents.ts); the events stay in /events and /history.
import { Router } from 'express';
import { IncidentQuery, type IncidentList } from '@quorate/model';
import type { ClusterRegistry } from '../clusters';
import { badRequest } from '../http-errors';
import type { Incidents } from '../incidents';
import { clusterOf } from './cluster-param';

export function incidentsRouter(clusters: ClusterRegistry, incidents: Incidents): Router {
  return Router().get('/incidents', (req, res) => {
    const q = IncidentQuery.safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const { config } = clusterOf(req, clusters);
    const { open, limit } = q.data;
    const body: IncidentList = { incidents: incidents.list(config.id, { limit, ...(open !== undefined ? { open } : {}) }) ?? [] };
    res.json(body);
  });
}
