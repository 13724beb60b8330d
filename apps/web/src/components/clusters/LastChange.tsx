// "3 min ago", the absolute time in its title. Each one reads the shared clock itself, so the page's once a
// second tick re-renders these words, not the rows around them.
import { useMemo } from 'react';
import { formatAgo, formatDateTime } from '../../lib/format';
import { useNow } from '../../lib/useNow';

export function LastChange({ at }: { at: number | undefined }) {
  const now = useNow();
  const absolute = useMemo(() => (at === undefined ? '' : formatDateTime(at)), [at]);
  if (at === undefined) return <span className="text-slate-600 dark:text-slate-400">not known</span>;
  return (
    <time dateTime={new Date(at).toISOString()} title={absolute} className="whitespace-nowrap tabular-nums">
      {formatAgo(at, now)}
    </time>
  );
}
