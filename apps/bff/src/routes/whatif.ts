// What-if and the design advisor (issue 15), all viewer, all on the cluster's current snapshot:
//   POST /api/v1/whatif[?cluster=ID] {fail: {nodes, links, qdevice?}} -> WhatIfResponse: the predicted
//        partitions by the model's votequorum rules, and the smallest failure on top of the asked one
//   GET  /api/v1/whatif/reboot?cluster=&node=NAME                      -> RebootResponse ("can I reboot it now?")
//   GET  /api/v1/advisor[?cluster=ID]                                  -> AdvisorResponse {checks}, with the
//        source's facts (versions, clocks, storage servers, HA guests' disks) when it declares advisorFacts
// Unknown node names are a 400 that names them; a cluster not observed yet is a 503 with Retry-After.
import { Router, type Request } from 'express';
import {
  RebootQuery,
  WhatIfRequest,
  adviseCluster,
  canReboot,
  smallestFailure,
  unknownWhatIfNodes,
  whatIf,
  type AdvisorFacts,
  type AdvisorResponse,
  type ClusterSnapshot,
  type RebootResponse,
  type WhatIfResponse,
} from '@quorate/model';
import type { AdvisorFactsControl } from '@quorate/sources';
import type { ClusterRegistry } from '../clusters';
import { HttpError, badRequest } from '../http-errors';
import type { LinkSeriesService } from '../link-series';
import { clusterOf } from './cluster-param';

/** answers kept per (cluster, snapshot rev, question): the smallest-failure search costs up to ~0.5 s on 32 nodes */
export const WHATIF_CACHE_ENTRIES = 64;
/** a source's advisor facts are read again at most this often (a pve clock read samples /time for ~1.5 s per node) */
export const ADVISOR_FACTS_TTL_MS = 60_000;
/** an answer waits at most this long for fresh facts; then it uses the last ones (or none: those checks say "not checked") */
export const ADVISOR_FACTS_WAIT_MS = 8_000;

/** per cluster: the newest facts and when they were read, and the read in flight (one at a time) */
class AdvisorFactsCache {
  private readonly entries = new Map<string, { at: number; facts: AdvisorFacts | null; reading: Promise<AdvisorFacts> | null }>();

  async get(clusterId: string, control: AdvisorFactsControl | undefined): Promise<AdvisorFacts> {
    if (!control) return {};
    const e = this.entries.get(clusterId) ?? { at: 0, facts: null, reading: null };
    this.entries.set(clusterId, e);
    if (e.facts && Date.now() - e.at < ADVISOR_FACTS_TTL_MS) return e.facts;
    e.reading ??= control
      .advisorFacts()
      .then((facts) => Object.assign(e, { at: Date.now(), facts }).facts!)
      .catch(() => e.facts ?? {})
      .finally(() => (e.reading = null));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<AdvisorFacts>((resolve) => (timer = setTimeout(() => resolve(e.facts ?? {}), ADVISOR_FACTS_WAIT_MS)));
    try {
      return await Promise.race([e.reading, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function currentOf(req: Request, clusters: ClusterRegistry): { snapshot: ClusterSnapshot; rev: number } {
  const { collector } = clusterOf(req, clusters);
  const current = collector.current();
  if (!current) {
    const why = collector.health().message;
    throw new HttpError(503, `cluster '${collector.clusterId}' has not been observed yet${why ? `: ${why}` : ''}`, undefined, undefined, { 'Retry-After': '1' });
  }
  return current;
}
const snapshotOf = (req: Request, clusters: ClusterRegistry): ClusterSnapshot => currentOf(req, clusters).snapshot;

function refuseUnknown(snapshot: ClusterSnapshot, names: string[], path: (name: string) => string): void {
  if (names.length === 0) return;
  const s = names.length > 1 ? 's' : '';
  throw new HttpError(
    400,
    `unknown node${s} in cluster '${snapshot.clusterId}': ${names.join(', ')}`,
    names.map((name) => ({ path: path(name), message: `no node '${name}' in this cluster` })),
  );
}

export function whatifRouter(clusters: ClusterRegistry, linkSeries: Pick<LinkSeriesService, 'thresholds'>): Router {
  const cache = new Map<string, WhatIfResponse>();
  const factsCache = new AdvisorFactsCache();
  return Router()
    .post('/whatif', (req, res) => {
      const body = WhatIfRequest.safeParse(req.body);
      if (!body.success) throw badRequest('what-if', body.error);
      const { snapshot, rev } = currentOf(req, clusters);
      const { fail } = body.data;
      refuseUnknown(snapshot, unknownWhatIfNodes(snapshot, fail), (name) => (fail.nodes.includes(name) ? 'fail.nodes' : 'fail.links'));
      const key = `${snapshot.clusterId}|${rev}|${JSON.stringify(fail)}`;
      let out = cache.get(key);
      if (!out) {
        out = { clusterId: snapshot.clusterId, observedAt: snapshot.observedAt, ...whatIf(snapshot, fail), smallestFailure: smallestFailure(snapshot, fail) };
        cache.set(key, out);
        // the oldest question goes first (a Map iterates in insertion order)
        if (cache.size > WHATIF_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      }
      res.json(out);
    })
    .get('/whatif/reboot', (req, res) => {
      const q = RebootQuery.safeParse({ node: req.query.node });
      if (!q.success) throw badRequest('query', q.error);
      const snapshot = snapshotOf(req, clusters);
      refuseUnknown(snapshot, unknownWhatIfNodes(snapshot, { nodes: [q.data.node], links: [] }), () => 'node');
      const out: RebootResponse = { clusterId: snapshot.clusterId, observedAt: snapshot.observedAt, ...canReboot(snapshot, q.data.node) };
      res.json(out);
    })
    .get('/advisor', async (req, res) => {
      const { collector } = clusterOf(req, clusters);
      snapshotOf(req, clusters);
      const facts = await factsCache.get(collector.clusterId, collector.source.capabilities.advisorFacts);
      const t = await linkSeries.thresholds(collector.clusterId);
      // the facts are read against the newest snapshot: the advice is made on the one after the reads
      const snapshot = snapshotOf(req, clusters);
      const out: AdvisorResponse = { clusterId: snapshot.clusterId, observedAt: snapshot.observedAt, ...adviseCluster(snapshot, { ...facts, latency: { warnMs: t.warnLatencyMs, badMs: t.badLatencyMs } }) };
      res.json(out);
    });
}
