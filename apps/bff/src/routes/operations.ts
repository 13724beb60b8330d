// POST /api/v1/operations/<name>[?cluster=ID]: guarded cluster operations (operations/guard.ts).
// GET /api/v1/join-candidates[?cluster=ID]: the standalone nodes a source offers to join or create from.
// GET /api/v1/join-info[?cluster=ID]: the cluster's Join Information (the Proxmox GUI's blob) to copy.
// GET /api/v1/link-interfaces[?cluster=ID]: each node's addresses a new Corosync link could use.
import { Router } from 'express';
import { decodeJoinInfo } from '@quorate/model';
import { HttpError } from '../http-errors';
import { requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { create } from '../operations/create';
import { delnode } from '../operations/delnode';
import { expectedVotes } from '../operations/expected-votes';
import { guarded } from '../operations/guard';
import { join } from '../operations/join';
import { qdevice } from '../operations/qdevice';
import { links } from '../operations/links';
import { clusterOf } from './cluster-param';

/** every guarded operation (a restart looks up the ones that can follow their tasks further) */
export const OPERATIONS = [expectedVotes, join, create, delnode, qdevice, links] as const;

export function operationsRouter(ctx: AppContext): Router {
  return Router()
    .post('/operations/expected-votes', (req, res) => guarded(ctx, expectedVotes, req, res))
    .post('/operations/join', (req, res) => guarded(ctx, join, req, res))
    .post('/operations/create', (req, res) => guarded(ctx, create, req, res))
    .post('/operations/delnode', (req, res) => guarded(ctx, delnode, req, res))
    .post('/operations/qdevice', (req, res) => guarded(ctx, qdevice, req, res))
    .post('/operations/links', (req, res) => guarded(ctx, links, req, res))
    .get('/join-candidates', requireRole('operator'), async (req, res) => {
      const cluster = clusterOf(req, ctx.clusters);
      const caps = cluster.collector.source.capabilities;
      const control = caps.join ?? caps.create;
      res.json({ candidates: control ? await control.candidates() : [] });
    })
    // GET /api/v1/link-interfaces[?cluster=ID]: each node's addresses a new link could use (the links page offers them)
    .get('/link-interfaces', requireRole('operator'), async (req, res) => {
      const cluster = clusterOf(req, ctx.clusters);
      const control = cluster.collector.source.capabilities.links;
      if (!control) throw new HttpError(501, `cluster '${cluster.config.id}' (${cluster.config.source}) cannot change its Corosync links through Quorate: its source has no links capability`);
      res.json({ nodes: await control.interfaces() });
    })
    .get('/join-info', requireRole('viewer'), async (req, res) => {
      const cluster = clusterOf(req, ctx.clusters);
      const control = cluster.collector.source.capabilities.join;
      if (!control?.joinInformation) throw new HttpError(501, `cluster '${cluster.config.id}' (${cluster.config.source}) has no join information here`);
      // called on the control: the pve one reads through its own client (this)
      const joinInformation = await control.joinInformation();
      const decoded = decodeJoinInfo(joinInformation);
      // what the source built must read back: else it is a bug here, not the caller's
      if (!decoded.ok) throw new Error(`join information of '${cluster.config.id}' does not decode: ${decoded.error}`);
      res.json({ joinInformation, info: decoded.info });
    });
}
