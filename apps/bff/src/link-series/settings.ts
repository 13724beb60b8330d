// Per cluster in the store's kv: the link thresholds an admin set (absent = the model's defaults) and the
// links the tracker holds degraded (so a restart neither repeats link-degraded nor loses link-recovered).
import { LinkHealthState, LinkThresholds, defaultLinkThresholds } from '@quorate/model';
import type { Store } from '@quorate/store';

const thresholdsKey = (clusterId: string) => `settings.links.${clusterId}`;
const healthKey = (clusterId: string) => `link-health.${clusterId}`;

export function linkSettings(store: Store) {
  return {
    thresholds(clusterId: string): LinkThresholds {
      return store.kv.get(thresholdsKey(clusterId), LinkThresholds) ?? defaultLinkThresholds;
    },
    /** stored only when different from the defaults, so a later change of defaults reaches untouched clusters */
    setThresholds(clusterId: string, t: LinkThresholds): void {
      const value = LinkThresholds.parse(t);
      if (JSON.stringify(value) === JSON.stringify(defaultLinkThresholds)) store.kv.delete(thresholdsKey(clusterId));
      else store.kv.set(thresholdsKey(clusterId), value);
    },
    health(clusterId: string): LinkHealthState | undefined {
      return store.kv.get(healthKey(clusterId), LinkHealthState);
    },
    saveHealth(clusterId: string, state: LinkHealthState): void {
      if (state.degraded.length === 0) store.kv.delete(healthKey(clusterId));
      else store.kv.set(healthKey(clusterId), state);
    },
  };
}
export type LinkSettingsStore = ReturnType<typeof linkSettings>;
