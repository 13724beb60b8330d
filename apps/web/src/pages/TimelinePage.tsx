// Time travel (issue 15): the cluster as it was at any kept moment. `/timeline?cluster=&t=&w=` — the moment
// and the scrubber's window are in the URL, so a link shows the same moment (Copy link). The scrubber shows
// the window's changes coloured by state; the keyboard and the buttons step from change to change (or
// transition to transition); Play replays them at 1×, 4× or 16× their real pace (a quiet stretch waits 5 s
// at most). Below a "Past state" banner, the overview's own panels (read-only) show the state rebuilt by the
// BFF for that moment. The range's incidents can be replayed from their start.
import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { ClusterEvent, Incident } from '@quorate/model';
import { errorText, HttpError } from '../api/http';
import { fetchTimeline, fetchTimelineAt, timelineKeys, type TimelineMark } from '../api/timeline';
import { QuorumHero } from '../components/QuorumHero';
import { NodesPanel } from '../components/NodesPanel';
import { LinkMatrix } from '../components/LinkMatrix';
import { StoragePanel } from '../components/StoragePanel';
import { EarlyWarning, PartitionBanner } from '../components/Banners';
import { LinksUnavailable, linksUnavailable } from '../components/pve/Unavailable';
import { Scrubber } from '../components/timeline/Scrubber';
import { DEFAULT_WINDOW_MIN, WINDOWS_MIN, formatUtc, rangeOf, stepMark, timelineSearch, windowLabel } from '../components/timeline/timeline-search';
import { formatDateTime, formatDuration } from '../lib/format';
import { SelectionContext, useSelection } from '../lib/selection';
import { useLinkThresholds } from '../lib/useLinkThresholds';
import { FrozenNow } from '../lib/useNow';
import { useIncidents } from '../live/useClusterLive';

const SPEEDS = [1, 4, 16] as const;
/** a replay never waits longer than this between two changes */
const MAX_WAIT_MS = 5_000;
const STATE_WORD: Record<TimelineMark['state'], string> = { healthy: 'healthy', degraded: 'degraded', lost: 'quorum lost', unknown: 'unknown' };

export default function TimelinePage() {
  const selection = useSelection();
  const { clusterId } = selection;
  const raw = useSearch({ strict: false }) as Record<string, unknown>;
  const { t, w = DEFAULT_WINDOW_MIN } = timelineSearch.parse({ t: raw.t, w: raw.w });
  const navigate = useNavigate();
  const go = (next: { t?: number; w?: number }, replace = false) =>
    void navigate({ to: '/timeline', search: (prev: Record<string, unknown>) => ({ ...prev, t: next.t ?? t, w: next.w ?? w }), replace });

  // the window stays put while stepping inside it; it moves when t leaves it or the width changes
  const [range, setRange] = useState(() => rangeOf(t, w, Date.now()));
  useEffect(() => {
    setRange((r) => (t !== undefined && t >= r.from && t <= r.to && r.to - r.from === w * 60_000 ? r : rangeOf(t, w, Date.now())));
  }, [t, w]);

  const page = useQuery({
    queryKey: timelineKeys.range(clusterId ?? '', range.from, range.to),
    queryFn: clusterId ? () => fetchTimeline(clusterId, range.from, range.to) : skipToken,
    placeholderData: keepPreviousData,
  });
  const marks = page.data?.marks ?? [];
  // a recording younger than the window: the scrubber starts a little before its oldest moment
  const oldest = page.data?.oldest ?? null;
  const shownFrom = oldest !== null && oldest > range.from ? Math.max(range.from, oldest - Math.max(2_000, (range.to - oldest) * 0.02)) : range.from;
  const events = page.data?.events ?? [];

  // no moment asked for: the latest change recorded (the URL then names it, for the link)
  useEffect(() => {
    if (t !== undefined || !page.data) return;
    const latest = page.data.marks.at(-1)?.at ?? page.data.newest;
    if (latest !== null && latest !== undefined) go({ t: latest }, true);
  }, [t, page.data]);

  const at = useQuery({
    queryKey: timelineKeys.at(clusterId ?? '', t ?? -1),
    queryFn: clusterId && t !== undefined ? () => fetchTimelineAt(clusterId, t) : skipToken,
    placeholderData: keepPreviousData,
    retry: (n, err) => !(err instanceof HttpError && err.status < 500) && n < 2,
  });

  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  useEffect(() => {
    if (!playing || t === undefined) return;
    const next = stepMark(marks, t, 1);
    if (!next) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => go({ t: next.at }, true), Math.min(MAX_WAIT_MS, Math.max(40, (next.at - t) / speed)));
    return () => clearTimeout(timer);
  }, [playing, t, speed, marks]);

  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const copy = () => {
    const url = window.location.href;
    void (navigator.clipboard?.writeText(url) ?? Promise.reject(new Error('no clipboard'))).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  };
  useEffect(() => setCopied(null), [t]);

  const step = (dir: -1 | 1, transition = false) => {
    if (t === undefined) return;
    const m = stepMark(marks, t, dir, transition ? (x) => x.transition : undefined);
    if (m) go({ t: m.at });
  };

  const thresholds = useLinkThresholds(clusterId);
  const incidents = useIncidents(clusterId);
  const inRange = useMemo(() => incidents.filter((i) => i.startedAt <= range.to && (i.endedAt ?? Infinity) >= range.from), [incidents, range]);
  const replay = (i: Incident) => {
    const start = Math.max(page.data?.oldest ?? 0, i.startedAt - 10_000);
    go({ t: start });
    setPlaying(true);
  };

  const state = at.data && at.data.t === t ? at.data : (at.data ?? null);
  const shownAt = state?.at ?? null;
  const pastEvents = useMemo<ClusterEvent[]>(() => (shownAt === null ? [] : events.filter((e) => e.at <= shownAt).reverse()), [events, shownAt]);
  // read-only: no reboot buttons and no live-only actions in the panels below the banner
  const readOnly = useMemo(() => ({ ...selection, sample: 'timeline' }), [selection]);
  const error = at.error instanceof HttpError ? at.error : null;
  const current = marks.find((m) => m.at === shownAt);

  return (
    <div className="flex flex-col gap-3 sm:gap-4" data-testid="timeline-page">
      <section aria-labelledby="timeline-title" className="panel space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="timeline-title" className="panel-title">
            Time travel
          </h2>
          <div className="flex flex-wrap items-center gap-2">
            <label className="flex items-center gap-1 text-sm">
              Window
              <select className="input w-auto py-1" value={w} onChange={(e) => go({ w: Number(e.target.value) })} data-testid="timeline-window">
                {WINDOWS_MIN.map((m) => (
                  <option key={m} value={m}>
                    {windowLabel(m)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="btn" onClick={() => go({ t: Date.now() })}>
              Latest
            </button>
            <button type="button" className="btn" onClick={copy} disabled={t === undefined} data-testid="copy-link">
              Copy link
            </button>
            <span role="status" className="text-sm">
              {copied === 'copied' ? 'Link copied' : copied === 'failed' ? 'Copy the address bar: the clipboard is not available' : ''}
            </span>
          </div>
        </div>

        {page.error ? (
          <p role="alert" className="text-sm">
            The timeline could not be loaded: {errorText(page.error)}
          </p>
        ) : !page.data ? (
          <p className="text-sm">Loading the timeline…</p>
        ) : (
          <>
            <Scrubber from={shownFrom} to={range.to} t={t ?? range.to} marks={marks} events={events} onMove={(next, snap) => go({ t: next }, !snap)} />
            <p className="text-xs text-slate-600 dark:text-slate-400">
              {marks.length === 0 ? 'No change recorded in this window.' : `${marks.length} changes${page.data.truncated ? ' (thinned: every transition kept)' : ''}.`}{' '}
              {page.data.oldest !== null && <>Kept since {formatDateTime(page.data.oldest)}.</>} Keys: ←/→ previous/next change, PageUp/PageDown previous/next transition.
            </p>
            <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Step through the changes">
              <button type="button" className="btn" onClick={() => step(-1, true)} data-testid="prev-transition">
                « Previous transition
              </button>
              <button type="button" className="btn" onClick={() => step(-1)} data-testid="prev-change">
                ◀ Previous change
              </button>
              <button type="button" className="btn" onClick={() => setPlaying((p) => !p)} aria-pressed={playing} data-testid="play">
                {playing ? '⏸ Pause' : '▶ Play'}
              </button>
              <label className="flex items-center gap-1 text-sm">
                Speed
                <select className="input w-auto py-1" value={speed} onChange={(e) => setSpeed(Number(e.target.value) as (typeof SPEEDS)[number])} data-testid="speed">
                  {SPEEDS.map((s) => (
                    <option key={s} value={s}>
                      {s}×
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="btn" onClick={() => step(1)} data-testid="next-change">
                Next change ▶
              </button>
              <button type="button" className="btn" onClick={() => step(1, true)} data-testid="next-transition">
                Next transition »
              </button>
            </div>
          </>
        )}
      </section>

      {t !== undefined && (
        <div role="status" className="rounded-md border-2 border-indigo-700 bg-indigo-50 p-3 text-indigo-950 dark:border-indigo-300 dark:bg-indigo-950 dark:text-indigo-50" data-testid="past-banner">
          <p className="font-semibold">
            Past state — {formatDateTime(shownAt ?? t)} <span className="font-normal">({formatUtc(shownAt ?? t)})</span>
          </p>
          <p className="text-sm">
            Not live: the cluster as Quorate saw it then
            {state && shownAt !== null && shownAt !== t ? <> (the last change before {formatDateTime(t, { zone: false })}, {formatDuration(t - shownAt)} earlier)</> : null}
            {current ? <> · {STATE_WORD[current.state]}</> : null}.{' '}
            <Link to="/" className="underline">
              Back to the live overview
            </Link>
          </p>
        </div>
      )}

      {error ? (
        <section className="panel" role="alert" data-testid="timeline-error">
          <p>{error.message}</p>
          {page.data?.oldest != null && error.status === 404 && (
            <button type="button" className="btn mt-2" onClick={() => go({ t: page.data!.oldest! })}>
              Go to the oldest moment kept
            </button>
          )}
        </section>
      ) : at.error ? (
        <p role="alert" className="panel">
          {errorText(at.error)}
        </p>
      ) : state ? (
        <SelectionContext.Provider value={readOnly}>
          <FrozenNow.Provider value={state.at}>
          <div className="flex flex-col gap-3 sm:gap-4" data-testid="timeline-ready" data-at={state.at} aria-busy={at.isFetching}>
            <QuorumHero entry={{ rev: state.rev, snapshot: state.snapshot, receivedAt: Date.now(), hadQuorum: true }} events={pastEvents} freshness="live" age={null} />
            <EarlyWarning s={state.snapshot} />
            <PartitionBanner s={state.snapshot} />
            <NodesPanel s={state.snapshot} stale={false} />
            {linksUnavailable(state.snapshot) ? <LinksUnavailable why={linksUnavailable(state.snapshot)!} /> : <LinkMatrix s={state.snapshot} stale={false} thresholds={thresholds} />}
            <StoragePanel s={state.snapshot} stale={false} />
          </div>
          </FrozenNow.Provider>
        </SelectionContext.Provider>
      ) : (
        t !== undefined && <p className="panel text-sm">Rebuilding the cluster at that moment…</p>
      )}

      {page.data && (inRange.length > 0 || events.length > 0) && (
        <section aria-labelledby="timeline-events-title" className="panel">
          <h2 id="timeline-events-title" className="panel-title">
            In this window
          </h2>
          {inRange.length > 0 && (
            <ul className="mb-3 space-y-1 text-sm" data-testid="timeline-incidents">
              {inRange.map((i) => (
                <li key={i.id} className="flex flex-wrap items-center gap-2">
                  <span className="font-semibold">{i.title}</span>
                  <span className="text-slate-600 dark:text-slate-400">
                    {formatDateTime(i.startedAt)}
                    {i.endedAt !== null ? ` · ${formatDuration(i.endedAt - i.startedAt)}` : ' · open'}
                  </span>
                  <button type="button" className="btn" onClick={() => replay(i)} data-testid="replay-incident">
                    Replay
                  </button>
                </li>
              ))}
            </ul>
          )}
          <ul className="max-h-64 space-y-0.5 overflow-y-auto text-sm" data-testid="timeline-events">
            {events.map((e) => (
              <li key={e.seq}>
                <button type="button" className="text-left underline-offset-2 hover:underline" onClick={() => go({ t: e.at })} aria-current={shownAt !== null && e.at === shownAt ? 'true' : undefined}>
                  <span className="tabular-nums">{formatDateTime(e.at, { zone: false })}</span> · <span className={e.severity === 'critical' ? 'font-semibold' : ''}>{e.message}</span>
                </button>
              </li>
            ))}
          </ul>
          {page.data.eventsTruncated && <p className="text-xs">Only the newest {events.length} events of the window are listed.</p>}
        </section>
      )}
    </div>
  );
}
