// Every cluster this BFF watches on one page (issue 17), made for 100 and more: a count per health at the top,
// then a table worst first (quorum lost, degraded, unknown, healthy; then by name), sortable by name and by the
// last change, filtered by name or id. Each row opens that cluster's dashboard. Live: the rows are the header's
// cluster list (the same query, kept current by the socket's `clusters` message), so no request per cluster.
// The filter and the order live in the URL (`/clusters?q=fra&sort=change`): a reload or a link keeps them.
import { useMemo } from 'react';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { errorText } from '../api/http';
import { DataTable, type Column } from '../components/DataTable';
import { matches } from '../components/ClusterSwitcher';
import { ClusterRow } from '../components/clusters/ClusterRow';
import { HealthCounts } from '../components/clusters/HealthCounts';
import { countByHealth, FIRST_DIR, sortClusters } from '../components/clusters/order';
import { useMirror } from '../lib/useMirror';
import { useSelection } from '../lib/selection';
import { clustersSearch, type ClusterSort, type ClustersSearch } from '../routes/clusters-search';

const HINT: Record<ClusterSort, Record<'asc' | 'desc', string>> = {
  health: { asc: 'worst first', desc: 'healthy first' },
  name: { asc: 'A to Z', desc: 'Z to A' },
  change: { asc: 'oldest change first', desc: 'newest change first' },
};

export default function ClustersPage() {
  const { clusters, clustersError } = useSelection();
  const search = clustersSearch.parse(useSearch({ from: '/clusters' }));
  const navigate = useNavigate({ from: '/clusters' });
  const sort = search.sort ?? 'health';
  const dir = search.dir ?? FIRST_DIR[sort];
  // typing shows at once; the URL follows without a history entry per key
  const go = (patch: Partial<ClustersSearch>, replace = false) => void navigate({ search: (prev: ClustersSearch) => ({ ...prev, ...patch }), replace });
  const [query, setQuery] = useMirror(search.q ?? '', (q) => go({ q: q || undefined }, true));

  // sorted once per list or order; the filter then keeps that order (a keystroke does not sort again)
  const sorted = useMemo(() => sortClusters(clusters, sort, dir), [clusters, sort, dir]);
  const shown = useMemo(() => sorted.filter((c) => matches(c, query)), [sorted, query]);
  const counts = useMemo(() => countByHealth(clusters), [clusters]);

  /** a press on the sorted column turns its order round; on another, that column's first order */
  const sortable = (key: ClusterSort, label: string, className?: string): Column => {
    const next = key === sort ? (dir === 'asc' ? 'desc' : 'asc') : FIRST_DIR[key];
    const onSort = () => go({ sort: key === 'health' && next === 'asc' ? undefined : key, dir: next === FIRST_DIR[key] ? undefined : next });
    return { label, className, sort: { dir: key === sort ? (dir === 'asc' ? 'ascending' : 'descending') : null, onSort, hint: `sort by ${label.toLowerCase()}, ${HINT[key][next]}` } };
  };
  const columns: Column[] = [
    sortable('health', 'State'),
    sortable('name', 'Cluster'),
    { label: 'Votes', className: 'max-sm:hidden' },
    { label: 'Nodes online', className: 'max-sm:hidden' },
    { label: 'Source', className: 'max-sm:hidden' },
    sortable('change', 'Last change'),
  ];

  return (
    <section aria-labelledby="clusters-title" className="panel" data-testid="clusters-page">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="clusters-title" className="panel-title">
          All clusters <span className="text-base font-normal text-slate-600 dark:text-slate-400">({clusters.length})</span>
        </h2>
        <Link to="/" className="btn">
          ← Overview
        </Link>
      </div>
      <HealthCounts counts={counts} />
      <div className="my-3 flex flex-wrap items-end gap-3">
        <label className="flex w-full flex-col gap-1 text-sm sm:w-80">
          <span>Filter by name or id</span>
          <input
            type="search"
            className="field min-h-11 sm:min-h-0"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            maxLength={128}
            autoComplete="off"
            spellCheck={false}
            data-testid="clusters-filter"
          />
        </label>
        <p className="text-sm text-slate-600 dark:text-slate-400" aria-live="polite" data-testid="clusters-shown">
          {shown.length === clusters.length ? `${clusters.length} clusters, ${HINT[sort][dir]}` : `${shown.length} of ${clusters.length} match, ${HINT[sort][dir]}`}
        </p>
      </div>
      {clustersError && <p className="text-red-700 dark:text-red-300">Could not load the clusters: {errorText(clustersError)}</p>}
      {!clustersError && clusters.length === 0 && <p>Loading…</p>}
      {clusters.length > 0 && (
        <DataTable columns={columns} className="[&_td]:align-middle" wrapClassName="-mx-3 sm:mx-0">
          {shown.map((c) => (
            <ClusterRow key={c.id} c={c} />
          ))}
        </DataTable>
      )}
      {clusters.length > 0 && shown.length === 0 && <p className="px-2 py-2 text-sm text-slate-600 dark:text-slate-400">No cluster matches “{query.trim()}”.</p>}
    </section>
  );
}
