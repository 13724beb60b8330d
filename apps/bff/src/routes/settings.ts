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
  const linkSettings = async (clusterId: string): Promise<LinkSettings> => ({ clusterId, thresholds: await links.thresholds(clusterId), defaults: defaultLinkThresholds });
  router.get('/settings/links', async (req, res) => {
    res.json(await linkSettings(clusterOf(req, ctx.clusters).config.id));
  });
  router.put('/settings/links', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    const clusterId = clusterOf(req, ctx.clusters).config.id;
    const patch = LinkThresholdsUpdate.safeParse(req.body);
    if (!patch.success) throw badRequest('link thresholds', patch.error);
    let next: LinkThresholds;
    try {
      next = applyThresholdsUpdate(await links.thresholds(clusterId), patch.data);
    } catch (err) {
      if (err instanceof z.ZodError) throw badRequest('link thresholds', err);
      throw err;
    }
    await links.setThresholds(clusterId, next);
    await audit(ctx, who, { operation: 'settings-links', clusterId, params: patch.data, confirmed: true, result: 'ok', message: `link thresholds changed: ${thresholdsSentence(next)}` });
    res.json(await linkSettings(clusterId));
  });
  router.delete('/settings/links', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    const clusterId = clusterOf(req, ctx.clusters).config.id;
    const next = await links.resetThresholds(clusterId);
    await audit(ctx, who, { operation: 'settings-links', clusterId, params: { reset: true }, confirmed: true, result: 'ok', message: `link thresholds back to the defaults: ${thresholdsSentence(next)}` });
    res.json(await linkSettings(clusterId));
  });

  router.use('/settings', requireRole('admin'));

  router.get('/settings/retention', async (_req, res) => {
    const body: RetentionSettings = await store.settings.retention.get();
    res.json(body);
  });

  router.put('/settings/retention', async (req, res) => {
    const who = signedIn(req.identity);
    const patch = RetentionUpdate.safeParse(req.body);
    if (!patch.success) throw badRequest('retention', patch.error);
    const next: RetentionSettings = await store.settings.retention.set(patch.data);
    const pruned = await store.prune();
    const spans = patch.data.timeline && timeline ? await timeline.prune(next.timeline) : null;
    await audit(ctx, who, {
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
