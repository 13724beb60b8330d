// live / reconnecting / stale, with the age of the data, ticking once a second.
import type { SnapshotEntry } from '../live/cache';
import { useConnection } from '../live/connection';
import { dataAge, STALE_AFTER_MS } from '../lib/cluster';
import { formatDuration } from '../lib/format';
import { useNow } from '../lib/useNow';

export type Freshness = 'live' | 'stale' | 'reconnecting' | 'connecting';

export function useFreshness(entry: SnapshotEntry | undefined): { freshness: Freshness; age: number | null } {
  const conn = useConnection();
  const now = useNow();
  const age = entry ? dataAge(entry, now) : null;
  if (conn.status === 'reconnecting' || conn.status === 'offline') return { freshness: entry ? 'reconnecting' : 'connecting', age };
  if (!entry) return { freshness: 'connecting', age };
  if (age !== null && age > STALE_AFTER_MS) return { freshness: 'stale', age };
  return { freshness: conn.status === 'live' ? 'live' : 'connecting', age };
}

const style: Record<Freshness, { dot: string; text: string; label: string }> = {
  live: { dot: 'bg-emerald-500', text: 'text-emerald-800 dark:text-emerald-300', label: 'live' },
  connecting: { dot: 'bg-slate-400', text: 'text-slate-600 dark:text-slate-400', label: 'connecting…' },
  reconnecting: { dot: 'bg-amber-500', text: 'text-amber-800 dark:text-amber-300', label: 'reconnecting' },
  stale: { dot: 'bg-slate-400', text: 'text-slate-600 dark:text-slate-400', label: 'stale' },
};

export function ConnectionIndicator({ entry }: { entry: SnapshotEntry | undefined }) {
  const { freshness, age } = useFreshness(entry);
  const conn = useConnection();
  const s = style[freshness];
  const ageText = age === null ? null : `${formatDuration(age)} old`;
  return (
    <span
      data-testid="connection-state"
      data-state={freshness}
      className={`inline-flex items-center gap-1.5 whitespace-nowrap ${s.text}`}
      title={conn.error ?? (freshness === 'live' ? 'connected; the data arrives as it changes' : undefined)}
    >
      <span aria-hidden="true" className={`inline-block size-2.5 rounded-full ${s.dot} ${freshness === 'live' ? '' : 'ring-2 ring-current/30'}`} />
      <span className="font-semibold">{s.label}</span>
      {ageText && <span className={`tabular-nums ${freshness === 'live' ? '' : 'opacity-80'}`}>({ageText})</span>}
    </span>
  );
}
