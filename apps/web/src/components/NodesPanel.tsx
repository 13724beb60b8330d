// Nodes: state in words + icon, votes, per-link state, addresses. A table that turns into cards below 640 px;
// from 9 nodes on a compact grid of tiles (a 32-node cluster fits above the fold), addresses in a disclosure.
// A node that could not be asked says why (its view's reason: connection refused, timeout, host key…).
// A pve snapshot adds each node's load, guests and version (components/pve/NodeResources): three more
// columns, or CPU/memory and a guest count in a tile; without links (no SSH) the links column is left out.
// Each node offers "can I reboot it now?" (plan/RebootDialog, its own chunk) where a server answers: a chosen
// cluster, not a `?sample=` page.
import { lazy, memo, Suspense, useContext, useState } from 'react';
import type { ClusterNode, ClusterSnapshot, QDevice } from '@quorate/model';
import { linkNumbers, nodeLinkSummary, type NodeLinkSummary } from '../lib/cluster';
import { formatAgo, formatDateTime, formatDuration, plural } from '../lib/format';
import { useNow } from '../lib/useNow';
import { Icon } from './Icon';
import { StaleTag } from './StaleTag';
import { GuestCountCompact, GuestsCell, hasResources, LoadCell, LoadCompact, VersionCell } from './pve/NodeResources';
import { linksUnavailable } from './pve/Unavailable';
import { SelectionContext } from '../lib/selection';

const RebootDialog = lazy(() => import('./plan/RebootDialog'));

const td = 'block px-3 py-1 sm:table-cell sm:py-2 before:mr-2 before:font-semibold before:text-slate-500 before:content-[attr(data-label)] sm:before:content-none';

/** from this many nodes on, the compact grid */
export const GRID_FROM_NODES = 9;

const trendBtn = 'inline-flex items-center rounded px-1 text-xs text-sky-700 underline underline-offset-2 max-sm:min-h-11 max-sm:min-w-11 max-sm:justify-center dark:text-sky-300';

/** "can I reboot it now?": a small button by the node's name, opening the answer */
function RebootButton({ node, onReboot, className = '' }: { node: string; onReboot: (node: string) => void; className?: string }) {
  return (
    <button type="button" className={`${trendBtn} whitespace-nowrap ${className}`} aria-haspopup="dialog" aria-label={`can I reboot ${node} now?`} onClick={() => onReboot(node)} data-testid={`node-reboot-${node}`}>
      reboot?
    </button>
  );
}

export function NodesPanel({ s, stale, onOpenLinks }: { s: ClusterSnapshot; stale: boolean; onOpenLinks?: (node: string) => void }) {
  // pve without SSH has no links at all: no "no data" badges nor a links column (the links panel says why)
  const linkColumn = linksUnavailable(s) === null;
  const links = linkColumn ? linkNumbers(s) : [];
  const members = s.quorum ? new Set(s.quorum.members) : null;
  const reasons = unreachableReasons(s);
  const grid = s.nodes.length >= GRID_FROM_NODES;
  const resources = hasResources(s.nodes);
  // the reboot check needs the server: a chosen cluster, not a `?sample=` page (nor a test without a selection)
  const selection = useContext(SelectionContext);
  const rebootCluster = selection && selection.sample === null ? selection.clusterId : null;
  const [rebootNode, setRebootNode] = useState<string | null>(null);
  const onReboot = rebootCluster !== null ? setRebootNode : undefined;
  return (
    <section aria-labelledby="nodes-title" className={`panel ${stale ? 'grayscale' : ''}`} data-testid="node-grid">
      <h2 id="nodes-title" className="panel-title">
        Nodes <span className="font-normal text-slate-500">({s.nodes.filter((n) => n.state === 'online').length} of {s.nodes.length} online)</span>
        {stale && <StaleTag />}
      </h2>
      {grid ? (
        <>
          <ul className="grid grid-cols-2 gap-1.5 text-sm sm:grid-cols-[repeat(auto-fill,minmax(9.5rem,1fr))]">
            {s.nodes.map((n) => {
              const sums = links.map((l) => nodeLinkSummary(s, n.id, l));
              return (
                <NodeTile
                  key={n.id}
                  n={n}
                  sums={sums}
                  sumsKey={sums.map((x) => `${x.link}:${x.peers}:${x.connected}:${x.deadPeers}:${x.unknown}`).join()}
                  observer={s.observer?.nodeId === n.id}
                  member={members ? members.has(n.id) : null}
                  reason={reasons.get(n.name) ?? null}
                  stale={stale}
                  onOpenLinks={onOpenLinks}
                  onReboot={onReboot}
                />
              );
            })}
          </ul>
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer py-1 text-sky-700 max-sm:min-h-11 max-sm:py-3 dark:text-sky-300">Addresses of {plural(s.nodes.length, 'node')}</summary>
            <ul className="mt-1 grid gap-x-4 font-mono text-xs sm:grid-cols-2 xl:grid-cols-3">
              {s.nodes.map((n) => (
                <li key={n.id} className="[overflow-wrap:anywhere]">
                  <span className="font-sans font-semibold">{n.name}</span>{' '}
                  {n.addresses.length ? n.addresses.map((a) => `link${a.link} ${a.address}`).join(' · ') : '—'}
                </li>
              ))}
            </ul>
          </details>
        </>
      ) : (
      <table className="block w-full text-left text-sm sm:table">
        <thead className="hidden border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 sm:table-header-group dark:border-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2">Node</th>
            <th scope="col" className="px-3 py-2">State</th>
            <th scope="col" className="px-3 py-2 text-right">Votes</th>
            {linkColumn && <th scope="col" className="px-3 py-2">Links</th>}
            {resources && (
              <>
                <th scope="col" className="px-3 py-2">Load</th>
                <th scope="col" className="px-3 py-2">Guests</th>
                <th scope="col" className="px-3 py-2">Version</th>
              </>
            )}
            <th scope="col" className="px-3 py-2">Addresses</th>
          </tr>
        </thead>
        <tbody className="block sm:table-row-group">
          {s.nodes.map((n) => (
            <tr
              key={n.id}
              data-testid={`node-row-${n.name}`}
              data-state={n.state}
              className={`block border-b border-slate-200 py-1 last:border-0 sm:table-row dark:border-slate-800 ${
                n.state === 'online' && !stale ? '' : 'text-slate-500 dark:text-slate-400'
              }`}
            >
              <th scope="row" className="block px-3 pt-2 text-base font-bold sm:table-cell sm:py-2 sm:text-sm">
                {n.name} <span className="font-normal text-slate-500">#{n.id}</span>
                {s.observer?.nodeId === n.id && (
                  <span className="ml-1 rounded bg-sky-100 px-1 text-xs font-semibold text-sky-900 dark:bg-sky-900 dark:text-sky-100">observer</span>
                )}
                {onReboot && <RebootButton node={n.name} onReboot={onReboot} className="ml-1 font-normal" />}
              </th>
              <td className={td} data-label="State">
                <NodeStateText n={n} member={members ? members.has(n.id) : null} stale={stale} reason={reasons.get(n.name) ?? null} />
              </td>
              <td className={`${td} sm:text-right tabular-nums`} data-label="Votes">
                {n.votes}
              </td>
              {linkColumn && (
                <td className={td} data-label="Links">
                  <span className="inline-flex flex-wrap gap-1.5">
                    {links.map((l) => (
                      <LinkBadge key={l} sum={nodeLinkSummary(s, n.id, l)} stale={stale} />
                    ))}
                    {onOpenLinks && links.length > 0 && (
                      <button
                        type="button"
                        className={trendBtn}
                        aria-haspopup="dialog"
                        aria-label={`trend: links of ${n.name}`}
                        onClick={() => onOpenLinks(n.name)}
                        data-testid={`node-links-${n.name}`}
                      >
                        trend
                      </button>
                    )}
                  </span>
                </td>
              )}
              {n.resources && (
                <>
                  <td className={td} data-label="Load">
                    <LoadCell r={n.resources} state={n.state} />
                  </td>
                  <td className={td} data-label="Guests">
                    <GuestsCell r={n.resources} state={n.state} />
                  </td>
                  <td className={td} data-label="Version">
                    <VersionCell r={n.resources} state={n.state} />
                  </td>
                </>
              )}
              {!n.resources && resources && <td className={td} colSpan={3} />}
              <td className={`${td} font-mono text-xs`} data-label="Addresses">
                {n.addresses.length ? (
                  <span className="inline-flex flex-wrap gap-x-3">
                    {n.addresses.map((a) => (
                      <span key={a.link} className="whitespace-nowrap">
                        <span className="text-slate-500">link{a.link}</span> {a.address}
                      </span>
                    ))}
                  </span>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      )}
      {s.qdevice && <QDevicePanel qd={s.qdevice} />}
      {rebootNode !== null && rebootCluster !== null && (
        <Suspense fallback={null}>
          <RebootDialog clusterId={rebootCluster} node={rebootNode} onClose={() => setRebootNode(null)} />
        </Suspense>
      )}
    </section>
  );
}

interface TileProps {
  n: ClusterNode;
  sums: NodeLinkSummary[];
  /** what `sums` says, as a string: the tile re-renders when it changes, not when a latency moves */
  sumsKey: string;
  observer: boolean;
  member: boolean | null;
  reason: string | null;
  stale: boolean;
  onOpenLinks?: (node: string) => void;
  onReboot?: (node: string) => void;
}

/** one node of the compact grid: name and trend, state and votes, its links as icons and the problems in words */
const NodeTile = memo(
  function NodeTile({ n, sums, observer, member, reason, stale, onOpenLinks, onReboot }: TileProps) {
    const problems = sums.filter((x) => !x.unknown && x.peers > 0 && x.connected < x.peers);
    return (
      <li
        data-testid={`node-row-${n.name}`}
        data-state={n.state}
        className={`flex min-w-0 flex-col gap-0.5 rounded border px-2 py-1 ${
          n.state === 'online' && !stale ? 'border-slate-200 dark:border-slate-700' : 'border-slate-300 bg-slate-50 text-slate-500 dark:border-slate-600 dark:bg-slate-800/50 dark:text-slate-400'
        }`}
      >
        <span className="flex min-w-0 items-baseline gap-1">
          <span className="truncate font-bold">{n.name}</span>
          <span className="text-xs text-slate-500">#{n.id}</span>
          {onOpenLinks && sums.length > 0 && (
            <button type="button" className={`ml-auto ${trendBtn}`} aria-haspopup="dialog" aria-label={`trend: links of ${n.name}`} onClick={() => onOpenLinks(n.name)} data-testid={`node-links-${n.name}`}>
              trend
            </button>
          )}
          {n.resources && sums.length === 0 && <GuestCountCompact r={n.resources} />}
        </span>
        <span className="flex flex-wrap items-center gap-x-1 text-xs">
          <NodeStateText n={n} member={member} stale={stale} reason={reason} />
          <span className="tabular-nums">· {plural(n.votes, 'vote')}</span>
          {observer && <span className="rounded bg-sky-100 px-1 font-semibold text-sky-900 dark:bg-sky-900 dark:text-sky-100">observer</span>}
          {onReboot && <RebootButton node={n.name} onReboot={onReboot} className="ml-auto" />}
        </span>
        {(sums.length > 0 || !n.resources) && (
          <span className="flex flex-wrap items-center gap-px text-xs" data-testid="node-links">
            {sums.map((sum) => (
              <LinkBadge key={sum.link} sum={sum} stale={stale} compact />
            ))}
            <span className="ml-1">
              {sums.length === 0
                ? ''
                : problems.length === 0
                  ? sums.every((x) => x.unknown)
                    ? 'no data'
                    : 'all up'
                  : problems.map((x) => `link${x.link} ${x.connected === 0 ? 'down' : `${x.connected}/${x.peers}`}`).join(', ')}
            </span>
          </span>
        )}
        {n.resources && <LoadCompact r={n.resources} state={n.state} />}
      </li>
    );
  },
  (a, b) =>
    a.n === b.n && a.sumsKey === b.sumsKey && a.observer === b.observer && a.member === b.member && a.reason === b.reason && a.stale === b.stale && a.onOpenLinks === b.onOpenLinks && a.onReboot === b.onReboot,
);

/**
 * One link of one node: up (connected to every live peer), down (to none), "3/4" (amber: some live peer is
 * unreachable), or "no live peer". Peers that are down themselves are left out (the title says how many).
 */
function LinkBadge({ sum, stale, compact = false }: { sum: NodeLinkSummary; stale: boolean; compact?: boolean }) {
  const l = sum.link;
  const lonely = !sum.unknown && sum.peers === 0;
  const ok = !sum.unknown && !lonely && sum.connected === sum.peers;
  const none = !sum.unknown && !lonely && sum.connected === 0;
  const neutral = sum.unknown || lonely || stale;
  const cls = neutral
    ? 'border-slate-300 text-slate-500 dark:border-slate-600'
    : ok
      ? 'border-emerald-600 text-emerald-800 dark:text-emerald-300'
      : none
        ? 'border-red-600 text-red-800 dark:text-red-300'
        : 'border-amber-600 text-amber-800 dark:text-amber-300';
  const dead = sum.deadPeers > 0 ? ` (${plural(sum.deadPeers, 'peer')} down or outside the membership, not counted)` : '';
  const title = lonely ? `link${l}: no live peer to connect to${dead}` : `link${l}: connected to ${sum.connected} of ${sum.peers} live peers${dead}`;
  const icon = sum.unknown || lonely ? 'unknown' : ok ? 'ok' : none ? 'bad' : 'warn';
  const word = sum.unknown ? 'no data' : lonely ? 'no live peer' : ok ? 'up' : none ? 'down' : `${sum.connected}/${sum.peers}`;
  const state = neutral ? 'neutral' : ok ? 'up' : none ? 'down' : 'partial';
  if (compact)
    // the tile says the problems in words next to these; the icon alone is the at-a-glance state
    return (
      <span className={`relative inline-flex ${cls}`} title={title} data-testid="link-badge" data-link-state={state}>
        <Icon name={icon} className="size-3" />
        <span className="sr-only">
          link{l} {word}
        </span>
      </span>
    );
  return (
    <span className={`inline-flex items-center gap-1 rounded border px-1.5 text-xs ${cls}`} title={title} data-testid="link-badge" data-link-state={state}>
      <Icon name={icon} className="size-3" />
      link{l} {word}
    </span>
  );
}

/** why each node that could not be asked could not be, by node name (the views name their node) */
function unreachableReasons(s: ClusterSnapshot): Map<string, string> {
  return new Map(s.views.filter((v) => !v.reachable).map((v) => [v.name, v.reason ?? 'unreachable']));
}

function Reason({ reason }: { reason: string | null }) {
  if (reason === null) return null;
  return (
    <span data-testid="node-reason" className="basis-full text-xs font-normal [overflow-wrap:anywhere] sm:basis-auto">
      · {reason}
    </span>
  );
}

function NodeStateText({ n, member, stale, reason }: { n: ClusterNode; member: boolean | null; stale: boolean; reason: string | null }) {
  const now = useNow();
  const dur = n.since !== null ? formatDuration(now - n.since) : null;
  const title = n.since !== null ? `since ${formatDateTime(n.since)}` : undefined;
  if (n.state === 'online') {
    return (
      <span className={`inline-flex items-center gap-1 ${stale ? '' : 'text-emerald-800 dark:text-emerald-300'}`} title={title}>
        <Icon name="ok" />
        <span className="font-semibold">online</span>
        {member === false && <span className="text-amber-800 dark:text-amber-300">(outside this membership)</span>}
        {stale && <span>(last known)</span>}
      </span>
    );
  }
  if (n.state === 'offline') {
    return (
      <span className="inline-flex flex-wrap items-center gap-1 text-red-800 dark:text-red-300" title={title}>
        <Icon name="bad" />
        <span className="font-semibold">offline{dur ? ` ${dur}` : ''}</span>
        <span>(was {plural(n.votes, 'vote')})</span>
        <Reason reason={reason} />
      </span>
    );
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-1" title={title}>
      <Icon name="unknown" />
      <span className="font-semibold">unknown</span>
      {n.since !== null && <span>— last seen {formatAgo(n.since, now)}</span>}
      <Reason reason={reason} />
    </span>
  );
}

function QDevicePanel({ qd }: { qd: QDevice }) {
  const good = qd.state === 'connected' && qd.castsVote;
  return (
    <div data-testid="qdevice" className="mt-3 rounded border border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
      <h3 className="font-semibold">QDevice{qd.host ? ` · ${qd.host}` : ''}</h3>
      <p className="flex flex-wrap items-center gap-x-3">
        <span className={`inline-flex items-center gap-1 font-semibold ${good ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}>
          <Icon name={good ? 'ok' : 'bad'} /> {qd.state}
        </span>
        <span>{plural(qd.votes, 'vote')}</span>
        <span>{qd.castsVote ? 'casting its vote' : 'not casting its vote'}</span>
        <span>algorithm {qd.algorithm}</span>
      </p>
    </div>
  );
}
