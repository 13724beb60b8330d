// /api/v1/settings/retention (admin): how long events and audit records are kept. A change prunes at once.
// /api/v1/settings/links?cluster=ID: a cluster's link thresholds (GET viewer; PUT, DELETE admin, audited).
import type { TimelineRecorder } from '../timeline/recorder';
import { Router } from 'express';
import { z } from 'zod';
import { LinkThresholds, LinkThresholdsUpdate, RetentionUpdate, applyThresholdsUpdate, defaultLinkThresholds, type LinkSettings, type RetentionSettings } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';
import { badRequest } from '../http-errors';
import type { LinkSeriesService } from '../link-series';
import { clusterOf } from './cluster-param';

export function settingsRouter(ctx: AppContext, links: LinkSeriesService, timeline?: Pick<TimelineRecorder, 'prune'>): Router {
  const { store } = ctx;
  const router = Router();

  // before the admin gate below: every signed-in user sees the thresholds (the matrix colours by them)
  const linkSettings = (clusterId: string): LinkSettings => ({ clusterId, thresholds: links.thresholds(clusterId), defaults: defaultLinkThresholds });
  router.get('/settings/links', (req, res) => {
    res.json(linkSettings(clusterOf(req, ctx.clusters).config.id));
  });
  router.put('/settings/links', requireRole('admin'), (req, res) => {
    const who = signedIn(req.identity);
    const clusterId = clusterOf(req, ctx.clusters).config.id;
    const patch = LinkThresholdsUpdate.safeParse(req.body);
    if (!patch.success) throw badRequest('link thresholds', patch.error);
    let next: LinkThresholds;
    try {
      next = applyThresholdsUpdate(links.thresholds(clusterId), patch.data);
    } catch (err) {
      if (err instanceof z.ZodError) throw badRequest('link thresholds', err);
      throw err;
    }
    links.setThresholds(clusterId, next);
    audit(ctx, who, { operation: 'settings-links', clusterId, params: patch.data, confirmed: true, result: 'ok', message: `link thresholds changed: ${thresholdsSentence(next)}` });
    res.json(linkSettings(clusterId));
  });
  router.delete('/settings/links', requireRole('admin'), (req, res) => {
    const who = signedIn(req.identity);
    const clusterId = clusterOf(req, ctx.clusters).config.id;
    const next = links.resetThresholds(clusterId);
    audit(ctx, who, { operation: 'settings-links', clusterId, params: { reset: true }, confirmed: true, result: 'ok', message: `link thresholds back to the defaults: ${thresholdsSentence(next)}` });
    res.json(linkSettings(clusterId));
  });

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
    const spans = patch.data.timeline && timeline ? timeline.prune(next.timeline) : null;
    audit(ctx, who, {
      operation: 'settings-retention',
      clusterId: null,
      params: patch.data,
      confirmed: true,
      result: 'ok',
      message: `retention changed; pruned ${pruned.events} events, ${pruned.audit} audit records${spans !== null ? `, ${spans} timeline spans` : ''}`,
    });
    res.json(next);
  });

  return router;
}

function thresholdsSentence(t: LinkThresholds): string {
  return `warn above ${t.warnLatencyMs} ms, bad above ${t.badLatencyMs} ms or ${t.lossPct} % loss for ${t.sustainMs / 1000} s, recovered after ${t.recoverMs / 1000} s`;
}
