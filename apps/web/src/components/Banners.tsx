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

interface Side {
  key: string;
  members: number[];
  /** the nodes whose view this is */
  seenBy: string[];
  quorate: boolean;
  totalVotes: number;
  expectedVotes: number;
  quorum: number;
}

/** the reachable views grouped by the membership they see: each group is one side of the partition */
function sides(s: ClusterSnapshot): { groups: Side[]; unasked: { name: string; reason: string | null }[] } {
  const groups = new Map<string, Side>();
  const unasked: { name: string; reason: string | null }[] = [];
  for (const v of s.views) {
    if (!v.reachable || !v.quorum) {
      unasked.push({ name: v.name, reason: v.reason });
      continue;
    }
    const members = [...v.quorum.members].sort((x, y) => x - y);
    const key = members.join(',');
    const g = groups.get(key);
    if (g) g.seenBy.push(v.name);
    else
      groups.set(key, {
        key,
        members,
        seenBy: [v.name],
        quorate: v.quorum.quorate,
        totalVotes: v.quorum.totalVotes,
        expectedVotes: v.quorum.expectedVotes,
        quorum: v.quorum.quorum,
      });
  }
  // the side that holds quorum first, then the larger ones
  return { groups: [...groups.values()].sort((x, y) => Number(y.quorate) - Number(x.quorate) || y.members.length - x.members.length), unasked };
}

/** The partition as a picture: one box per side with its nodes and votes, the side that holds quorum marked. */
export function PartitionBanner({ s }: { s: ClusterSnapshot }) {
  if (!s.partitioned) return null;
  const { groups, unasked } = sides(s);
  const votesOf = (id: number) => s.nodes.find((n) => n.id === id)?.votes ?? 0;
  return (
    <section data-testid="partition-banner" aria-labelledby="partition-title" className="rounded-lg border-2 border-dashed border-orange-600 bg-orange-50 px-4 py-3 text-orange-950 dark:border-orange-400 dark:bg-orange-950/60 dark:text-orange-50">
      <h2 id="partition-title" className="flex items-center gap-2 text-lg font-bold">
        <Icon name="warn" className="size-5" />
        Partitioned: the nodes disagree on who is in the cluster
      </h2>
      <ul className="mt-2 grid gap-2 sm:grid-cols-[repeat(auto-fit,minmax(14rem,1fr))]" aria-label="sides of the partition">
        {groups.map((g, i) => (
          <li
            key={g.key}
            data-testid="partition-side"
            data-quorate={g.quorate}
            className={`min-w-0 rounded-lg border-2 bg-white px-3 py-2 text-slate-900 dark:bg-slate-900 dark:text-slate-100 ${
              g.quorate ? 'border-emerald-700 dark:border-emerald-400' : 'border-red-700 border-dashed dark:border-red-400'
            }`}
          >
            <p className="flex flex-wrap items-center gap-x-2 font-semibold">
              <span>Side {i + 1}</span>
              {g.quorate ? (
                <span className="inline-flex items-center gap-1 rounded bg-emerald-700 px-1.5 text-sm text-white">
                  <Icon name="ok" className="size-3.5" /> holds quorum
                </span>
              ) : (
                <span className="inline-flex items-center gap-1 rounded bg-red-700 px-1.5 text-sm text-white">
                  <Icon name="bad" className="size-3.5" /> NOT QUORATE
                </span>
              )}
              <span className="text-sm font-normal tabular-nums">
                {g.totalVotes} of {g.expectedVotes} votes, {g.quorum} needed
              </span>
            </p>
            <ul className="mt-1 flex flex-wrap gap-1" aria-label={`nodes of side ${i + 1}`}>
              {g.members.map((id) => (
                <li key={id} className="rounded border border-slate-300 px-1.5 text-sm dark:border-slate-600">
                  {nodeName(s, id)} <span className="text-xs text-slate-600 dark:text-slate-400">{votesOf(id)}v</span>
                </li>
              ))}
            </ul>
            <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">as seen by {listNames(g.seenBy)}</p>
          </li>
        ))}
      </ul>
      {unasked.length > 0 && (
        <p className="mt-2 text-sm">
          Could not be asked: {unasked.map((u) => `${u.name}${u.reason ? ` (${u.reason})` : ''}`).join(', ')}
        </p>
      )}
    </section>
  );
}
