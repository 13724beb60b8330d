// Link health and link series for every cluster watched: each collector gets its cluster's thresholds and
// the degraded links saved by the previous run, and each validated snapshot goes into that cluster's ring
// (1 s, the last hour) and minute rollups (SQLite, a week). Answers GET /api/v1/links/series and the
// thresholds of /api/v1/settings/links.
import {
  defaultLinkThresholds,
  type ClusterSnapshot,
  type LinkSeries,
  type LinkSeriesPage,
  type LinkSeriesPoint,
  type LinkThresholds,
  type NodeLinkSeriesPage,
} from '@quorate/model';
import type { Store } from '@quorate/store';
import { LINK_ROLLUP_KEEP_MS } from '@quorate/store';
import { isLed, type Cluster, type ClusterRegistry, type LedCluster } from '../clusters';
import type { Logger } from '../logger';
import { LinkSeriesRecorder } from './recorder';
import { linkSettings, type LinkSettingsStore } from './settings';

/** a node's links answer with at most about this many points (coarser than 1 s when it has many links) */
export const NODE_SERIES_MAX_POINTS = 30_000;
/** bucket widths (s) a node's series may use: the finest that keeps under NODE_SERIES_MAX_POINTS */
const STEPS_S = [1, 2, 5, 10, 15, 30, 60];

interface Watched {
  cluster: LedCluster;
  recorder: LinkSeriesRecorder;
  unwire: () => void;
}

export class LinkSeriesService {
  readonly settings: LinkSettingsStore;
  private readonly watched = new Map<string, Watched>();
  private readonly log: Logger;
  /** the settings reads under way (ready) */
  private readonly loading = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    clusters: ClusterRegistry,
    logger: Logger,
  ) {
    this.settings = linkSettings(store);
    this.log = logger.child({ component: 'link-series' });
    for (const c of clusters.all()) this.watch(c);
    clusters.on('added', (c) => this.watch(c));
    // a cluster replaced (PATCH) keeps its ring: put() holds the new one by then; a removed one drops it
    clusters.on('removed', (c) => this.unwatch(c, clusters.has(c.config.id)));
  }

  /** resolves when the clusters watched so far have their thresholds and saved link health (before they observe) */
  async ready(): Promise<void> {
    await Promise.all([...this.loading]);
  }

  thresholds(clusterId: string): Promise<LinkThresholds> {
    return this.settings.thresholds(clusterId);
  }

  /** store and apply to the running tracker (from its next observation) */
  async setThresholds(clusterId: string, t: LinkThresholds): Promise<void> {
    await this.settings.setThresholds(clusterId, t);
    this.watched.get(clusterId)?.cluster.collector.linkHealth.setThresholds(t);
  }

  async resetThresholds(clusterId: string): Promise<LinkThresholds> {
    await this.setThresholds(clusterId, defaultLinkThresholds);
    return defaultLinkThresholds;
  }

  /** one pair and link: the last hour at 1 s (the ring) or the week at 1 minute (the rollups) */
  async pairSeries(cluster: Cluster, a: number, b: number, link: number, range: 'hour' | 'week'): Promise<LinkSeriesPage> {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const id = cluster.config.id;
    const recorder = this.watched.get(id)?.recorder;
    const names = namesOf(cluster);
    const base = { clusterId: id, range, a: lo, b: hi, aName: names(lo), bName: names(hi), link };
    if (range === 'hour') {
      const points = recorder ? recorder.ring.points(lo, hi, link).map(point) : [];
      return { ...base, resolutionMs: 1000, points };
    }
    const now = recorder?.ring.newest() ?? Date.now();
    const rows = await this.store.linkRollups.pair(id, lo, hi, link, now - LINK_ROLLUP_KEEP_MS, now);
    return { ...base, resolutionMs: 60_000, points: rows.map((r) => point({ t: r.minute, ...r })) };
  }

  /** every pair and link the node is on, the last hour; coarser than 1 s when it has many */
  nodeSeries(cluster: Cluster, nodeId: number, nodeName: string): NodeLinkSeriesPage {
    const id = cluster.config.id;
    const recorder = this.watched.get(id)?.recorder;
    const pairLinks = recorder ? recorder.ring.pairLinks().filter((p) => p.a === nodeId || p.b === nodeId) : [];
    const stepS = STEPS_S.find((s) => (pairLinks.length * 3600) / s <= NODE_SERIES_MAX_POINTS) ?? 60;
    const names = namesOf(cluster);
    const series: LinkSeries[] = pairLinks.map((p) => ({
      a: p.a,
      b: p.b,
      aName: names(p.a),
      bName: names(p.b),
      link: p.link,
      points: recorder!.ring.points(p.a, p.b, p.link, stepS).map(point),
    }));
    return { clusterId: id, node: nodeName, range: 'hour', resolutionMs: stepS * 1000, series };
  }

  /** drop rollups older than a week (hourly, with the store's retention); never throws */
  async prune(): Promise<number> {
    try {
      const n = await this.store.linkRollups.prune();
      if (n > 0) this.log.info({ rows: n }, 'link series: pruned rollups older than a week');
      return n;
    } catch (err) {
      this.log.error({ err }, 'link series: prune failed');
      return 0;
    }
  }

  /** a cluster run here: its collector's observations are recorded (where another replica runs it, there) */
  private watch(cluster: Cluster): void {
    if (!isLed(cluster)) return;
    const { collector } = cluster;
    const clusterId = collector.clusterId;
    const before = this.watched.get(clusterId);
    before?.unwire();
    const load = (async () => {
      try {
        const [thresholds, health] = await Promise.all([this.settings.thresholds(clusterId), this.settings.health(clusterId)]);
        collector.linkHealth.setThresholds(thresholds);
        collector.keepLinkHealth(health, (state, tx) => this.settings.saveHealth(clusterId, state, tx));
      } catch (err) {
        this.log.error({ err, clusterId }, 'link series: could not load the link settings; defaults apply');
      }
    })().finally(() => this.loading.delete(load));
    this.loading.add(load);
    const recorder = before?.recorder ?? new LinkSeriesRecorder(clusterId, this.store, this.log);
    const onObserved = (s: ClusterSnapshot) => recorder.observe(s);
    collector.on('observed', onObserved);
    this.watched.set(clusterId, { cluster, recorder, unwire: () => collector.off('observed', onObserved) });
  }

  private unwatch(cluster: Cluster, replaced: boolean): void {
    const w = this.watched.get(cluster.config.id);
    if (!w || w.cluster !== cluster) return;
    w.unwire();
    if (!replaced) this.watched.delete(cluster.config.id);
  }
}

const round = (x: number | null, digits: number): number | null => (x === null ? null : Number(x.toFixed(digits)));

function point(b: { t: number; avgMs: number | null; maxMs: number | null; lossPct: number | null; lossMaxPct: number | null }): LinkSeriesPoint {
  return { t: b.t, avgMs: round(b.avgMs, 3), maxMs: round(b.maxMs, 3), lossPct: round(b.lossPct, 3), lossMaxPct: round(b.lossMaxPct, 3) };
}

function namesOf(cluster: Cluster): (id: number) => string {
  const s = cluster.feed.current()?.snapshot;
  const names = new Map((s?.nodes ?? []).map((n) => [n.id, n.name]));
  return (id) => names.get(id) ?? `node ${id}`;
}
