// Time travel (issue 15), viewer:
//   GET /api/v1/timeline?cluster=ID&from=ms&to=ms -> TimelinePage: the changes in the range as marks (at most
//       TIMELINE_MAX_MARKS: every transition first), the oldest moment that can be rebuilt, and the range's events
//   GET /api/v1/timeline/at?cluster=ID&t=ms       -> TimelineAt: the cluster as the BFF held it at t
// A t before the oldest kept moment is a 404 naming that moment; a t in the future a 400. A removed cluster's
// recording stays readable (by its id) until retention drops it.
import { Router, type Request } from 'express';
import { TIMELINE_MAX_EVENTS, TimelineAtQuery, TimelineQuery, type TimelineAt, type TimelinePage } from '@quorate/model';
import type { Store } from '@quorate/store';
import type { ClusterRegistry } from '../clusters';
import { HttpError, badRequest, unknownCluster } from '../http-errors';
import type { TimelineRecorder } from './recorder';

/** a t this far past both the clock and the newest change is "in the future" (the sim's clock may run ahead) */
const FUTURE_SLACK_MS = 1_000;

const iso = (ms: number) => new Date(ms).toISOString();

export function timelineRouter(clusters: ClusterRegistry, store: Store, recorder: TimelineRecorder): Router {
  const { timeline } = recorder;
  const router = Router();

  /** a watched cluster, or one whose recording is still kept */
  async function clusterIdOf(cluster: string | undefined): Promise<string> {
    const c = clusters.get(cluster);
    if (c) return c.config.id;
    const id = cluster ?? clusters.defaultId;
    if ((await timeline.oldest(id)) === null) throw unknownCluster(id);
    return id;
  }

  router.get('/timeline', async (req: Request, res) => {
    const q = TimelineQuery.safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const { from, to } = q.data;
    const clusterId = await clusterIdOf(q.data.cluster);
    const { marks, truncated } = await timeline.marks(clusterId, from, to);
    const events = await store.events.list({ clusterId, after: from, before: to + 1, limit: TIMELINE_MAX_EVENTS });
    const body: TimelinePage = {
      clusterId,
      from,
      to,
      oldest: await timeline.oldest(clusterId),
      newest: await timeline.newest(clusterId),
      marks,
      truncated,
      events: events.events.reverse(),
      eventsTruncated: events.total > events.events.length,
    };
    res.json(body);
  });

  router.get('/timeline/at', async (req: Request, res) => {
    const q = TimelineAtQuery.safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const { t } = q.data;
    const clusterId = await clusterIdOf(q.data.cluster);
    const newest = await timeline.newest(clusterId);
    const now = Date.now();
    if (t > Math.max(now, newest ?? now) + FUTURE_SLACK_MS) throw new HttpError(400, `t (${iso(t)}) is in the future: the latest moment is ${iso(Math.max(now, newest ?? now))}`);
    const oldest = await timeline.oldest(clusterId);
    if (oldest === null) throw new HttpError(404, `nothing recorded for cluster '${clusterId}' yet`);
    if (t < oldest) {
      throw new HttpError(404, `nothing kept before ${iso(oldest)} for cluster '${clusterId}' (asked for ${iso(t)}): that is the oldest moment that can be shown`, undefined, { oldest });
    }
    const state = await timeline.at(clusterId, t);
    if (!state) throw new HttpError(404, `nothing kept before ${iso(oldest)} for cluster '${clusterId}'`, undefined, { oldest });
    const body: TimelineAt = { clusterId, t, at: state.at, rev: state.rev, snapshot: state.snapshot };
    res.json(body);
  });

  return router;
}
