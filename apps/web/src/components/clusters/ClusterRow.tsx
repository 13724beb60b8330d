// One cluster on the all-clusters page: its mark, name and id (a link to its dashboard; the whole row opens
// it too), votes, nodes online, its source's state and the last change of its health. On a phone the votes
// and nodes sit under the name and the source column is left out, so three columns fit 375 px.
import { memo, type MouseEvent } from 'react';
import { Link, useNavigate } from '@tanstack/react-router';
import { StateMark } from '../ClusterSwitcher';
import { LastChange } from './LastChange';
import type { Summary } from './order';

/** "2 of 3 (2 needed)"; unknown without a quorum view */
export function votesText(v: NonNullable<Summary['state']>['votes']): string {
  return v ? `${v.total} of ${v.expected} (${v.quorum} needed)` : 'not known';
}

export function nodesText(n: NonNullable<Summary['state']>['nodes']): string {
  return n ? `${n.online}/${n.total}` : '?';
}

const muted = 'text-slate-600 dark:text-slate-400';

function Row({ c }: { c: Summary }) {
  const navigate = useNavigate();
  const s = c.state;
  // the row is a larger target for a pointer; the name's link is the one keyboards and screen readers use
  const open = (e: MouseEvent<HTMLTableRowElement>) => {
    if (e.target instanceof Element && e.target.closest('a,button')) return;
    void navigate({ to: '/', search: { cluster: c.id } });
  };
  return (
    <tr onClick={open} className="cursor-pointer hover:bg-slate-50 dark:hover:bg-slate-800/60" data-testid={`clusters-row-${c.id}`} data-health={s?.health ?? 'unknown'}>
      <td>
        <StateMark health={s?.health ?? 'unknown'} showWord />
      </td>
      <td className="min-w-0 max-w-[14rem] sm:max-w-none">
        <Link to="/" search={{ cluster: c.id }} className="block truncate font-semibold hover:underline max-sm:py-1" data-testid={`clusters-open-${c.id}`}>
          {c.name}
        </Link>
        <span className={`block truncate font-mono text-xs ${muted}`}>{c.id}</span>
        <span className={`block text-xs sm:hidden ${muted}`}>
          votes {votesText(s?.votes)} · nodes {nodesText(s?.nodes)}
        </span>
      </td>
      <td className="whitespace-nowrap tabular-nums max-sm:hidden">{votesText(s?.votes)}</td>
      <td className="tabular-nums max-sm:hidden">{nodesText(s?.nodes)}</td>
      <td className="max-sm:hidden">
        <span className={s?.source === 'ok' ? '' : 'font-semibold'}>{s?.source ?? '?'}</span> <span className={`text-xs ${muted}`}>{c.source}</span>
        {s?.certificateChanged && <span className="block text-xs font-semibold text-red-700 dark:text-red-300">certificate changed</span>}
      </td>
      <td>
        <LastChange at={s?.since} />
      </td>
    </tr>
  );
}

/** a row renders again only when what it shows changed (a new list carries new objects for every cluster) */
const same = (a: { c: Summary }, b: { c: Summary }) => a.c === b.c || JSON.stringify(a.c) === JSON.stringify(b.c);
export const ClusterRow = memo(Row, same);
