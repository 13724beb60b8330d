// The clusters the BFF watches, each with its source, its one collector and its checkpoint; `?cluster=`
// and `clusterId` resolve here. The list changes at runtime (POST/PATCH/DELETE /api/v1/clusters, see
// cluster-admin.ts): listeners (the socket gateway, metrics) hear of each cluster added and removed, and of
// a cluster whose state (cluster-state.ts) changed: the list carries each one's state for the switcher and
// the all-clusters page, with since when its health is what it is (kept here, per cluster).
import { EventEmitter } from 'node:events';
import type { ClusterEvent, ClusterSnapshot, ClusterState, ClusterSummary, PatchMessage, SnapshotMessage, SnapshotPatch } from '@quorate/model';
import type { CapabilityName, SourceHealth } from '@quorate/sources';
import type { z } from 'zod';
import type { ClusterConfig } from './cluster-entry';
import { clusterState, stateKey } from './cluster-state';
import type { Collector, Revision } from './collector';
import type { EventStore } from './event-store';
import type { Checkpoint } from './persistence/checkpoint';

/**
 * What browsers, the cluster list and the metrics see of a cluster: its collector where this replica runs
 * it, or the mirror (replicas/mirror.ts) of the replica that does.
 */
export interface ClusterFeed {
  readonly clusterId: string;
  /** the cluster's events as stored (read: since, lastSeq, firstSeq) */
  readonly store: EventStore;
  current(): Revision | null;
  resume(rev: number): SnapshotPatch[] | null;
  emittedSeq(): number;
  health(): SourceHealth;
  capabilities(): CapabilityName[];
  /** a mirror stops following (a collector is stopped through its own stop, with its checkpoint) */
  close?(): void;
  // one signature per event: an EventEmitter of more events (the Collector's) fits these, not a generic one
  on(event: 'snapshot', listener: (m: SnapshotMessage) => void): unknown;
  on(event: 'patch', listener: (m: PatchMessage) => void): unknown;
  on(event: 'event', listener: (e: ClusterEvent) => void): unknown;
  on(event: 'observed', listener: (s: ClusterSnapshot) => void): unknown;
  off(event: 'snapshot', listener: (m: SnapshotMessage) => void): unknown;
  off(event: 'patch', listener: (m: PatchMessage) => void): unknown;
  off(event: 'event', listener: (e: ClusterEvent) => void): unknown;
  off(event: 'observed', listener: (s: ClusterSnapshot) => void): unknown;
}

export interface Cluster {
  config: ClusterConfig;
  feed: ClusterFeed;
  /** its collector and checkpoint where this replica runs it; null while another replica does (mirrored here) */
  collector: Collector | null;
  checkpoint: Checkpoint | null;
}

/** a cluster run here: what operations, the link series and the timeline work with */
export type LedCluster = Cluster & { collector: Collector; checkpoint: Checkpoint };
export const isLed = (c: Cluster): c is LedCluster => c.collector !== null;

interface RegistryEvents {
  added: [Cluster];
  removed: [Cluster];
  /** the list changed (added, removed, renamed, a new default): send it whole */
  changed: [];
  /** one cluster's state (cluster-state.ts's key) or capabilities changed: send those */
  state: [clusterId: string];
}

interface Watched {
  key: string;
  /** null before the first look */
  health: ClusterState['health'] | null;
  since: number;
  stop: () => void;
}

export class ClusterRegistry extends EventEmitter<RegistryEvents> {
  private readonly byId = new Map<string, Cluster>();
  /** per cluster: its last state key sent, its health and since when, and how to stop listening to its collector */
  private readonly watched = new Map<string, Watched>();

  /** `now`: the clock `since` is read from (tests give their own) */
  constructor(
    clusters: Cluster[],
    private readonly now: () => number = Date.now,
  ) {
    super();
    for (const c of clusters) {
      this.byId.set(c.config.id, c);
      this.watch(c);
    }
    if (clusters.length === 0) throw new Error('no cluster configured');
  }

  /** a snapshot that changes a cluster's state (its feed's `observed`) announces it */
  private watch(c: Cluster): void {
    const before = this.watched.get(c.config.id);
    before?.stop();
    const onObserved = () => {
      const w = this.watched.get(c.config.id);
      if (!w) return;
      const key = this.watchKey(c);
      if (w.key === key) return;
      w.key = key;
      // at once, inside the collector's ingest (its errors are caught there): a timer could fire after close
      this.emit('state', c.config.id);
    };
    c.feed.on('observed', onObserved);
    // new settings (put) keep the health's `since` when the health stays; the first look is a change
    const w: Watched = { key: '', health: before?.health ?? null, since: before?.since ?? 0, stop: () => c.feed.off('observed', onObserved) };
    this.watched.set(c.config.id, w);
    w.key = this.watchKey(c);
  }

  /** what `state` announces: the state's key and the capabilities (a mirror learns them from the holder) */
  private watchKey(c: Cluster): string {
    return `${stateKey(this.stateOf(c))}|${c.feed.capabilities().join(',')}`;
  }

  /** the state as listed; a health unlike the last one seen starts a new `since` (whoever asks first notices) */
  private stateOf(c: Cluster): ClusterState {
    const s = clusterState(c.feed.current()?.snapshot ?? null, c.feed.health());
    const w = this.watched.get(c.config.id);
    if (!w) return s;
    if (w.health !== s.health) {
      w.health = s.health;
      w.since = this.now();
    }
    return { ...s, since: w.since };
  }

  /** a listed cluster's state and capabilities now; undefined when it is not listed */
  stateOfId(id: string): { state: ClusterState; capabilities: CapabilityName[] } | undefined {
    const c = this.byId.get(id);
    return c ? { state: this.stateOf(c), capabilities: c.feed.capabilities() } : undefined;
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

  /**
   * Adds a cluster (its collector already started); replaces one with the same id (new settings, or a replica
   * taking over or handing on its lease). The list is announced only when what it lists changed: a replica
   * that takes 30 clusters over would otherwise send 30 whole lists to every socket.
   */
  put(cluster: Cluster): void {
    const before = this.byId.get(cluster.config.id);
    const listed = before ? this.listKey() : null;
    const stateBefore = this.watched.get(cluster.config.id)?.key;
    if (cluster.config.default) for (const c of this.byId.values()) c.config = { ...c.config, default: false };
    this.byId.set(cluster.config.id, cluster);
    this.watch(cluster);
    if (before) this.emit('removed', before);
    this.emit('added', cluster);
    if (listed === null || listed !== this.listKey()) this.emit('changed');
    else if (this.watched.get(cluster.config.id)?.key !== stateBefore) this.emit('state', cluster.config.id);
  }

  /** what the list shows of every cluster but its state and capabilities (those go with `state`) */
  private listKey(): string {
    return JSON.stringify(this.summaries().map(({ state: _state, capabilities: _capabilities, ...rest }) => rest));
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
      capabilities: c.feed.capabilities(),
      state: this.stateOf(c),
    }));
  }
}
