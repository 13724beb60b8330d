// Troubleshooting from the live state the page already has (the snapshot, the incidents, the failed tasks):
// quorum lost (what is missing, in votes and nodes), an operation that failed recently (where its checks
// and log are), and unstable links (down while both ends run, loss, latency, jitter, an open link-degraded,
// a link that keeps going down and up) with what to look at. Pure: the panel renders what these return.
import type { ClusterSnapshot, Incident, Task } from '@quorate/model';
import type { LinkThresholds } from '../../api/links';
import { liveNodeIds, missingNodes, nodeName } from '../../lib/cluster';
import { formatMs } from '../../lib/format';
import { linkLevel, pairLinkId } from '../../lib/link-health';

/** the model's advisor JITTER_WARN_MS (a link's max above its average by more than this is jitter); troubleshoot.test.ts keeps the two equal */
export const JITTER_WARN_MS = 5;
/** a failed task this recent is worth a line */
export const RECENT_TASK_MS = 24 * 3600_000;
/** a closed link incident this recent still counts (a link that flapped a minute ago will again) */
export const RECENT_LINK_INCIDENT_MS = 15 * 60_000;

export interface QuorumLoss {
  present: number;
  expected: number;
  needed: number;
  /** votes short of quorum */
  short: number;
  /** the configured nodes outside the observer's membership */
  missing: string[];
}

/** quorum is lost as the observer sees it; null when it is not (or not known, or a standalone node) */
export function quorumLoss(s: ClusterSnapshot): QuorumLoss | null {
  const q = s.quorum;
  if (!q || q.quorate || s.cluster.standalone) return null;
  return { present: q.totalVotes, expected: q.expectedVotes, needed: q.quorum, short: Math.max(0, q.quorum - q.totalVotes), missing: missingNodes(s).map((n) => n.name) };
}

/** quorate, but configured nodes are outside the membership: the margin they took */
export interface NodesDown {
  missing: string[];
  present: number;
  expected: number;
  needed: number;
  /** votes that can still go before quorum does */
  spare: number;
}

export function nodesDown(s: ClusterSnapshot): NodesDown | null {
  const q = s.quorum;
  if (!q || !q.quorate) return null;
  const missing = missingNodes(s).map((n) => n.name);
  if (missing.length === 0) return null;
  return { missing, present: q.totalVotes, expected: q.expectedVotes, needed: q.quorum, spare: Math.max(0, q.totalVotes - q.quorum) };
}

export type LinkProblemKind = 'down' | 'loss' | 'latency' | 'jitter' | 'degraded';

export interface LinkTrouble {
  /** pairLinkId: the pair in either order, and the link */
  id: string;
  a: number;
  b: number;
  link: number;
  /** "pve1–pve3 link 0" */
  label: string;
  problems: { kind: LinkProblemKind; text: string }[];
}

/** what to look at, per kind of problem */
export const LOOK_AT: Record<LinkProblemKind | 'flapping', string> = {
  down: 'the link is down while both nodes run: check that link’s NIC, cable and switch port on both nodes (corosync-cfgtool -n shows knet’s view)',
  loss: 'packets are lost: look at the switch port and NIC error counters (ip -s link) and at what else loads that network',
  latency: 'latency above the cluster’s marks: keep storage, backup and migration traffic off Corosync’s network; check switch load',
  jitter: 'latency jumps (jitter): a busy or shared network, or power saving on the NIC or CPU; give Corosync a quiet network',
  degraded: 'a link-degraded is open: it has been above the cluster’s marks for the sustain time; its trend chart on the overview shows since when',
  flapping: 'a link that goes down and up again: cabling, a flaky NIC or switch port, or a bond failing over',
};

/**
 * The links between two running nodes that are not well, one entry per pair and link (both directions'
 * reports together), worst figures first: down, loss above the limit, latency above the marks, jitter,
 * an open link-degraded (`degraded`: lib/link-health.ts openDegradedLinks).
 */
export function unstableLinks(s: ClusterSnapshot, t: LinkThresholds, degraded: ReadonlySet<string> = new Set()): LinkTrouble[] {
  const live = liveNodeIds(s);
  const byPair = new Map<string, LinkTrouble & { down: boolean; loss: number | null; avg: number | null; jitter: { max: number; avg: number } | null }>();
  for (const o of s.links) {
    if (!o.enabled || o.from === o.to || !live.has(o.from) || !live.has(o.to)) continue;
    const id = pairLinkId(o.from, o.to, o.link);
    let e = byPair.get(id);
    if (!e) {
      const [a, b] = o.from < o.to ? [o.from, o.to] : [o.to, o.from];
      e = { id, a, b, link: o.link, label: `${nodeName(s, a)}–${nodeName(s, b)} link ${o.link}`, problems: [], down: false, loss: null, avg: null, jitter: null };
      byPair.set(id, e);
    }
    if (!o.connected) e.down = true;
    if (o.lossPct !== null) e.loss = Math.max(e.loss ?? 0, o.lossPct);
    if (o.connected && o.latencyAvgMs !== null) {
      e.avg = Math.max(e.avg ?? 0, o.latencyAvgMs);
      const spread = o.latencyMaxMs === null ? 0 : o.latencyMaxMs - o.latencyAvgMs;
      if (spread > JITTER_WARN_MS && (e.jitter === null || spread > e.jitter.max - e.jitter.avg)) e.jitter = { max: o.latencyMaxMs!, avg: o.latencyAvgMs };
    }
  }
  const out: LinkTrouble[] = [];
  for (const e of byPair.values()) {
    const problems: LinkTrouble['problems'] = [];
    if (e.down) problems.push({ kind: 'down', text: 'down while both nodes run' });
    if (e.loss !== null && e.loss > t.lossPct) problems.push({ kind: 'loss', text: `loss ${Math.round(e.loss * 10) / 10} % (the limit is ${t.lossPct} %)` });
    if (!e.down && e.avg !== null) {
      const level = linkLevel(e.avg, null, t);
      if (level === 'bad') problems.push({ kind: 'latency', text: `latency ${formatMs(e.avg)} average (bad above ${formatMs(t.badLatencyMs)})` });
      else if (level === 'slow') problems.push({ kind: 'latency', text: `latency ${formatMs(e.avg)} average (slow above ${formatMs(t.warnLatencyMs)})` });
    }
    if (!e.down && e.jitter) problems.push({ kind: 'jitter', text: `jitter: up to ${formatMs(e.jitter.max)} against ${formatMs(e.jitter.avg)} on average` });
    if (degraded.has(e.id)) problems.push({ kind: 'degraded', text: 'link-degraded open' });
    if (problems.length) out.push({ id: e.id, a: e.a, b: e.b, link: e.link, label: e.label, problems });
  }
  const rank = (x: LinkTrouble) => Math.min(...x.problems.map((p) => ['down', 'loss', 'degraded', 'latency', 'jitter'].indexOf(p.kind)));
  return out.sort((x, y) => rank(x) - rank(y) || x.a - y.a || x.b - y.b || x.link - y.link);
}

/** link incidents worth a look: open ones, and recently closed ones that opened again (a flapping link: "(6 times)") */
export function linkIncidents(incidents: readonly Incident[], now: number): (Incident & { flapping: boolean })[] {
  return incidents
    .filter((i) => i.cause === 'link-down' || i.cause === 'link-degraded')
    .map((i) => ({ ...i, flapping: /\(\d+ times\)$/.test(i.title) }))
    .filter((i) => i.endedAt === null || (i.flapping && now - i.endedAt < RECENT_LINK_INCIDENT_MS));
}

export interface TaskLink {
  to: '/join' | '/remove' | '/create';
  search: Record<string, string>;
  label: string;
}

/** where a failed operation's checks and log are (the wizard's pages), or null for operations without one */
export function taskLinks(t: Pick<Task, 'id' | 'operation' | 'params'>): TaskLink[] {
  const node = typeof t.params.node === 'string' ? t.params.node : null;
  switch (t.operation) {
    case 'join':
      return node
        ? [
            { to: '/join', search: { step: 'preflight', node }, label: `the join’s checks for ${node}` },
            { to: '/join', search: { step: 'run', node, task: t.id }, label: 'its log' },
          ]
        : [];
    case 'delnode':
      return node ? [{ to: '/remove', search: { node, task: t.id }, label: `removing ${node}: its log` }] : [];
    case 'create':
      return [{ to: '/create', search: { step: 'run', task: t.id }, label: 'its log' }];
    default:
      return [];
  }
}

/** the failed tasks that ended within RECENT_TASK_MS, newest first */
export function recentFailures<T extends Pick<Task, 'status' | 'endedAt' | 'startedAt'>>(tasks: readonly T[], now: number): T[] {
  return tasks.filter((t) => t.status === 'failed' && now - (t.endedAt ?? t.startedAt) < RECENT_TASK_MS).sort((a, b) => (b.endedAt ?? b.startedAt) - (a.endedAt ?? a.startedAt));
}
