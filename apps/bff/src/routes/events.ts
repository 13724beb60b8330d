// GET /api/v1/events?since=SEQ&limit=N[&cluster=ID] -> EventsPage {events, next} (from SQLite: pages
// through everything kept, across restarts)
import { Router } from 'express';
import { EventsQuery, type EventsPage } from '@quorate/model';
import type { ClusterRegistry } from '../clusters';
import { badRequest } from '../http-errors';
import { watchedOf } from './cluster-param';

export function eventsRouter(clusters: ClusterRegistry): Router {
  return Router().get('/events', async (req, res) => {
    const q = EventsQuery.strict().safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const { feed } = watchedOf(req, clusters);
    const body: EventsPage = await feed.store.since(q.data.since, q.data.limit);
    res.json(body);
  });
}
