// One cluster, built: its source (from the kind registry), its collector and its checkpoint, wired the
// same way for clusters from the configuration and clusters added at runtime.
import type { ClusterConfig } from './cluster-entry';
import type { Cluster, LedCluster } from './clusters';
import { Collector } from './collector';
import type { EventStoreFactory } from './event-store';
import type { Logger } from './logger';
import { CHECKPOINT_THROTTLE_MS, Checkpoint, loadCheckpoint } from './persistence/checkpoint';
import type { SourceFactory } from './sources';
import type { Fence, Store } from '@quorate/store';

export interface ClusterBuildDeps {
  store: Store;
  logger: Logger;
  makeSource: SourceFactory;
  makeEvents: EventStoreFactory;
  firstRev?: number;
  patchCapacity?: number;
  checkpointThrottleMs?: number;
  /** see CollectorOptions.telemetryMinMs */
  telemetryMinMs?: number;
}

/** fence: the lease this replica holds on the cluster (replicas); its event appends carry it */
export type ClusterBuilder = (config: ClusterConfig, fence?: Fence) => Promise<LedCluster>;

export function clusterBuilder(deps: ClusterBuildDeps): ClusterBuilder {
  return async (config, fence) => {
    const saved = await loadCheckpoint(deps.store, config.id);
    const source = deps.makeSource(config, (message) => deps.logger.warn(message), saved?.sim);
    if (source.clusterId !== config.id) throw new Error(`source for cluster '${config.id}' reports cluster id '${source.clusterId}'`);
    const checkpoint = await Checkpoint.open(deps.store, config.id, deps.logger, deps.checkpointThrottleMs ?? CHECKPOINT_THROTTLE_MS);
    const collector = new Collector({
      source,
      store: deps.makeEvents(config.id, fence),
      logger: deps.logger,
      initialBaseline: saved?.baseline ?? null,
      persist: (baseline, tx) => checkpoint.write(tx, baseline),
      ...(deps.firstRev !== undefined ? { firstRev: deps.firstRev } : {}),
      ...(deps.patchCapacity !== undefined ? { patchCapacity: deps.patchCapacity } : {}),
      ...(deps.telemetryMinMs !== undefined ? { telemetryMinMs: deps.telemetryMinMs } : {}),
    });
    checkpoint.attach(source, () => collector.diffBaseline(), () => collector.idle());
    await collector.load();
    collector.on('patch', () => checkpoint.changed());
    collector.on('snapshot', () => checkpoint.changed());
    return { config, feed: collector, collector, checkpoint };
  };
}

/** stop watching: the collector (and its source), then the final checkpoint; or the mirror */
export async function stopCluster(c: Cluster): Promise<void> {
  if (c.collector === null || c.checkpoint === null) return void c.feed.close?.();
  await c.collector.stop();
  await c.checkpoint.close();
}
