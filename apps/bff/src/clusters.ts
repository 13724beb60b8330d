// The configured clusters, each with its source and its one collector; `?cluster=` and `clusterId` resolve here.
import type { ClusterSummary } from '@quorate/model';
import { capabilityNames } from '@quorate/sources';
import type { z } from 'zod';
import type { Collector } from './collector';
import type { ClusterConfig } from './config';

export interface Cluster {
  config: ClusterConfig;
  collector: Collector;
}

export class ClusterRegistry {
  private readonly byId = new Map<string, Cluster>();
  readonly defaultId: string;

  constructor(clusters: Cluster[]) {
    for (const c of clusters) this.byId.set(c.config.id, c);
    const def = clusters.find((c) => c.config.default) ?? clusters[0];
    if (!def) throw new Error('no cluster configured');
    this.defaultId = def.config.id;
  }

  /** the cluster with this id, or the default one when id is undefined; undefined when unknown */
  get(id: string | undefined): Cluster | undefined {
    return this.byId.get(id ?? this.defaultId);
  }

  all(): Cluster[] {
    return [...this.byId.values()];
  }

  summaries(): z.infer<typeof ClusterSummary>[] {
    return this.all().map((c) => ({
      id: c.config.id,
      name: c.config.name,
      source: c.config.source,
      default: c.config.id === this.defaultId,
      capabilities: capabilityNames(c.collector.source.capabilities),
    }));
  }
}
