// The first thing on the page: is the cluster healthy? Four states (the model's clusterHealth): healthy
// (green: quorate with margin), degraded (amber: quorate, with each reason in words and what fixes it),
// lost (red: what is missing since when, what is blocked, what restores it) and unknown (grey: why no node
// could be asked). `data-hero-state` carries the state for tests.
import type { ReactNode } from 'react';
import {
  clusterHealth,
  configuredExpected,
  expectedVotesOrigin,
  failureTolerance,
  nodesToRestore,
  quorateReason,
  type ClusterEvent,
  type ClusterHealth,
  type ClusterNode,
  type ClusterSnapshot,
} from '@quorate/model';
import type { SnapshotEntry } from '../live/cache';
import { linkNumbers, missingNodes } from '../lib/cluster';
import { formatAgo, formatDateTime, listNames, plural } from '../lib/format';
import { useNow } from '../lib/useNow';
import type { Freshness } from './ConnectionIndicator';
import { Icon } from './Icon';

interface Props {
  entry: SnapshotEntry;
  events: readonly ClusterEvent[];
  freshness: Freshness;
  age: number | null;
  /** operators: open the guarded `pvecm expected` dialog (the last resort while not quorate) */
  onSetExpectedVotes?: () => void;
}

export function QuorumHero({ entry, events, freshness, age, onSetExpectedVotes }: Props) {
  const s = entry.snapshot;
  const live = freshness === 'live';
  const health = clusterHealth(s);
  // nothing was ever known (no quorum now, none before on this page): there is no "last known state"
  const neverKnown = isNeverKnown(entry);
  const staleNote = !live && age !== null && !neverKnown ? <StaleNote freshness={freshness} age={age} /> : null;
  if (health.state === 'unknown') return <UnknownHero s={s} staleNote={staleNote} neverKnown={neverKnown} />;
  if (health.state === 'lost') return <LostHero s={s} events={events} live={live} staleNote={staleNote} onSetExpectedVotes={onSetExpectedVotes} />;
  return <QuorateHero s={s} health={health} live={live} staleNote={staleNote} />;
}

/** no quorum in this snapshot nor in any before it on this page */
export function isNeverKnown(entry: SnapshotEntry): boolean {
  return entry.snapshot.quorum === null && !entry.hadQuorum;
}

function StaleNote({ freshness, age }: { freshness: Freshness; age: number }) {
  const now = useNow();
  return (
    <p className="mt-2 inline-flex items-center gap-1.5 rounded bg-slate-900/10 px-2 py-1 text-sm font-semibold dark:bg-white/10">
      <Icon name="warn" />
      Last known state, as of {formatAgo(now - age, now)}
      {freshness === 'reconnecting' ? ' — the connection to the server is down' : ' — no fresh data from the source'}
    </p>
  );
}

function Meta({ s }: { s: ClusterSnapshot }) {
  const links = linkNumbers(s).length;
  const c = s.cluster;
  return (
    <>
      <p className="text-sm">
        {c.configVersion !== null ? `config v${c.configVersion}` : 'config version unknown'} · {c.transport ?? 'transport unknown'} ·{' '}
        {s.source === 'pve' && s.links.length === 0 ? 'link health needs SSH' : plural(links, 'link')}
        {s.observer && <> · seen from {s.observer.name}</>}
      </p>
      {c.standalone && (
        <p className="text-sm font-semibold" data-testid="standalone">
          A standalone node: not in a cluster, so there is no quorum to lose (pvecm create or pvecm add makes one).
        </p>
      )}
      {c.quorumOptionsKnown === false && !c.standalone && (
        <p className="text-sm" data-testid="quorum-options-assumed">
          Expected and needed votes assume the default quorum options: the Proxmox API does not show corosync.conf’s quorum
          section. Add SSH to this cluster for exact figures.
        </p>
      )}
    </>
  );
}

function Flags({ s }: { s: ClusterSnapshot }) {
  const flags = s.quorum?.flags ?? [];
  return (
    <p className="text-sm">
      <span>flags:</span> {flags.length ? flags.join(' · ') : 'none'}
    </p>
  );
}

const TONE = {
  healthy: 'border-emerald-600 bg-emerald-50 text-emerald-950 dark:border-emerald-500 dark:bg-emerald-950/60 dark:text-emerald-50',
  degraded: 'border-amber-500 bg-amber-50 text-amber-950 dark:border-amber-400 dark:bg-amber-950/70 dark:text-amber-50',
  notLive: 'border-slate-400 bg-slate-100 text-slate-700 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-300',
} as const;

function QuorateHero({ s, health, live, staleNote }: { s: ClusterSnapshot; health: ClusterHealth; live: boolean; staleNote: ReactNode }) {
  const q = s.quorum!;
  const degraded = health.state === 'degraded';
  const tol = failureTolerance(s);
  const canLose = tol?.nodesCanLose ?? 0;
  const oneByOne = tol?.nodesCanLoseOneByOne ?? null;
  const reason = quorateReason(s);
  const critical = tol?.criticalNodes.length ? s.nodes.filter((n) => tol.criticalNodes.includes(n.id)).map((n) => n.name) : [];
  const tone = !live ? TONE.notLive : degraded ? TONE.degraded : TONE.healthy;
  return (
    <section
      data-testid="quorum-hero"
      data-quorate="true"
      data-hero-state={health.state}
      aria-labelledby="hero-title"
      className={`rounded-lg border-l-8 px-4 py-3 shadow-sm sm:px-6 sm:py-4 ${tone}`}
    >
      <h2 id="hero-title" className="sr-only">
        {degraded ? 'Quorum: degraded' : 'Quorum: healthy'}
      </h2>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-1">
        {degraded ? (
          <p className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="flex items-center gap-2 text-3xl font-black tracking-tight sm:text-4xl">
              <Icon name="warn" className="size-8 sm:size-9" />
              <span data-testid="hero-state-word">DEGRADED</span>
            </span>
            <span className="rounded border-2 border-current px-1.5 text-sm font-bold tracking-wide">
              still <span data-testid="quorum-state">QUORATE</span>
            </span>
          </p>
        ) : (
          <p className="flex items-center gap-2 text-3xl font-black tracking-tight sm:text-4xl">
            <Icon name="ok" className="size-8 sm:size-9" />
            <span data-testid="quorum-state">QUORATE</span>
          </p>
        )}
        <p data-testid="votes-summary" className="text-lg font-semibold tabular-nums sm:text-xl">
          {q.totalVotes} of {q.expectedVotes} votes present · {q.quorum} needed ·{' '}
          {canLose > 0 ? (
            <>can lose {plural(canLose, 'more node')}{oneByOne !== null && oneByOne > canLose ? ' at once' : ''}</>
          ) : (
            <span className="underline decoration-2 underline-offset-4">cannot lose another node{oneByOne ? ' at once' : ''}</span>
          )}
          {oneByOne !== null && oneByOne > canLose && (
            <span data-testid="lms-one-by-one">
              {' '}
              · {plural(oneByOne, 'node')} one at a time (last_man_standing recalculates after each)
            </span>
          )}
        </p>
      </div>
      {degraded && <HealthReasons health={health} />}
      <SplitNote s={s} />
      {reason && (
        <p data-testid="quorate-reason" className="mt-1 flex flex-wrap items-center gap-x-1.5 text-sm font-semibold">
          <Icon name="info" />
          {reason.text}
        </p>
      )}
      <div className="mt-1 flex flex-wrap justify-between gap-x-6 gap-y-1">
        <Flags s={s} />
        <Meta s={s} />
      </div>
      <ExpectedOverride s={s} />
      {canLose === 0 && critical.length > 0 && (
        <p className="mt-1 text-sm font-semibold">Losing {listNames(critical, 'or')} would lose quorum.</p>
      )}
      {staleNote}
    </section>
  );
}

/** why it is degraded, most important first, each with what fixes it */
function HealthReasons({ health }: { health: ClusterHealth }) {
  return (
    <ul data-testid="health-reasons" aria-label="Why it is degraded" className="mt-2 space-y-1.5">
      {health.reasons.map((r) => (
        <li key={r.code} data-reason={r.code} className="flex gap-2">
          <Icon name="warn" className="mt-0.5 size-5 shrink-0" />
          <span>
            <span data-testid="reason-text" className="text-base font-bold sm:text-lg">
              {r.text}
            </span>
            <span data-testid="reason-fix" className="block text-sm">
              <span className="font-semibold">Fix:</span> {r.fix}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * A split with a quorate side: this view is that side (the headline follows quorum); say who holds
 * quorum and who is cut off and blocked.
 */
function SplitNote({ s }: { s: ClusterSnapshot }) {
  const q = s.quorum!;
  if (!s.partitioned) return null;
  const members = new Set(q.members);
  const here = s.nodes.filter((n) => members.has(n.id)).map((n) => n.name);
  const away = s.nodes.filter((n) => !members.has(n.id)).map((n) => n.name);
  return (
    <p data-testid="split-note" className="mt-1 text-sm font-semibold">
      Quorate side: {listNames(here)}
      {s.qdevice?.castsVote ? ' with the QDevice' : ''} hold {q.totalVotes} of {q.expectedVotes} votes
      {away.length > 0 && (
        <>
          ; {listNames(away)} {away.length === 1 ? 'is' : 'are'} cut off and blocked (no quorum on their side: /etc/pve is read-only there)
        </>
      )}
    </p>
  );
}

/**
 * expected votes recalculated by last_man_standing: say so (lowered by hand is a degraded reason of its own,
 * with its fix, in the reasons list)
 */
function ExpectedOverride({ s }: { s: ClusterSnapshot }) {
  const q = s.quorum!;
  const nodes = s.nodes.map((n) => ({ id: n.id, votes: n.votes }));
  const qdevice = s.qdevice ? { votes: s.qdevice.votes, algorithm: s.qdevice.algorithm, castsVote: s.qdevice.castsVote } : null;
  const view = { options: s.cluster.quorumOptions, nodes, qdevice, observed: q };
  // a QDevice's votes count only while it operates (flag Qdevice)
  const configured = configuredExpected(view);
  if (q.expectedVotes >= configured) return null;
  // not by hand: votequorum did it after the window; when it is what keeps quorum, quorateReason says so
  if (expectedVotesOrigin(view) !== 'last-man-standing' || quorateReason(s)?.mode === 'last-man-standing') return null;
  return (
    <p data-testid="expected-lms" className="mt-1 flex flex-wrap items-center gap-x-1.5 text-sm font-semibold">
      <Icon name="info" />
      Expected votes recalculated to {q.expectedVotes} by last_man_standing (configured: {configured})
    </p>
  );
}

interface Missing {
  key: string;
  name: string;
  votes: number;
  detail: string;
  since: number | null;
}

function missingList(s: ClusterSnapshot, nodes: ClusterNode[]): Missing[] {
  const out: Missing[] = nodes.map((n) => ({
    key: `node-${n.id}`,
    name: n.name,
    votes: n.votes,
    detail: n.state === 'online' ? 'online but not in this membership' : n.state,
    since: n.since,
  }));
  const qd = s.qdevice;
  if (qd && qd.votes > 0 && !qd.castsVote) {
    out.push({ key: 'qdevice', name: `QDevice${qd.host ? ` (${qd.host})` : ''}`, votes: qd.votes, detail: qd.state, since: null });
  }
  return out;
}

interface LostProps {
  s: ClusterSnapshot;
  events: readonly ClusterEvent[];
  live: boolean;
  staleNote: ReactNode;
  onSetExpectedVotes: (() => void) | undefined;
}

function LostHero({ s, events, live, staleNote, onSetExpectedVotes }: LostProps) {
  const now = useNow();
  const q = s.quorum!;
  const nodes = missingNodes(s);
  const missing = missingList(s, nodes);
  const missingVotes = missing.reduce((a, m) => a + m.votes, 0);
  const tol = failureTolerance(s);
  const short = Math.max(1, tol?.votesShort ?? q.quorum - q.totalVotes);
  const byId = new Map(s.nodes.map((n) => [n.id, n.name]));
  // the model's smallest sets of nodes whose return restores quorum; a greedy pick if it has none
  const options = tol?.recoveryOptions.length
    ? tol.recoveryOptions.map((ids) => ids.map((id) => byId.get(id) ?? `node ${id}`))
    : [nodesToRestore(nodes, short).map((n) => n.name)];
  const expectedArg = tol?.expectedVotesToRestore ?? Math.max(1, q.totalVotes);
  const lostAt = events.find((e) => e.body.type === 'quorum-lost')?.at ?? maxSince(nodes);
  const side = s.observer?.name ?? 'this side';
  const tone = live
    ? 'border-red-900 bg-red-700 text-white dark:border-red-400 dark:bg-red-900'
    : 'border-slate-700 bg-slate-600 text-white dark:bg-slate-800';
  const shown = options.slice(0, 4);
  const pick = shown.map((o, i) => (
    <span key={o.join()}>
      {i > 0 && <span className="font-normal"> or </span>}
      {listNames(o)}
    </span>
  ));
  return (
    <section
      data-testid="quorum-hero"
      data-quorate="false"
      data-hero-state="lost"
      aria-labelledby="hero-title"
      className={`animate-flash-in rounded-lg border-l-[12px] px-4 py-4 shadow-lg sm:px-6 ${tone}`}
    >
      <h2 id="hero-title" className="flex flex-wrap items-center gap-x-3 gap-y-1 text-3xl font-black tracking-tight sm:text-5xl">
        <Icon name="warn" className="size-9 sm:size-12" />
        <span data-testid="quorum-state">NOT QUORATE</span>
        <span aria-hidden="true" className="hidden sm:inline">
          —
        </span>
        <span data-testid="votes-summary" className="tabular-nums">
          {q.totalVotes} of {q.expectedVotes} votes, {q.quorum} needed
        </span>
      </h2>
      <p className="mt-1 text-base sm:text-lg">
        {lostAt !== null ? (
          <>
            Quorum lost{' '}
            <time dateTime={new Date(lostAt).toISOString()} className="font-semibold">
              {formatAgo(lostAt, now)}
            </time>{' '}
            ({formatDateTime(lostAt)}) ·{' '}
          </>
        ) : null}
        {plural(short, 'more vote')} needed · seen from {side}
      </p>
      {staleNote}

      <div className="mt-4 grid gap-4 lg:grid-cols-3">
        <div className="rounded-md bg-black/20 p-3">
          <h3 className="text-lg font-bold">
            Missing: {plural(missing.length, 'node')}, {plural(missingVotes, 'vote')}
          </h3>
          <ul className="mt-1 space-y-1" data-testid="missing-nodes">
            {missing.map((m) => (
              <li key={m.key} data-testid={`missing-${m.name}`} className="flex flex-wrap items-baseline gap-x-2">
                <Icon name="bad" className="size-4 self-center" />
                <span className="text-lg font-bold">{m.name}</span>
                <span>
                  {plural(m.votes, 'vote')} · {m.detail}
                  {m.since !== null && (
                    <>
                      {' '}
                      for {formatAgo(m.since, now).replace(' ago', '')}{' '}
                      <span className="opacity-85">(since {formatDateTime(m.since)})</span>
                    </>
                  )}
                </span>
              </li>
            ))}
            {missing.length === 0 && <li>No node is missing from the membership; the expected votes may be too high.</li>}
          </ul>
        </div>
        <div className="rounded-md bg-black/20 p-3">
          <h3 className="text-lg font-bold">What this means</h3>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            <li>
              <code>/etc/pve</code> is <strong>read-only</strong> on {side}: no configuration changes.
            </li>
            <li>No guest starts, no migrations, no backups that lock guests.</li>
            <li>HA cannot recover guests; running guests keep running.</li>
          </ul>
        </div>
        <div className="rounded-md bg-black/20 p-3">
          <h3 className="text-lg font-bold">How to get quorum back</h3>
          <ol className="mt-1 list-decimal space-y-1.5 pl-5">
            <li>
              <strong data-testid="recovery-options">Bring back {pick}</strong>
              {options.length > shown.length ? ' (or another combination)' : ''} — {plural(short, 'vote')} short. Check power,
              network and <code>corosync-cfgtool -s</code> on them.
              {tol?.waitingForAll && (
                <> wait_for_all is set: every node must be seen together once before this side becomes quorate.</>
              )}
            </li>
            <li>
              Last resort, on {side}: <code>pvecm expected {expectedArg}</code>.{' '}
              <strong>Split-brain risk:</strong> only if the missing nodes are certainly off and stay off — if they run on
              their own, both sides could write <code>/etc/pve</code>.
              {onSetExpectedVotes ? (
                <div className="mt-2">
                  <button
                    type="button"
                    onClick={onSetExpectedVotes}
                    className="inline-flex items-center gap-1 rounded border-2 border-white bg-white/10 px-3 py-1 text-sm font-bold hover:bg-white/25"
                    data-testid="hero-expected-votes"
                  >
                    Set expected votes… (last resort)
                  </button>
                </div>
              ) : null}
            </li>
          </ol>
        </div>
      </div>
      <div className="mt-3 flex flex-wrap justify-between gap-x-6 gap-y-1">
        <Flags s={s} />
        <Meta s={s} />
      </div>
    </section>
  );
}

function maxSince(nodes: ClusterNode[]): number | null {
  const xs = nodes.map((n) => n.since).filter((x): x is number => x !== null);
  return xs.length ? Math.max(...xs) : null;
}

function UnknownHero({ s, staleNote, neverKnown }: { s: ClusterSnapshot; staleNote: ReactNode; neverKnown: boolean }) {
  const reasons = s.views.filter((v) => !v.reachable);
  return (
    <section
      data-testid="quorum-hero"
      data-quorate="unknown"
      data-hero-state="unknown"
      aria-labelledby="hero-title"
      className="rounded-lg border-l-8 border-slate-500 bg-slate-200 px-4 py-4 text-slate-900 dark:bg-slate-800 dark:text-slate-100 sm:px-6"
    >
      <h2 id="hero-title" className="flex items-center gap-x-3 text-3xl font-black sm:text-4xl">
        <Icon name="unknown" className="size-9 shrink-0" />
        <span>
          QUORUM <span data-testid="quorum-state">UNKNOWN</span>
        </span>
      </h2>
      <p data-testid="votes-summary" className="mt-1 text-lg">
        {neverKnown
          ? `No node of ${s.nodes.length} could be asked yet, so nothing is known about quorum. Retrying.`
          : 'No node could be asked, so nothing here is live.'}
      </p>
      {reasons.length > 0 && (
        <ul className="mt-2 space-y-0.5" data-testid="unknown-reasons">
          {reasons.map((v) => (
            <li key={v.nodeId} data-testid={`unreachable-${v.name}`} className="relative pl-6 [overflow-wrap:anywhere]">
              <Icon name="bad" className="absolute left-0 top-1 size-4" />
              <span className="font-bold">{v.name}:</span> {v.reason ?? 'unreachable'}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-2 text-sm">
        Check that the nodes are up and reachable from this server, and the connection settings (address, user, key, host key
        fingerprint). Operations stay off until quorum is known.
      </p>
      {staleNote}
      {s.cluster.configVersion !== null && (
        <div className="mt-2">
          <Meta s={s} />
        </div>
      )}
    </section>
  );
}
