// Troubleshooting, tied to the live state (troubleshoot.ts): quorum lost (/etc/pve read-only, the votes
// missing, the way back and the last-resort recovery the dashboard offers: the expected-votes dialog), an
// operation that failed recently (a link to its checks and log), unstable links (which, and what to look
// at). When nothing is wrong it says so in one line.
import { lazy, Suspense, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ClusterSnapshot } from '@quorate/model';
import { retryUnlessClientError } from '../../api/http';
import { fetchFailedTasks, whatifKeys } from '../../api/whatif';
import { useEvents, useIncidents } from '../../live/useClusterLive';
import { formatAgo, formatDuration, listNames, plural } from '../../lib/format';
import { openDegradedLinks } from '../../lib/link-health';
import { useLinkThresholds } from '../../lib/useLinkThresholds';
import { useNow } from '../../lib/useNow';
import { Icon } from '../Icon';
import { linkIncidents, LOOK_AT, nodesDown, quorumLoss, recentFailures, taskLinks, unstableLinks, type LinkProblemKind } from './troubleshoot';

const ExpectedVotesDialog = lazy(() => import('../ExpectedVotesDialog'));

interface Props {
  clusterId: string;
  s: ClusterSnapshot;
  /** the figures are last known ones (not live) */
  stale: boolean;
  /** the expected-votes recovery can be run here (an operator, on a cluster that has it) */
  canSetVotes: boolean;
  /** the wizards' pages are open to this user (operator) */
  canOpenWizards: boolean;
}

const item = 'rounded-md border px-3 py-2 text-sm';
const link = 'text-sky-700 underline underline-offset-2 dark:text-sky-300';

export function TroubleshootPanel({ clusterId, s, stale, canSetVotes, canOpenWizards }: Props) {
  const now = useNow();
  const { events } = useEvents(clusterId);
  const incidents = useIncidents(clusterId);
  const thresholds = useLinkThresholds(clusterId);
  const degraded = useMemo(() => openDegradedLinks(events, incidents), [events, incidents]);
  const tasks = useQuery({
    queryKey: whatifKeys.failedTasks(clusterId),
    queryFn: () => fetchFailedTasks(clusterId),
    retry: retryUnlessClientError(3),
    refetchInterval: 30_000,
  });
  const [votesOpen, setVotesOpen] = useState(false);

  const loss = quorumLoss(s);
  const down = nodesDown(s);
  const failed = recentFailures(tasks.data?.tasks ?? [], now);
  const links = useMemo(() => unstableLinks(s, thresholds, degraded), [s, thresholds, degraded]);
  const flaps = linkIncidents(incidents, now);
  const kinds = new Set<LinkProblemKind | 'flapping'>([...links.flatMap((l) => l.problems.map((p) => p.kind)), ...(flaps.some((f) => f.flapping) ? (['flapping'] as const) : [])]);
  const nothing = !loss && !down && failed.length === 0 && links.length === 0 && flaps.length === 0;

  return (
    <section aria-labelledby="trouble-title" className="panel min-w-0" data-testid="troubleshoot">
      <h2 id="trouble-title" className="panel-title">
        Troubleshooting {stale && <span className="text-sm font-normal text-slate-500">(last known state)</span>}
      </h2>
      {nothing ? (
        <p className="flex items-center gap-1.5 text-sm" data-testid="trouble-none">
          <Icon name="ok" className="size-4 text-emerald-700 dark:text-emerald-300" />
          Nothing to troubleshoot now: {s.quorum ? 'quorate with every node in the membership' : 'quorum not known'}, no operation failed in the last 24 h, every link between running nodes is steady.
        </p>
      ) : (
        <ul className="flex flex-col gap-2">
          {loss && (
            <li className={`${item} border-red-600 bg-red-50 text-red-950 dark:bg-red-950/50 dark:text-red-50`} data-testid="trouble-quorum">
              <p className="flex items-start gap-1.5 font-bold">
                <Icon name="bad" className="mt-0.5 size-4" />
                <span>/etc/pve is read-only because quorum is lost</span>
              </p>
              <p className="mt-1">
                {loss.present} of {plural(loss.expected, 'vote')} present, {loss.needed} needed: {plural(loss.short, 'vote')} missing
                {loss.missing.length > 0 && <> ({listNames(loss.missing)} {loss.missing.length === 1 ? 'is' : 'are'} not in this membership)</>}. Guests cannot be
                started, configuration cannot change, HA nodes fence themselves.
              </p>
              <p className="mt-1">
                Bring {loss.missing.length ? listNames(loss.missing, 'or') : 'a missing node'} back. As a last resort, with the missing nodes certainly off:{' '}
                {canSetVotes ? (
                  <button type="button" className="btn btn-danger max-sm:min-h-11" onClick={() => setVotesOpen(true)} data-testid="trouble-expected-votes">
                    Set expected votes…
                  </button>
                ) : (
                  <>
                    <Link to="/" className={link}>
                      the overview’s recovery
                    </Link>{' '}
                    (<code>pvecm expected</code>, for an operator)
                  </>
                )}
              </p>
            </li>
          )}
          {down && (
            <li className={`${item} border-amber-600`} data-testid="trouble-nodes-down">
              <p className="flex items-start gap-1.5">
                <Icon name="warn" className="mt-0.5 size-4 text-amber-700 dark:text-amber-300" />
                <span>
                  <span className="font-semibold">
                    {listNames(down.missing)} {down.missing.length === 1 ? 'is' : 'are'} not in the membership
                  </span>
                  : quorum holds with {down.present} of {plural(down.expected, 'vote')}, {down.needed} needed —{' '}
                  {down.spare === 0 ? 'no vote to spare: one more failure loses quorum' : `${plural(down.spare, 'vote')} to spare`}. Start{' '}
                  {down.missing.length === 1 ? 'it' : 'them'} again, or remove {down.missing.length === 1 ? 'it' : 'them'} for good (pvecm delnode). Before a reboot,
                  ask “reboot?” in the what-if below.
                </span>
              </p>
            </li>
          )}
          {failed.map((t) => {
            const to = canOpenWizards ? taskLinks(t) : [];
            return (
              <li key={t.id} className={`${item} border-amber-600`} data-testid="trouble-task" data-operation={t.operation}>
                <p className="flex items-start gap-1.5">
                  <Icon name="warn" className="mt-0.5 size-4 text-amber-700 dark:text-amber-300" />
                  <span>
                    <span className="font-semibold">
                      {t.operation} failed {formatAgo(t.endedAt ?? t.startedAt, now)}
                    </span>
                    {t.message && <span className="[overflow-wrap:anywhere]">: {t.message}</span>}
                  </span>
                </p>
                {to.length > 0 && (
                  <p className="mt-1 flex flex-wrap gap-x-3 pl-5">
                    {to.map((l) => (
                      <Link key={l.label} to={l.to} search={l.search} className={`${link} max-sm:inline-flex max-sm:min-h-11 max-sm:items-center`}>
                        {l.label}
                      </Link>
                    ))}
                  </p>
                )}
              </li>
            );
          })}
          {(links.length > 0 || flaps.length > 0) && (
            <li className={`${item} border-amber-600`} data-testid="trouble-links">
              <p className="flex items-start gap-1.5 font-semibold">
                <Icon name="warn" className="mt-0.5 size-4 text-amber-700 dark:text-amber-300" />
                <span>
                  Unstable links: {plural(links.length + flaps.length, 'problem')} (thresholds: slow above {thresholds.warnLatencyMs} ms, bad above {thresholds.badLatencyMs} ms,
                  loss above {thresholds.lossPct} %)
                </span>
              </p>
              <ul className="mt-1 list-disc space-y-0.5 pl-9">
                {links.slice(0, 12).map((l) => (
                  <li key={l.id} className="[overflow-wrap:anywhere]" data-testid="trouble-link">
                    <span className="font-semibold">{l.label}</span>: {l.problems.map((p) => p.text).join('; ')}
                  </li>
                ))}
                {links.length > 12 && <li>and {plural(links.length - 12, 'more link')} (the overview’s link matrix, “problems only”)</li>}
                {flaps.map((f) => (
                  <li key={f.id} className="[overflow-wrap:anywhere]" data-testid="trouble-link-incident">
                    <span className="font-semibold">{f.title}</span> — {f.endedAt === null ? `open for ${formatDuration(now - f.startedAt)}` : `ended ${formatAgo(f.endedAt, now)}`}
                  </li>
                ))}
              </ul>
              <p className="mt-1 pl-5 font-semibold">What to look at</p>
              <ul className="list-disc space-y-0.5 pl-9">
                {[...kinds].map((k) => (
                  <li key={k}>{LOOK_AT[k]}</li>
                ))}
              </ul>
              <p className="mt-1 pl-5">
                <Link to="/" className={link}>
                  The overview’s link matrix
                </Link>{' '}
                opens each pair’s latency and loss over the last hour or week.
              </p>
            </li>
          )}
        </ul>
      )}
      {votesOpen && (
        <Suspense fallback={null}>
          <ExpectedVotesDialog clusterId={clusterId} onClose={() => setVotesOpen(false)} />
        </Suspense>
      )}
    </section>
  );
}
