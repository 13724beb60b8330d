// The clusters the BFF watches, each with its source, its one collector and its checkpoint; `?cluster=`
// and `clusterId` resolve here. The list changes at runtime (POST/PATCH/DELETE /api/v1/clusters, see
// cluster-admin.ts): listeners (the socket gateway, metrics) hear of each cluster added and removed, and of
// a cluster whose state (cluster-state.ts) changed: the list carries each one's state for the switcher.
import { EventEmitter } from 'node:events';
import type { ClusterSummary } from '@quorate/model';
import { capabilityNames } from '@quorate/sources';
import type { z } from 'zod';
import type { ClusterConfig } from './cluster-entry';
import { clusterState, stateKey } from './cluster-state';
import type { Collector } from './collector';
import type { Checkpoint } from './persistence/checkpoint';

export interface Cluster {
  config: ClusterConfig;
  collector: Collector;
  checkpoint: Checkpoint;
}

interface RegistryEvents {
  added: [Cluster];
  removed: [Cluster];
  /** anything in the list changed (added, removed, renamed, a new default, a cluster's state) */
  changed: [];
}


export class ClusterRegistry extends EventEmitter<RegistryEvents> {
  private readonly byId = new Map<string, Cluster>();
  /** per cluster: its last state key, and how to stop listening to its collector */
  private readonly watched = new Map<string, { key: string; stop: () => void }>();

  constructor(clusters: Cluster[]) {
    super();
    for (const c of clusters) {
      this.byId.set(c.config.id, c);
      this.watch(c);
    }
    if (clusters.length === 0) throw new Error('no cluster configured');
  }

  /** the list is sent again when a snapshot changes a cluster's state (its collector's `observed`) */
  private watch(c: Cluster): void {
    this.watched.get(c.config.id)?.stop();
    const onObserved = () => {
      const w = this.watched.get(c.config.id);
      const key = stateKey(this.stateOf(c));
      if (!w || w.key === key) return;
      w.key = key;
      // at once, inside the collector's ingest (its errors are caught there): a timer could fire after close
      this.emit('changed');
    };
    c.collector.on('observed', onObserved);
    this.watched.set(c.config.id, { key: stateKey(this.stateOf(c)), stop: () => c.collector.off('observed', onObserved) });
  }

  private stateOf(c: Cluster) {
    return clusterState(c.collector.current()?.snapshot ?? null, c.collector.health());
  }

  /** the one marked default (the newest mark wins: see setDefault), else the first */
  get defaultId(): string {
    const all = this.all();
    const def = all.find((c) => c.config.default) ?? all[0];
    if (!def) throw new Error('no cluster configured');
    return def.config.id;
  }

  /** the cluster with this id, or the default one when id is undefined; undefined when unknown */
  get(id: string | undefined): Cluster | undefined {
    return this.byId.get(id ?? this.defaultId);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  all(): Cluster[] {
    return [...this.byId.values()];
  }

  /** adds a cluster (its collector already started); replaces one with the same id (new settings) */
  put(cluster: Cluster): void {
    const before = this.byId.get(cluster.config.id);
    if (cluster.config.default) for (const c of this.byId.values()) c.config = { ...c.config, default: false };
    this.byId.set(cluster.config.id, cluster);
    this.watch(cluster);
    if (before) this.emit('removed', before);
    this.emit('added', cluster);
    this.emit('changed');
  }

  /** takes it off the list (the caller stops its collector); never the last one */
  remove(id: string): Cluster | undefined {
    const c = this.byId.get(id);
    if (!c) return undefined;
    if (this.byId.size === 1) throw new Error('the last cluster cannot be removed');
    this.byId.delete(id);
    this.watched.get(id)?.stop();
    this.watched.delete(id);
    this.emit('removed', c);
    this.emit('changed');
    return c;
  }

  /** renamed or made the default: no new collector */
  update(id: string, change: { name?: string; default?: true }): void {
    const c = this.byId.get(id);
    if (!c) return;
    if (change.default) for (const other of this.byId.values()) other.config = { ...other.config, default: false };
    c.config = { ...c.config, ...(change.name !== undefined ? { name: change.name } : {}), ...(change.default ? { default: true } : {}) };
    this.emit('changed');
  }

  summaries(): z.infer<typeof ClusterSummary>[] {
    const defaultId = this.defaultId;
    return this.all().map((c) => ({
      id: c.config.id,
      name: c.config.name,
      source: c.config.source,
      default: c.config.id === defaultId,
      origin: c.config.origin,
      capabilities: capabilityNames(c.collector.source.capabilities),
      state: this.stateOf(c),
    }));
  }
}
