// Early warning (knet says a node is unreachable before Corosync drops it) and the partition banner.
import type { ClusterSnapshot } from '@quorate/model';
import { nodeName } from '../lib/cluster';
import { formatDateTime, formatDuration, listNames } from '../lib/format';
import { useNow } from '../lib/useNow';
import { Icon } from './Icon';

export function EarlyWarning({ s }: { s: ClusterSnapshot }) {
  const now = useNow();
  if (!s.warnings.length) return null;
  const losing = s.warnings.some((w) => !w.quorateAfterDrop);
  const tone = losing
    ? 'border-red-700 bg-red-50 text-red-950 dark:border-red-400 dark:bg-red-950/70 dark:text-red-50'
    : 'border-amber-600 bg-amber-50 text-amber-950 dark:border-amber-400 dark:bg-amber-950/60 dark:text-amber-50';
  return (
    <section data-testid="early-warning" aria-labelledby="early-warning-title" className={`animate-slide-in rounded-lg border-2 px-4 py-3 ${tone}`}>
      <h2 id="early-warning-title" className="flex items-center gap-2 text-lg font-bold">
        <Icon name="warn" className="size-5" />
        Early warning{losing ? ': quorum at risk' : ''}
      </h2>
      <ul className="mt-1 space-y-1">
        {s.warnings.map((w) => {
          const left = w.since + w.expectedDropInMs - now;
          return (
            <li key={w.nodeId}>
              <strong>{w.name}</strong> unreachable on all links since {formatDateTime(w.since)} — Corosync will drop it{' '}
              {left > 500 ? <>in about {formatDuration(left)}</> : <>any moment now</>}; quorum would then be{' '}
              <span className="tabular-nums">
                {w.totalVotesAfterDrop} of {w.expectedVotesAfterDrop}
              </span>{' '}
              {w.quorateAfterDrop ? (
                <strong>(kept)</strong>
              ) : (
                <strong className="rounded bg-red-700 px-1 text-white">(LOST)</strong>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function PartitionBanner({ s }: { s: ClusterSnapshot }) {
  if (!s.partitioned) return null;
  return (
    <section data-testid="partition-banner" aria-labelledby="partition-title" className="rounded-lg border-2 border-dashed border-orange-600 bg-orange-50 px-4 py-3 text-orange-950 dark:border-orange-400 dark:bg-orange-950/60 dark:text-orange-50">
      <h2 id="partition-title" className="flex items-center gap-2 text-lg font-bold">
        <Icon name="warn" className="size-5" />
        Partitioned: the nodes disagree on who is in the cluster
      </h2>
      <ul className="mt-1 space-y-1">
        {s.views.map((v) => (
          <li key={v.nodeId} className="flex flex-wrap gap-x-2">
            <strong>{v.name}</strong>
            {!v.reachable || !v.quorum ? (
              <span>could not be asked{v.reason ? `: ${v.reason}` : ''}</span>
            ) : (
              <>
                <span>sees {listNames(v.quorum.members.map((id) => nodeName(s, id)))}</span>
                <span className="font-semibold">
                  — {v.quorum.quorate ? 'quorate' : 'NOT QUORATE'} ({v.quorum.totalVotes} of {v.quorum.expectedVotes} votes,{' '}
                  {v.quorum.quorum} needed)
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
