// GET /api/v1/links/series (viewer): link latency and loss over time.
//   ?cluster=&a=&b=&link=&range=hour|week -> LinkSeriesPage (one pair: 1 s for the last hour, 1 min for the week)
//   ?cluster=&node=NAME[&range=hour]     -> NodeLinkSeriesPage (every pair and link of one node, the last hour)
import { Router } from 'express';
import { LinkSeriesQuery, type LinkSeriesPage, type NodeLinkSeriesPage } from '@quorate/model';
import type { ClusterRegistry } from '../clusters';
import { HttpError, badRequest, unknownCluster } from '../http-errors';
import type { LinkSeriesService } from '../link-series';
import { ledHere } from './cluster-param';

export function linksRouter(clusters: ClusterRegistry, series: LinkSeriesService): Router {
  return Router().get('/links/series', async (req, res) => {
    const q = LinkSeriesQuery.safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const found = clusters.get(q.data.cluster);
    if (!found) throw unknownCluster(q.data.cluster ?? clusters.defaultId);
    // the series are recorded where the cluster runs
    const cluster = ledHere(found);
    const nodes = cluster.feed.current()?.snapshot.nodes;
    const { a, b, link, node, range } = q.data;
    if (node !== undefined) {
      const n = nodes?.find((x) => x.name === node);
      if (!n) throw new HttpError(404, `no node '${node}' in cluster '${cluster.config.id}'`);
      const body: NodeLinkSeriesPage = series.nodeSeries(cluster, n.id, n.name);
      res.json(body);
      return;
    }
    // the schema makes a pair complete when no node is asked for
    for (const id of [a!, b!])
      if (nodes && !nodes.some((x) => x.id === id)) throw new HttpError(404, `no node with id ${id} in cluster '${cluster.config.id}'`);
    const body: LinkSeriesPage = await series.pairSeries(cluster, a!, b!, link!, range);
    res.json(body);
  });
}
