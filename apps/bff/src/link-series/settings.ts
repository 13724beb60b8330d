// Per cluster in the store's kv: the link thresholds an admin set (absent = the model's defaults) and the
// links the tracker holds degraded (so a restart neither repeats link-degraded nor loses link-recovered).
import { LinkHealthState, LinkThresholds, defaultLinkThresholds } from '@quorate/model';
import type { Store, StoreParts } from '@quorate/store';

const thresholdsKey = (clusterId: string) => `settings.links.${clusterId}`;
const healthKey = (clusterId: string) => `link-health.${clusterId}`;

export function linkSettings(store: Store) {
  return {
    async thresholds(clusterId: string): Promise<LinkThresholds> {
      return (await store.kv.get(thresholdsKey(clusterId), LinkThresholds)) ?? defaultLinkThresholds;
    },
    /** stored only when different from the defaults, so a later change of defaults reaches untouched clusters */
    async setThresholds(clusterId: string, t: LinkThresholds): Promise<void> {
      const value = LinkThresholds.parse(t);
      if (JSON.stringify(value) === JSON.stringify(defaultLinkThresholds)) await store.kv.delete(thresholdsKey(clusterId));
      else await store.kv.set(thresholdsKey(clusterId), value);
    },
    health(clusterId: string): Promise<LinkHealthState | undefined> {
      return store.kv.get(healthKey(clusterId), LinkHealthState);
    },
    /** tx: the parts of the transaction that stores the events that changed it */
    async saveHealth(clusterId: string, state: LinkHealthState, tx: Pick<StoreParts, 'kv'> = store): Promise<void> {
      if (state.degraded.length === 0) await tx.kv.delete(healthKey(clusterId));
      else await tx.kv.set(healthKey(clusterId), state);
    },
  };
}
export type LinkSettingsStore = ReturnType<typeof linkSettings>;
