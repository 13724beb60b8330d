// The all-clusters page's arithmetic, pure: the order of the rows (worst first by default; by name; by the
// last change) and the count per health for the line at the top.
import type { ClusterList, ClusterState } from '@quorate/model';
import type { ClusterSort } from '../../routes/clusters-search';

export type Summary = ClusterList['clusters'][number];
export type Health = ClusterState['health'];
export type SortDir = 'asc' | 'desc';

/** the order "worst first" means: what needs a look before what does not */
export const WORST_FIRST: readonly Health[] = ['lost', 'degraded', 'unknown', 'healthy'];
const RANK: Record<Health, number> = { lost: 0, degraded: 1, unknown: 2, healthy: 3 };

/** each column's first direction: worst first, A to Z, newest change first */
export const FIRST_DIR: Record<ClusterSort, SortDir> = { health: 'asc', name: 'asc', change: 'desc' };

// one collator for all comparisons (building one per call is slow); numeric: "site-2" before "site-10"
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const healthOf = (c: Summary): Health => c.state?.health ?? 'unknown';
const byName = (a: Summary, b: Summary) => collator.compare(a.name, b.name) || collator.compare(a.id, b.id);

/** a new array in the order asked; ties by name. Clusters whose last change is unknown come last either way */
export function sortClusters(list: readonly Summary[], sort: ClusterSort, dir: SortDir): Summary[] {
  const sign = dir === 'asc' ? 1 : -1;
  const compare = (a: Summary, b: Summary): number => {
    if (sort === 'name') return sign * byName(a, b);
    if (sort === 'health') return sign * (RANK[healthOf(a)] - RANK[healthOf(b)]) || byName(a, b);
    const sa = a.state?.since;
    const sb = b.state?.since;
    if (sa === undefined || sb === undefined) return (sa === undefined ? 1 : 0) - (sb === undefined ? 1 : 0) || byName(a, b);
    return sign * (sa - sb) || byName(a, b);
  };
  return [...list].sort(compare);
}

export function countByHealth(list: readonly Summary[]): Record<Health, number> {
  const counts: Record<Health, number> = { lost: 0, degraded: 0, unknown: 0, healthy: 0 };
  for (const c of list) counts[healthOf(c)]++;
  return counts;
}
