// The history's newest page follows the cluster: the socket already puts each new event in the live feed's
// events query (live/useClusterLive.ts); when its newest seq grows, the history asks the API again (the
// filters and the total are the BFF's to apply). Rows that arrive that way are marked for a moment.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { hashKey, useQueryClient } from '@tanstack/react-query';
import type { ClusterEvent, Incident, IncidentList } from '@quorate/model';
import { fetchIncidents } from '../../api/incidents';
import { queryKeys } from '../../api/keys';

/** how long a new row stays marked */
export const FRESH_MS = 6000;

/** calls `refetch` (once per burst, after `debounceMs`) when a newer event reaches the live events query */
export function useRefetchOnNewEvents(clusterId: string | null, enabled: boolean, refetch: () => void, debounceMs = 300): void {
  const qc = useQueryClient();
  const latest = useRef(refetch);
  useEffect(() => {
    latest.current = refetch;
  });
  useEffect(() => {
    if (!enabled || clusterId === null) return;
    const key = queryKeys.events(clusterId);
    const hash = hashKey(key);
    const newest = () => (qc.getQueryData<ClusterEvent[]>(key) ?? []).reduce((m, e) => Math.max(m, e.seq), 0);
    let seen = newest();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = qc.getQueryCache().subscribe((ev) => {
      if (ev.type !== 'updated' || ev.query.queryHash !== hash) return;
      const n = newest();
      if (n <= seen) return;
      seen = n;
      clearTimeout(timer);
      timer = setTimeout(() => latest.current(), debounceMs);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [qc, clusterId, enabled, debounceMs]);
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The keys that appeared since the last list of the same `scope` (the filters and page), kept for
 * FRESH_MS. `keys` undefined: nothing to compare yet (loading, or the previous filter's rows on show).
 * Only while `enabled`: a first load, another filter or another page marks nothing.
 */
export function useFreshKeys(keys: readonly string[] | undefined, scope: string, enabled: boolean, holdMs = FRESH_MS): ReadonlySet<string> {
  const known = useRef<{ scope: string; keys: ReadonlySet<string> } | null>(null);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const [fresh, setFresh] = useState<ReadonlySet<string>>(NONE);

  useEffect(() => {
    if (!keys) return;
    const prev = known.current;
    known.current = { scope, keys: new Set(keys) };
    if (!enabled || !prev || prev.scope !== scope) {
      setFresh((f) => (f.size ? NONE : f));
      return;
    }
    const added = keys.filter((k) => !prev.keys.has(k));
    if (!added.length) return;
    setFresh((f) => new Set([...f, ...added]));
    const t = setTimeout(() => {
      timers.current.delete(t);
      setFresh((f) => {
        const next = new Set(f);
        for (const k of added) next.delete(k);
        return next;
      });
    }, holdMs);
    timers.current.add(t);
  }, [keys, scope, enabled, holdMs]);

  useEffect(() => {
    const all = timers.current;
    return () => {
      for (const t of all) clearTimeout(t);
      all.clear();
    };
  }, []);

  return fresh;
}

const NO_INCIDENTS: Incident[] = [];

/**
 * The cluster's incidents as the live layer keeps them (REST, then the socket's `incident` messages), read
 * from the cache without an observer of our own, so the owner's query function stays the one that runs.
 * Fetched here only when nobody has asked for them yet.
 */
export function useCachedIncidents(clusterId: string | null): Incident[] {
  const qc = useQueryClient();
  const key = queryKeys.incidents(clusterId ?? '');
  const hash = hashKey(key);
  const subscribe = useCallback(
    (onChange: () => void) => qc.getQueryCache().subscribe((ev) => ev.query.queryHash === hash && onChange()),
    [qc, hash],
  );
  const data = useSyncExternalStore(subscribe, () => qc.getQueryData<IncidentList>(key));
  useEffect(() => {
    if (clusterId === null || qc.getQueryCache().find({ queryKey: queryKeys.incidents(clusterId) })) return;
    qc.fetchQuery({ queryKey: queryKeys.incidents(clusterId), queryFn: () => fetchIncidents(clusterId), staleTime: Infinity }).catch(() => undefined);
  }, [qc, clusterId]);
  return data?.incidents ?? NO_INCIDENTS;
}
