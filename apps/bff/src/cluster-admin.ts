// Clusters added, changed and removed while the BFF runs (POST/PATCH/DELETE /api/v1/clusters): each
// validated by its kind's schema, persisted (secrets in the encrypted store), its collector started or
// stopped, and every socket told (`clusters`). Clusters of QUORATE_CLUSTERS are read-only here.
// Changes run one at a time: two requests for the same id cannot both pass the checks.
import { ClusterPatchBase, type ClusterDetail, type ClusterList } from '@quorate/model';
import type { Store, StoredCluster } from '@quorate/store';
import { kindOf } from '@quorate/sources';
import { invalidCluster, parseClusterEntry, parseSettings, settingsOf, storedClusterConfig, type ClusterConfig, type KindDefaults } from './cluster-entry';
import { stopCluster } from './cluster-build';
import { ClusterBroadcast } from './cluster-broadcast';
import type { Cluster, ClusterRegistry } from './clusters';
import { MAX_CLUSTERS } from './config';
import { roomOf, type GatewayServer } from './gateway';
import { HttpError } from './http-errors';
import type { Logger } from './logger';
import { dropCheckpoint } from './persistence/checkpoint';

export interface ClusterAdminDeps {
  store: Store;
  clusters: ClusterRegistry;
  /** a cluster to list: built and run here, or (replicas) mirrored until a replica takes its lease */
  build: (config: ClusterConfig) => Promise<Cluster>;
  kindDefaults: KindDefaults;
  logger: Logger;
  /** clusters with an operation running: not removed or rebuilt under it */
  busy: Set<string>;
  /**
   * replicas: a change stored, every replica's registry follows the row (this one before the answer): the
   * lease holder runs the new settings, the others mirror them (replication.ts's clusterChanged)
   */
  changed?: (clusterId: string) => Promise<void>;
}

export class ClusterAdmin {
  private queue: Promise<unknown> = Promise.resolve();
  private broadcast: ClusterBroadcast | null = null;
  private io: GatewayServer | null = null;

  constructor(private readonly d: ClusterAdminDeps) {}

  /** the gateway, once it exists (it needs the registry first): the list and the states go to its sockets */
  attach(io: GatewayServer): void {
    this.io = io;
    this.broadcast = new ClusterBroadcast(this.d.clusters, io, () => this.list(), this.d.logger);
  }

  /** no more list messages (shutdown) */
  detach(): void {
    this.broadcast?.stop();
    this.broadcast = null;
  }

  /**
   * The stored clusters to watch at start, with their secrets. One that no longer validates (a kind this
   * version lacks, a key file gone) or whose id the configuration now uses is left out and logged; its
   * row stays, so nothing is lost.
   */
  async stored(configured: ClusterConfig[]): Promise<ClusterConfig[]> {
    const out: ClusterConfig[] = [];
    for (const row of await this.d.store.clusters.list()) {
      if (row.removedAt !== null) continue;
      if (configured.some((c) => c.id === row.id)) {
        this.d.logger.warn({ clusterId: row.id }, `cluster '${row.id}' added through the API is not watched: QUORATE_CLUSTERS now defines that id`);
        continue;
      }
      const c = await this.configOf(row);
      if (c) out.push(c);
    }
    return out;
  }

  async list(): Promise<ClusterList> {
    const removed = (await this.d.store.clusters.list())
      .filter((c) => c.removedAt !== null && !this.d.clusters.has(c.id))
      .map((c) => ({ id: c.id, name: c.name, source: c.kind, removedAt: c.removedAt ?? 0 }));
    return { clusters: this.d.clusters.summaries(), removed };
  }

  detail(id: string): ClusterDetail {
    const c = this.d.clusters.get(id);
    if (!c) throw new HttpError(404, `unknown cluster '${id}'`);
    const def = kindOf(c.config.source);
    const { settings, secrets } = def.takeSecrets(c.config.settings);
    return {
      id: c.config.id,
      name: c.config.name,
      source: c.config.source,
      default: c.config.id === this.d.clusters.defaultId,
      origin: c.config.origin,
      settings: settings as Record<string, unknown>,
      secrets: Object.keys(secrets),
    };
  }

  add(raw: unknown): Promise<ClusterDetail> {
    return this.serial(async () => {
      const r = parseClusterEntry(raw, this.d.kindDefaults, 'runtime');
      if (!r.ok) throw invalidCluster(r.issues);
      const config = r.cluster;
      if (this.d.clusters.has(config.id)) throw new HttpError(409, `cluster '${config.id}' exists: choose another id, or change it with PATCH`);
      if (this.d.clusters.all().length >= MAX_CLUSTERS) throw new HttpError(409, `at most ${MAX_CLUSTERS} clusters: remove one first`);
      await this.bringUp(config);
      return this.detail(config.id);
    });
  }

  patch(id: string, raw: unknown): Promise<ClusterDetail> {
    return this.serial(async () => {
      const current = this.runtimeCluster(id);
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidCluster([{ path: [], message: 'an object: {"name"?, "default"?: true, <settings>?}' }]);
      const body = raw as Record<string, unknown>;
      if ('id' in body && body.id !== id) throw invalidCluster([{ path: ['id'], message: 'the id cannot change: add a new cluster and remove this one' }]);
      if ('source' in body && body.source !== current.source) throw invalidCluster([{ path: ['source'], message: 'the source kind cannot change: add a new cluster and remove this one' }]);
      const base = ClusterPatchBase.safeParse({ name: body.name, default: body.default });
      if (!base.success) throw invalidCluster(base.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
      const changes = settingsOf(body);
      const next: ClusterConfig = { ...current, ...(base.data.name !== undefined ? { name: base.data.name } : {}), ...(base.data.default ? { default: true } : {}) };
      if (Object.keys(changes).length === 0) {
        await this.persist(next);
        if (this.d.changed) await this.d.changed(id);
        else this.d.clusters.update(id, { ...(base.data.name !== undefined ? { name: base.data.name } : {}), ...(base.data.default ? { default: true } : {}) });
        return this.detail(id);
      }
      // new settings: merged onto the stored ones (secrets left out stay as they are), a new collector
      // a key set to null is removed (e.g. `ssh: null`: watch through the API alone again); a required one
      // removed is refused by the kind's schema like any other bad setting
      const merged = Object.fromEntries(Object.entries({ ...current.settings, ...changes }).filter(([, v]) => v !== null));
      const settings = parseSettings(current.source, merged, {});
      if (!settings.ok) throw invalidCluster(settings.issues);
      if (this.d.busy.has(id)) throw new HttpError(409, `an operation is running on cluster '${id}': change it when it has finished`);
      const old = this.d.clusters.get(id);
      if (old && !this.d.changed) await stopCluster(old);
      await this.bringUp({ ...next, settings: settings.settings });
      return this.detail(id);
    });
  }

  remove(id: string): Promise<{ id: string; name: string }> {
    return this.serial(async () => {
      const current = this.runtimeCluster(id);
      if (this.d.busy.has(id)) throw new HttpError(409, `an operation is running on cluster '${id}': remove it when it has finished`);
      if (this.d.clusters.all().length === 1) throw new HttpError(409, 'the last cluster cannot be removed');
      if (this.d.changed) {
        await this.d.store.clusters.remove(id);
        await this.d.changed(id);
        this.io?.in(roomOf(id)).socketsLeave(roomOf(id));
      } else {
        const cluster = this.d.clusters.remove(id);
        this.io?.in(roomOf(id)).socketsLeave(roomOf(id));
        if (cluster) await stopCluster(cluster);
        await this.d.store.clusters.remove(id);
      }
      await dropCheckpoint(this.d.store, id);
      this.d.logger.info({ clusterId: id }, `cluster '${id}' removed; its history is kept`);
      return { id, name: current.name };
    });
  }

  /** build, persist, start, then list it: a cluster that cannot be stored is not watched either */
  private async bringUp(config: ClusterConfig): Promise<void> {
    if (this.d.changed) {
      await this.persist(config);
      return this.d.changed(config.id);
    }
    const cluster = await this.d.build(config);
    await this.persist(config);
    // replicas: a new cluster starts mirrored; the replica that takes its lease runs it
    await cluster.collector?.start();
    this.d.clusters.put(cluster);
  }

  private async persist(config: ClusterConfig): Promise<void> {
    const { settings, secrets } = kindOf(config.source).takeSecrets(config.settings);
    await this.d.store.clusters.save({ id: config.id, name: config.name, kind: config.source, isDefault: config.default, settings: settings as Record<string, unknown>, secrets });
  }

  private runtimeCluster(id: string): ClusterConfig {
    const c = this.d.clusters.get(id);
    if (!c) throw new HttpError(404, `unknown cluster '${id}'`);
    if (c.config.origin === 'config') throw new HttpError(409, `cluster '${id}' comes from QUORATE_CLUSTERS: change it there and restart`);
    return c.config;
  }

  /** a stored cluster's configuration with its secrets; null (logged) when it no longer validates */
  async configOf(row: StoredCluster): Promise<ClusterConfig | null> {
    const r = await storedClusterConfig(row, () => this.d.store.clusters.secrets(row.id));
    if (r.ok) return r.cluster;
    this.d.logger.warn({ clusterId: row.id }, `cluster '${row.id}' (added through the API) is not watched: ${r.why}`);
    return null;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
