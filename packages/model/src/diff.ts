// Diff of two consecutive snapshots of one cluster into typed events: state changes only, never usage
// or latency drift. Every comparison goes through maps, so a diff is O(nodes + links + storage).
//
// 'unknown' is staleness, not membership: a node going to or from 'unknown', a quorum or config version
// going to or from null, and items appearing in or vanishing from a list raise no event. So that a change
// hidden by a blind spell is still reported when the view returns, diff against a baseline kept with
// carryForwardKnown() rather than against the raw previous snapshot.
import { describeEvent } from './describe';
import type { EventBody, EventDraft, Severity } from './events';
import { linkKeyNumber } from './patching';
import type { ClusterNode, ClusterSnapshot, LinkObservation, NodeState } from './snapshot';

/** How bad an event is: quorum loss is critical; losses are warnings; recoveries and config facts are info. */
export function eventSeverity(body: EventBody): Severity {
  switch (body.type) {
    case 'quorum-lost':
      return 'critical';
    case 'node-left':
    case 'link-down':
    case 'link-degraded':
    case 'node-unreachable-warning':
      return 'warning';
    case 'storage-state-changed':
      return body.active ? 'info' : 'warning';
    case 'partition-changed':
      return body.partitioned ? 'warning' : 'info';
    case 'ha-fencing':
      return 'critical';
    case 'ha-error':
      return 'warning';
    case 'ceph-health-changed':
      return cephRank(body.to) > cephRank(body.from) ? 'warning' : 'info';
    default:
      return 'info';
  }
}

const known = (s: NodeState): boolean => s !== 'unknown';

/** Ceph's health levels, worst last; a level this code does not know ranks between WARN and ERR */
function cephRank(health: string): number {
  return health === 'HEALTH_OK' ? 0 : health === 'HEALTH_WARN' ? 1 : health === 'HEALTH_ERR' ? 3 : 2;
}

/**
 * HA service states that need a human (pve-ha-manager): only 'error' — the CRM gave up after max_restart and
 * max_relocate and does nothing until the resource is disabled and re-enabled. 'fence' and 'recovery' are
 * the manager handling a failed node (reported as ha-fencing), 'freeze' is a node shutting down or in
 * maintenance, the rest are transitions.
 */
const HA_ERROR_STATES: ReadonlySet<string> = new Set(['error']);

// Events of one diff are grouped by kind in roughly causal order (a config change, then the early
// warning, the links, the membership change it leads to, and the quorum consequence); within a kind
// they are sorted by node id / key, so a diff is deterministic whatever the array order.
const ORDER: readonly EventBody['type'][] = [
  'config-version-changed',
  'observer-changed',
  'node-unreachable-warning',
  'link-down',
  'link-up',
  'node-left',
  'node-joined',
  'node-unreachable-cleared',
  'expected-votes-changed',
  'quorum-lost',
  'quorum-regained',
  'partition-changed',
  'storage-state-changed',
  'ha-fencing',
  'ha-error',
  'ha-error-cleared',
  'ceph-health-changed',
];
const rank = new Map(ORDER.map((t, i) => [t, i]));

export function diffSnapshots(prev: ClusterSnapshot | null, next: ClusterSnapshot): EventDraft[] {
  // first observation (or a different cluster): nothing to compare with
  if (!prev || prev.clusterId !== next.clusterId) return [];
  const bodies: EventBody[] = [];

  const pc = prev.cluster.configVersion;
  const nc = next.cluster.configVersion;
  if (pc !== null && nc !== null && pc !== nc) bodies.push({ type: 'config-version-changed', from: pc, to: nc });

  const observerMoved = prev.observer?.nodeId !== next.observer?.nodeId || prev.observer?.name !== next.observer?.name;
  if (observerMoved) {
    bodies.push({
      type: 'observer-changed',
      from: prev.observer ? { nodeId: prev.observer.nodeId, name: prev.observer.name } : null,
      to: next.observer ? { nodeId: next.observer.nodeId, name: next.observer.name } : null,
    });
  }

  // Another node's view is not by itself a change of membership: two sides of a split, or a view that
  // has not settled, differ without anyone joining or leaving. Only when one view contains the other
  // (the new one caught up with the old, or the other way) are the differences joins and leaves.
  if (!observerMoved || prev.observer === null || next.observer === null || nested(prev.quorum?.members, next.quorum?.members))
    diffNodes(prev.nodes, next.nodes, bodies);
  diffWarnings(prev, next, bodies);
  diffLinks(prev, next, bodies);
  diffQuorum(prev, next, bodies);
  if (prev.partitioned !== next.partitioned) bodies.push({ type: 'partition-changed', partitioned: next.partitioned });
  diffStorage(prev, next, bodies);
  diffHa(prev, next, bodies);
  diffCeph(prev, next, bodies);

  // stable sort: the per-kind order set by the helpers is kept
  bodies.sort((a, b) => (rank.get(a.type) ?? 0) - (rank.get(b.type) ?? 0));
  return withoutConsequences(bodies, observerMoved).map((body) => ({ at: next.observedAt, severity: eventSeverity(body), message: describeEvent(body), body }));
}

/** A node that left or joined explains its storage going (in)active and its unreachable warning ending:
 * one timeline line for the cause instead of one per storage and warning. A new observer explains every
 * warning ending: warnings are the observer's forecast from its own links, and the old one's (say, that
 * the majority it was cut off from would be dropped) ends because the headline moved, not because a link
 * came back. */
function withoutConsequences(bodies: EventBody[], observerMoved: boolean): EventBody[] {
  const moved = new Set<string>();
  for (const b of bodies) if (b.type === 'node-left' || b.type === 'node-joined') moved.add(b.name);
  if (moved.size === 0 && !observerMoved) return bodies;
  return bodies.filter(
    (b) => !((b.type === 'storage-state-changed' && moved.has(b.node)) || (b.type === 'node-unreachable-cleared' && (observerMoved || moved.has(b.name)))),
  );
}

function diffNodes(prevNodes: ClusterNode[], nextNodes: ClusterNode[], out: EventBody[]): void {
  const before = new Map(prevNodes.map((n) => [n.id, n]));
  const after = new Map(nextNodes.map((n) => [n.id, n]));
  const found: EventBody[] = [];
  for (const n of nextNodes) {
    const p = before.get(n.id);
    const ref = { nodeId: n.id, name: n.name, votes: n.votes };
    if (!p) {
      // a node added to the configuration that is already up has joined; an offline one has not (yet)
      if (n.state === 'online') found.push({ type: 'node-joined', ...ref });
    } else if (known(p.state) && known(n.state) && p.state !== n.state) {
      found.push({ type: n.state === 'offline' ? 'node-left' : 'node-joined', ...ref });
    }
  }
  // removed from the configuration while it was up (e.g. delnode of a running node): it left
  for (const p of prevNodes) {
    if (!after.has(p.id) && p.state === 'online') found.push({ type: 'node-left', nodeId: p.id, name: p.name, votes: p.votes });
  }
  found.sort((a, b) => nodeIdOf(a) - nodeIdOf(b));
  out.push(...found);
}

function nested(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (!a || !b) return true;
  const [small, big] = a.length <= b.length ? [a, new Set(b)] : [b, new Set(a)];
  return small.every((id) => big.has(id));
}

function nodeIdOf(b: EventBody): number {
  return 'nodeId' in b ? b.nodeId : 0;
}

function diffWarnings(prev: ClusterSnapshot, next: ClusterSnapshot, out: EventBody[]): void {
  if (prev.warnings.length === 0 && next.warnings.length === 0) return;
  const before = new Map(prev.warnings.map((w) => [w.nodeId, w]));
  const after = new Map(next.warnings.map((w) => [w.nodeId, w]));
  const found: EventBody[] = [];
  for (const w of next.warnings) {
    if (!before.has(w.nodeId)) {
      found.push({
        type: 'node-unreachable-warning',
        nodeId: w.nodeId,
        name: w.name,
        expectedDropInMs: w.expectedDropInMs,
        quorateAfterDrop: w.quorateAfterDrop,
      });
    }
  }
  for (const w of prev.warnings) {
    const now = after.get(w.nodeId);
    if (!now) found.push({ type: 'node-unreachable-cleared', nodeId: w.nodeId, name: w.name });
    // the history must not keep a forecast that no longer holds: say it changed
    else if (now.quorateAfterDrop !== w.quorateAfterDrop)
      found.push({ type: 'node-unreachable-warning', nodeId: now.nodeId, name: now.name, expectedDropInMs: now.expectedDropInMs, quorateAfterDrop: now.quorateAfterDrop, revised: true });
  }
  found.sort((a, b) => nodeIdOf(a) - nodeIdOf(b));
  out.push(...found);
}

function diffLinks(prev: ClusterSnapshot, next: ClusterSnapshot, out: EventBody[]): void {
  // sources list links in the same order tick after tick: compare the aligned prefix pairwise, map the rest
  const a = prev.links;
  const b = next.links;
  let flipped: LinkObservation[] | null = null;
  const aligned = Math.min(a.length, b.length);
  let i = 0;
  for (; i < aligned; i++) {
    const p = a[i] as LinkObservation;
    const l = b[i] as LinkObservation;
    if (p.from !== l.from || p.to !== l.to || p.link !== l.link) break;
    if (p.connected !== l.connected) (flipped ??= []).push(l);
  }
  if (i < a.length && i < b.length) {
    const before = new Map<number, boolean>();
    for (let j = i; j < a.length; j++) before.set(linkKeyNumber(a[j] as LinkObservation), (a[j] as LinkObservation).connected);
    for (let j = i; j < b.length; j++) {
      const l = b[j] as LinkObservation;
      const was = before.get(linkKeyNumber(l));
      if (was !== undefined && was !== l.connected) (flipped ??= []).push(l);
    }
  }
  if (!flipped) return;
  const names = new Map<number, string>();
  for (const n of prev.nodes) names.set(n.id, n.name);
  for (const n of next.nodes) names.set(n.id, n.name);
  const nameOf = (id: number): string => names.get(id) ?? `node ${id}`;
  flipped.sort((x, y) => linkKeyNumber(x) - linkKeyNumber(y));
  for (const l of flipped) {
    out.push({
      type: l.connected ? 'link-up' : 'link-down',
      from: l.from,
      to: l.to,
      link: l.link,
      fromName: nameOf(l.from),
      toName: nameOf(l.to),
    });
  }
}

function diffQuorum(prev: ClusterSnapshot, next: ClusterSnapshot, out: EventBody[]): void {
  const p = prev.quorum;
  const q = next.quorum;
  if (!p || !q) return; // no node could be asked on one side: staleness, not a change
  if (p.expectedVotes !== q.expectedVotes) out.push({ type: 'expected-votes-changed', from: p.expectedVotes, to: q.expectedVotes });
  if (p.quorate === q.quorate) return;
  const votes = { totalVotes: q.totalVotes, quorum: q.quorum, expectedVotes: q.expectedVotes };
  if (q.quorate) {
    out.push({ type: 'quorum-regained', ...votes });
    return;
  }
  const members = new Set(q.members);
  const missing = next.nodes
    .filter((n) => !members.has(n.id))
    .sort((a, b) => a.id - b.id)
    .map((n) => ({ nodeId: n.id, name: n.name }));
  out.push({ type: 'quorum-lost', ...votes, missing });
}

function diffStorage(prev: ClusterSnapshot, next: ClusterSnapshot, out: EventBody[]): void {
  if (!prev.storage || !next.storage) return; // storage (un)available from the source: no state change
  const before = new Map<string, { enabled: boolean; active: boolean; unknown?: boolean | undefined }>();
  for (const s of prev.storage) for (const n of s.nodes) before.set(`${s.id}\u0000${n.node}`, n);
  const found: Extract<EventBody, { type: 'storage-state-changed' }>[] = [];
  for (const s of next.storage) {
    for (const n of s.nodes) {
      const p = before.get(`${s.id}\u0000${n.node}`);
      // not known on one side (an offline node's storage): no state change to report, the node's own event says it
      if (p?.unknown || n.unknown) continue;
      if (p && (p.active !== n.active || p.enabled !== n.enabled)) {
        found.push({ type: 'storage-state-changed', storage: s.id, node: n.node, active: n.active, enabled: n.enabled });
      }
    }
  }
  found.sort((a, b) => (a.storage === b.storage ? cmp(a.node, b.node) : cmp(a.storage, b.storage)));
  out.push(...found);
}

/** HA: errors entered and left, nodes the manager starts fencing. HA (un)readable on one side: no change. */
function diffHa(prev: ClusterSnapshot, next: ClusterSnapshot, out: EventBody[]): void {
  const p = prev.ha;
  const n = next.ha;
  if (!p || !n) return;
  const before = new Map(p.services.map((s) => [s.sid, s]));
  const found: EventBody[] = [];
  for (const s of n.services) {
    const was = before.get(s.sid);
    if (!was) continue; // a resource added to HA: not a change of its state
    const isErr = HA_ERROR_STATES.has(s.state);
    const wasErr = HA_ERROR_STATES.has(was.state);
    if (isErr && !wasErr) found.push({ type: 'ha-error', sid: s.sid, node: s.node, state: s.state });
    else if (!isErr && wasErr) found.push({ type: 'ha-error-cleared', sid: s.sid, node: s.node, state: s.state });
  }
  const fencedBefore = new Set(p.fencing);
  for (const node of [...n.fencing].sort(cmp)) if (!fencedBefore.has(node)) found.push({ type: 'ha-fencing', node });
  found.sort((a, b) => cmp('sid' in a ? a.sid : '', 'sid' in b ? b.sid : ''));
  out.push(...found);
}

/** Ceph's overall health; Ceph absent or unreadable on one side: no change */
function diffCeph(prev: ClusterSnapshot, next: ClusterSnapshot, out: EventBody[]): void {
  const p = prev.ceph;
  const n = next.ceph;
  if (p && n && p.health !== n.health) out.push({ type: 'ceph-health-changed', from: p.health, to: n.health });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The baseline to diff the next snapshot against: `next`, with what it does not know (nodes in state
 * 'unknown', a null quorum, a null config version, a null HA or Ceph reading) filled in from the previous baseline. The caller keeps
 *   events = diffSnapshots(baseline, next); baseline = carryForwardKnown(baseline, next);
 * so that a node that went down while nobody could be asked still yields node-left when the view returns.
 */
export function carryForwardKnown(baseline: ClusterSnapshot | null, next: ClusterSnapshot): ClusterSnapshot {
  if (!baseline || baseline.clusterId !== next.clusterId) return next;
  const hasUnknown = next.nodes.some((n) => n.state === 'unknown');
  const keepQuorum = next.quorum === null && baseline.quorum !== null;
  const keepVersion = next.cluster.configVersion === null && baseline.cluster.configVersion !== null;
  // HA or Ceph unreadable for a while (pve): diff the next reading against the last one known
  const keepHa = (next.ha === null || next.ha === undefined) && baseline.ha != null;
  const keepCeph = (next.ceph === null || next.ceph === undefined) && baseline.ceph != null;
  if (!hasUnknown && !keepQuorum && !keepVersion && !keepHa && !keepCeph) return next;
  const before = new Map(baseline.nodes.map((n) => [n.id, n]));
  return {
    ...next,
    nodes: hasUnknown
      ? next.nodes.map((n) => {
          const p = n.state === 'unknown' ? before.get(n.id) : undefined;
          return p && p.state !== 'unknown' ? { ...n, state: p.state } : n;
        })
      : next.nodes,
    quorum: keepQuorum ? baseline.quorum : next.quorum,
    cluster: keepVersion ? { ...next.cluster, configVersion: baseline.cluster.configVersion } : next.cluster,
    ...(keepHa ? { ha: baseline.ha } : {}),
    ...(keepCeph ? { ceph: baseline.ceph } : {}),
  };
}
