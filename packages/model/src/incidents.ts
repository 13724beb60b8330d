// Incidents: one entry per cause instead of one per event. A node crash in a 16-node cluster is 31
// events in a second (the early warning, 30 link-downs) and the node-left 20 s later; as an incident it
// is one line, "pve7 unreachable from all 15 peers on both links", open until pve7 is back. The history
// keeps every event; the feed shows incidents and the events that belong to none; alerting notifies per
// incident. Pure: IncidentTracker is a state machine over numbered events (add) and the clock (tick).
//
// Rules (each event belongs to at most one incident; `at` is the event's time, W the window, 10 s):
// - Node incident (subject: the node). Opened by node-unreachable-warning or node-left of a node with no
//   open one, or by a "hub" of link-downs (below). Every link-down/-up that involves the node, a revised
//   warning, the cleared warning, node-joined, its storage going (in)active and an observer change away
//   from it while it is unreachable belong to it. Cause, the worst it reached: link-down (only links),
//   node-unreachable (warned), node-left. Closed by node-joined; or, while it has not left, once its
//   warning is cleared and every link-down in it is up again (a flap). A link-down between two nodes that
//   both have one goes to the node that is unreachable (or left), else to the older incident.
// - Link-downs that no node incident explains wait in a pending list for up to W:
//   · a warning or node-left for one of their ends within W takes them (the usual order is warning →
//     link-downs → node-left, but a source may report links first), and so does an observer change away
//     from that node (the observer moves before the warning when the observer itself fails);
//   · a node X whose pending link-downs reach at least half of its peers (at least 2; 2 when the cluster's
//     nodes are not known), and more distinct peers than any of those peers has, is the one they share:
//     a node incident for X (cause link-down: e.g. link 0 of pve7 down to all 15 peers) takes them;
//   · otherwise, after W, the pending link-downs become one 'link-down' incident per connected group of
//     nodes (usually a pair: "link 0 between pve1 and pve3 down"); later link-downs between two of its
//     nodes join it; it closes when all its links are up. A link-up of a pending link-down settles the
//     pending list at once (a blip becomes an incident with its duration, not two loose lines).
//   · a link-only incident (cause link-down, or link-degraded) closed less than W ago opens again when the
//     same node or pair loses a link again: a flapping link is one incident ("… (6 times)"), not six.
// - link-degraded/-recovered: the same pending/hub/group rules with their own incidents ('link-degraded'),
//   except that they belong to a node incident whose node is unreachable or has left.
// - quorum-lost opens 'quorum-lost' (one at a time; a further quorum-lost and expected-votes-changed join
//   it), quorum-regained closes it. It is related (`related`, both ways) to the node incidents of the
//   missing nodes and to an open partition; the node incidents stay entries of their own.
// - partition-changed partitioned/healed opens/closes 'partition' (related to quorum and unreachable nodes).
// - storage-state-changed: enabled but inactive on a node opens (or joins) 'storage-inactive' for that
//   storage, unless the node has an unreachable/left incident (then it belongs to that); active or
//   disabled on every such node again closes it.
// - config-version-changed, and joins, observer changes and recoveries that close nothing, belong to none.
// - 'qdevice-lost' is reserved: no event reports the QDevice yet.
// Bounds: at most maxOpen open incidents (beyond, events stay loose and `dropped` counts them), the newest
// maxClosed closed ones kept, MAX_INCIDENT_SEQS seqs per incident (eventCount counts all), maxPending
// pending events (beyond, the oldest are settled early). An event with a seq at or below the last one
// added is ignored, so replaying stored events and then following the live ones cannot count one twice.
import { z } from 'zod';
import { nameList, plural } from './describe';
import { Severity, type ClusterEvent, type EventBody } from './events';
import { ClusterIdParam } from './operations';

export const IncidentCause = z.enum([
  'node-unreachable',
  'node-left',
  'quorum-lost',
  'partition',
  'link-down',
  'link-degraded',
  'storage-inactive',
  'qdevice-lost',
]);
export type IncidentCause = z.infer<typeof IncidentCause>;

/** an incident lists at most this many event seqs (the first ones); eventCount says how many it has */
export const MAX_INCIDENT_SEQS = 500;

export const Incident = z.object({
  /** `${clusterId}:${seq of its first event}`: the same after a restart that replays the events */
  id: z.string(),
  clusterId: z.string(),
  cause: IncidentCause,
  /** a node name, a storage id, "pve1–pve3 link0", or "cluster" */
  subject: z.string(),
  /** one line; the page adds the duration from startedAt/endedAt */
  title: z.string(),
  startedAt: z.number(),
  /** null while open */
  endedAt: z.number().nullable(),
  /** the worst of its events */
  severity: Severity,
  /** its events, oldest first (the first MAX_INCIDENT_SEQS) */
  eventSeqs: z.array(z.number().int().min(1)).max(MAX_INCIDENT_SEQS),
  eventCount: z.number().int().min(0),
  /** the nodes it is about (for a node incident, the node; for quorum-lost, the missing nodes) */
  affected: z.array(z.string()),
  /** ids of incidents of the same episode (quorum lost ↔ the nodes that went, a partition) */
  related: z.array(z.string()),
});
export type Incident = z.infer<typeof Incident>;

/** socket `incident` (to the cluster's room): one per incident touched by a batch of events.
 * 'closed' may be the first a client hears of one (opened and closed in the same batch). */
export const IncidentChange = z.object({ change: z.enum(['opened', 'updated', 'closed']), incident: Incident });
export type IncidentChange = z.infer<typeof IncidentChange>;

/** GET /api/v1/incidents?cluster=&open=true|false&limit= (newest first) */
export const IncidentQuery = z
  .object({
    cluster: ClusterIdParam.optional(),
    open: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type IncidentQuery = z.infer<typeof IncidentQuery>;
export const IncidentList = z.object({ incidents: z.array(Incident) });
export type IncidentList = z.infer<typeof IncidentList>;

/** what the cluster has configured: makes "all 15 peers" and "both links" possible, and the hub threshold */
export interface IncidentTopology {
  nodes: readonly string[];
  links: readonly number[];
}

export interface IncidentTrackerOptions {
  /** how long unexplained link events wait for their cause (ms, default 10 s) */
  windowMs?: number;
  maxOpen?: number;
  maxClosed?: number;
  maxPending?: number;
  topology?: IncidentTopology | null;
}

type Tag = 'node' | 'degraded-hub' | 'links' | 'degraded-links' | 'quorum' | 'partition' | 'storage';
type LinkKind = 'down' | 'degraded';

interface Open {
  id: string;
  tag: Tag;
  /** node name, storage id, or 'cluster' */
  name: string;
  startedAt: number;
  endedAt: number | null;
  severity: Severity;
  seqs: number[];
  count: number;
  affected: Set<string>;
  related: Set<string>;
  // node incidents
  warned: boolean;
  warningOpen: boolean;
  left: boolean;
  quorumAtRisk: boolean;
  // link incidents (node incidents too): the keys down (or degraded) now, and the extent ever
  down: Set<string>;
  peers: Set<string>;
  links: Set<number>;
  reasons: Set<string>;
  // storage: nodes where it is inactive now
  inactive: Set<string>;
  // quorum: the newest quorum-lost line
  message: string;
  /** how many times a link-only incident opened again (a flapping link) */
  reopened: number;
}

interface Pending {
  event: ClusterEvent;
  kind: LinkKind | 'observer';
  a: string;
  /** '' for an observer change */
  b: string;
  key: string;
  link: number;
}

type Body<T extends EventBody['type']> = Extract<EventBody, { type: T }>;

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const MAX_RELATED = 32;
const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export class IncidentTracker {
  readonly clusterId: string;
  /** events not grouped because maxOpen incidents were open */
  dropped = 0;
  private readonly windowMs: number;
  private readonly maxOpen: number;
  private readonly maxClosed: number;
  private readonly maxPending: number;
  private topology: IncidentTopology | null;
  private lastSeq = 0;
  private now = -Infinity;

  private readonly open = new Map<string, Open>();
  private readonly nodes = new Map<string, Open>();
  private readonly degradedHubs = new Map<string, Open>();
  private readonly groups: Open[] = [];
  private readonly storage = new Map<string, Open>();
  private quorum: Open | null = null;
  private partition: Open | null = null;
  private closed: Open[] = [];

  private pending: Pending[] = [];
  /** kind → node → peer → pending link events between them */
  private readonly pendingPeers = new Map<LinkKind, Map<string, Map<string, number>>>([
    ['down', new Map()],
    ['degraded', new Map()],
  ]);

  // the change set of one add/tick
  private touched = new Map<string, Open>();
  private openedNow = new Set<string>();

  constructor(clusterId: string, opts: IncidentTrackerOptions = {}) {
    this.clusterId = clusterId;
    this.windowMs = opts.windowMs ?? 10_000;
    this.maxOpen = opts.maxOpen ?? 256;
    this.maxClosed = opts.maxClosed ?? 200;
    this.maxPending = opts.maxPending ?? 4_096;
    this.topology = opts.topology ?? null;
  }

  setTopology(topology: IncidentTopology | null): void {
    this.topology = topology;
  }

  /** one numbered event of this cluster, in seq order */
  add(event: ClusterEvent): IncidentChange[] {
    if (event.clusterId !== this.clusterId || event.seq <= this.lastSeq) return [];
    this.lastSeq = event.seq;
    this.begin();
    this.expire(event.at);
    this.handle(event);
    return this.changes();
  }

  /** time passes without events: pending link events older than the window are settled; node incidents
   * of nodes no longer configured (removed while down: no node-joined will come) are closed */
  tick(now: number): IncidentChange[] {
    this.begin();
    this.expire(now);
    const configured = this.topology && this.topology.nodes.length > 0 ? new Set(this.topology.nodes) : null;
    if (configured) for (const o of [...this.nodes.values()]) if (!configured.has(o.name)) this.close(o, this.now);
    return this.changes();
  }

  /** open ones and the newest closed ones kept, newest first (by start, then id) */
  list(filter: { open?: boolean; limit?: number } = {}): Incident[] {
    const pick: Open[] = [];
    if (filter.open !== false) pick.push(...this.open.values());
    if (filter.open !== true) pick.push(...this.closed);
    pick.sort((a, b) => b.startedAt - a.startedAt || (firstSeq(b) ?? 0) - (firstSeq(a) ?? 0));
    return pick.slice(0, filter.limit ?? pick.length).map((o) => this.view(o));
  }

  get(id: string): Incident | undefined {
    const o = this.open.get(id) ?? this.closed.find((c) => c.id === id);
    return o ? this.view(o) : undefined;
  }

  // ------------------------------------------------------------------ events

  private handle(e: ClusterEvent): void {
    const b = e.body;
    switch (b.type) {
      case 'node-unreachable-warning': {
        const o = this.nodeIncident(b.name, e);
        if (!o) return;
        o.warned = true;
        o.warningOpen = true;
        o.quorumAtRisk = !b.quorateAfterDrop;
        return;
      }
      case 'node-left': {
        const o = this.nodeIncident(b.name, e);
        if (!o) return;
        o.left = true;
        // the drop ends the warning (the diff does not report its clearing beside node-left)
        o.warningOpen = false;
        return;
      }
      case 'node-joined': {
        const o = this.nodes.get(b.name);
        if (!o) return;
        this.attach(o, e);
        this.close(o, e.at);
        return;
      }
      case 'node-unreachable-cleared': {
        const o = this.nodes.get(b.name);
        if (!o) return;
        this.attach(o, e);
        o.warningOpen = false;
        this.closeIfDone(o, e.at);
        return;
      }
      case 'link-down':
        return this.linkDown(e, b);
      case 'link-up':
        return this.linkUp(e, b);
      case 'link-degraded':
        return this.linkDegraded(e, b);
      case 'link-recovered':
        return this.linkRecovered(e, b);
      case 'observer-changed':
        return this.observerChanged(e, b);
      case 'quorum-lost': {
        const o = this.quorum ?? this.openIncident('quorum', 'cluster', [e]);
        if (!o) return;
        this.quorum = o;
        if (firstSeq(o) !== e.seq) this.attach(o, e);
        o.message = e.message;
        for (const m of b.missing) {
          o.affected.add(m.name);
          const n = this.nodes.get(m.name);
          if (n) this.relate(o, n);
        }
        if (this.partition) this.relate(o, this.partition);
        return;
      }
      case 'quorum-regained':
      case 'expected-votes-changed': {
        const o = this.quorum;
        if (!o) return;
        this.attach(o, e);
        if (b.type === 'quorum-regained') this.close(o, e.at);
        return;
      }
      case 'partition-changed': {
        if (!b.partitioned) {
          const o = this.partition;
          if (!o) return;
          this.attach(o, e);
          this.close(o, e.at);
          return;
        }
        const o = this.partition ?? this.openIncident('partition', 'cluster', [e]);
        if (!o) return;
        this.partition = o;
        if (firstSeq(o) !== e.seq) this.attach(o, e);
        if (this.quorum) this.relate(o, this.quorum);
        for (const n of this.nodes.values()) {
          if (!away(n)) continue;
          this.relate(o, n);
          o.affected.add(n.name);
        }
        return;
      }
      case 'storage-state-changed':
        return this.storageChanged(e, b);
      case 'config-version-changed':
        return;
    }
  }

  /** the node's open incident (the event joins it), or a new one with the pending events it explains */
  private nodeIncident(name: string, e: ClusterEvent): Open | null {
    const o = this.nodes.get(name);
    if (o) {
      this.attach(o, e);
      // an observer change that waited for this node to be judged unreachable
      for (const p of this.takePending((p) => p.kind === 'observer' && p.a === name)) this.attach(o, p.event);
      return o;
    }
    return this.openNode(name, [e]);
  }

  private openNode(name: string, events: ClusterEvent[]): Open | null {
    const taken = this.takePending((p) => (p.kind === 'down' && (p.a === name || p.b === name)) || (p.kind === 'observer' && p.a === name));
    const o = this.openIncident('node', name, [...events, ...taken.map((p) => p.event)]);
    if (!o) return null;
    this.nodes.set(name, o);
    o.affected.add(name);
    for (const p of taken) if (p.kind === 'down') this.addLink(o, p);
    if (this.quorum?.affected.has(name)) this.relate(this.quorum, o);
    return o;
  }

  private linkDown(e: ClusterEvent, b: Body<'link-down'>): void {
    const p: Pending = { event: e, kind: 'down', a: b.fromName, b: b.toName, key: `${b.fromName}>${b.toName}|${b.link}`, link: b.link };
    const holder = this.nodeOf(p.a, p.b) ?? this.groupOf('links', p.a, p.b) ?? this.reopen('down', p.a, p.b);
    if (holder) {
      this.addLink(holder, p);
      this.attach(holder, e);
      return;
    }
    this.pend(p);
    if (!this.hub('down', p.a)) this.hub('down', p.b);
  }

  private linkUp(e: ClusterEvent, b: Body<'link-up'>): void {
    const key = `${b.fromName}>${b.toName}|${b.link}`;
    if (this.pending.some((p) => p.kind === 'down' && p.key === key)) this.settle('down');
    const candidates = [this.nodes.get(b.fromName), this.nodes.get(b.toName), this.groupOf('links', b.fromName, b.toName)];
    const holder = candidates.find((o) => o?.down.has(key)) ?? this.nodeOf(b.fromName, b.toName);
    if (!holder) return;
    holder.down.delete(key);
    this.attach(holder, e);
    this.closeIfDone(holder, e.at);
  }

  private linkDegraded(e: ClusterEvent, b: Body<'link-degraded'>): void {
    const gone = this.awayNodeOf(b.fromName, b.toName);
    if (gone) {
      this.attach(gone, e);
      return;
    }
    const p: Pending = { event: e, kind: 'degraded', a: b.fromName, b: b.toName, key: `${b.fromName}|${b.toName}|${b.link}`, link: b.link };
    const holder = this.degradedHubs.get(p.a) ?? this.degradedHubs.get(p.b) ?? this.groupOf('degraded-links', p.a, p.b) ?? this.reopen('degraded', p.a, p.b);
    if (holder) {
      this.addLink(holder, p);
      this.attach(holder, e);
      return;
    }
    this.pend(p);
    if (!this.hub('degraded', p.a)) this.hub('degraded', p.b);
  }

  private linkRecovered(e: ClusterEvent, b: Body<'link-recovered'>): void {
    const key = `${b.fromName}|${b.toName}|${b.link}`;
    if (this.pending.some((p) => p.kind === 'degraded' && p.key === key)) this.settle('degraded');
    const candidates = [this.degradedHubs.get(b.fromName), this.degradedHubs.get(b.toName), this.groupOf('degraded-links', b.fromName, b.toName)];
    const holder = candidates.find((o) => o?.down.has(key));
    if (holder) {
      holder.down.delete(key);
      this.attach(holder, e);
      this.closeIfDone(holder, e.at);
      return;
    }
    const gone = this.awayNodeOf(b.fromName, b.toName);
    if (gone) this.attach(gone, e);
  }

  private observerChanged(e: ClusterEvent, b: Body<'observer-changed'>): void {
    // warnings are the observer's forecast; a new observer's ending ones are not reported (see diff.ts):
    // the links still down keep an unreachable node's incident open, a warning alone does not
    const from = b.from?.name;
    const gone = from !== undefined ? this.nodes.get(from) : undefined;
    if (gone && away(gone)) this.attach(gone, e);
    else if (from !== undefined) this.pend({ event: e, kind: 'observer', a: from, b: '', key: '', link: 0 });
    for (const o of [...this.nodes.values()]) {
      if (!o.warningOpen) continue;
      o.warningOpen = false;
      this.closeIfDone(o, e.at);
    }
  }

  private storageChanged(e: ClusterEvent, b: Body<'storage-state-changed'>): void {
    const inactive = b.enabled && !b.active;
    // a node that is gone (or going) takes its storage with it
    const node = this.nodes.get(b.node);
    if (node && away(node)) {
      this.attach(node, e);
      return;
    }
    const s = this.storage.get(b.storage);
    if (s && (inactive || s.inactive.has(b.node))) {
      this.attach(s, e);
      if (inactive) s.inactive.add(b.node);
      else s.inactive.delete(b.node);
      s.affected.add(b.node);
      this.closeIfDone(s, e.at);
      return;
    }
    if (!inactive) return;
    const o = this.openIncident('storage', b.storage, [e]);
    if (!o) return;
    this.storage.set(b.storage, o);
    o.inactive.add(b.node);
    o.affected.add(b.node);
  }

  // ------------------------------------------------------------------ pending link events

  private pend(p: Pending): void {
    this.pending.push(p);
    if (p.kind !== 'observer') {
      const m = this.pendingPeers.get(p.kind)!;
      bump(m, p.a, p.b, 1);
      bump(m, p.b, p.a, 1);
    }
    if (this.pending.length > this.maxPending) {
      const oldest = this.pending[0]!;
      if (oldest.kind === 'observer') this.takePending((x) => x === oldest);
      else this.settle(oldest.kind);
    }
  }

  private takePending(pick: (p: Pending) => boolean): Pending[] {
    const taken: Pending[] = [];
    const kept: Pending[] = [];
    for (const p of this.pending) (pick(p) ? taken : kept).push(p);
    if (taken.length === 0) return taken;
    this.pending = kept;
    for (const p of taken) {
      if (p.kind === 'observer') continue;
      const m = this.pendingPeers.get(p.kind)!;
      bump(m, p.a, p.b, -1);
      bump(m, p.b, p.a, -1);
    }
    return taken;
  }

  /** the least distinct peers a node's pending link events must reach to be their shared cause */
  private hubThreshold(): number {
    const n = this.topology?.nodes.length ?? 0;
    return n >= 3 ? Math.max(2, Math.ceil((n - 1) / 2)) : 2;
  }

  /** node x as the shared end of pending link events of this kind: its incident takes them */
  private hub(kind: LinkKind, x: string): boolean {
    const m = this.pendingPeers.get(kind)!;
    const peers = m.get(x);
    if (!peers || peers.size < this.hubThreshold()) return false;
    for (const p of peers.keys()) if ((m.get(p)?.size ?? 0) >= peers.size) return false;
    if (kind === 'down') return this.openNode(x, []) !== null;
    const taken = this.takePending((p) => p.kind === 'degraded' && (p.a === x || p.b === x));
    const o = this.openIncident('degraded-hub', x, taken.map((p) => p.event));
    if (!o) return false;
    this.degradedHubs.set(x, o);
    o.affected.add(x);
    for (const p of taken) this.addLink(o, p);
    return true;
  }

  /** pending link events whose window has passed: those of that kind become incidents per connected group */
  private expire(now: number): void {
    this.now = Math.max(this.now, now);
    const due = this.now - this.windowMs;
    for (const kind of ['down', 'degraded'] as const) {
      if (this.pending.some((p) => p.kind === kind && p.event.at <= due)) this.settle(kind);
    }
    // an observer change nobody's warning explained stays a line of its own
    this.takePending((p) => p.kind === 'observer' && p.event.at <= due);
  }

  private settle(kind: LinkKind): void {
    const taken = this.takePending((p) => p.kind === kind);
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r) ?? r;
      parent.set(x, r);
      return r;
    };
    for (const p of taken) {
      if (!parent.has(p.a)) parent.set(p.a, p.a);
      if (!parent.has(p.b)) parent.set(p.b, p.b);
      parent.set(find(p.a), find(p.b));
    }
    const byRoot = new Map<string, Pending[]>();
    for (const p of taken) {
      const r = find(p.a);
      byRoot.set(r, [...(byRoot.get(r) ?? []), p]);
    }
    for (const group of byRoot.values()) {
      const o = this.openIncident(kind === 'down' ? 'links' : 'degraded-links', '', group.map((p) => p.event));
      if (!o) continue;
      this.groups.push(o);
      for (const p of group) this.addLink(o, p);
    }
  }

  // ------------------------------------------------------------------ incidents

  private openIncident(tag: Tag, name: string, events: ClusterEvent[]): Open | null {
    if (events.length === 0) return null;
    if (this.open.size >= this.maxOpen) {
      this.dropped += events.length;
      return null;
    }
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    const first = sorted[0]!;
    const o: Open = {
      id: `${this.clusterId}:${first.seq}`,
      tag,
      name,
      startedAt: first.at,
      endedAt: null,
      severity: 'info',
      seqs: [],
      count: 0,
      affected: new Set(),
      related: new Set(),
      warned: false,
      warningOpen: false,
      left: false,
      quorumAtRisk: false,
      down: new Set(),
      peers: new Set(),
      links: new Set(),
      reasons: new Set(),
      inactive: new Set(),
      message: first.message,
      reopened: 0,
    };
    this.open.set(o.id, o);
    this.openedNow.add(o.id);
    for (const e of sorted) this.attach(o, e);
    return o;
  }

  private attach(o: Open, e: ClusterEvent): void {
    o.count++;
    if (o.seqs.length < MAX_INCIDENT_SEQS) {
      o.seqs.push(e.seq);
      const n = o.seqs.length;
      if (n > 1 && o.seqs[n - 2]! > e.seq) o.seqs.sort((a, b) => a - b);
    }
    if (RANK[e.severity] > RANK[o.severity]) o.severity = e.severity;
    if (e.at < o.startedAt) o.startedAt = e.at;
    this.touched.set(o.id, o);
  }

  private addLink(o: Open, p: Pending): void {
    o.down.add(p.key);
    o.links.add(p.link);
    if (o.tag === 'node' || o.tag === 'degraded-hub') o.peers.add(p.a === o.name ? p.b : p.a);
    else {
      o.affected.add(p.a);
      o.affected.add(p.b);
    }
    if (p.event.body.type === 'link-degraded') o.reasons.add(p.event.body.cause);
  }

  /** a link-only incident of node a or b (or of both) that closed within the window, open again */
  private reopen(kind: LinkKind, a: string, b: string): Open | undefined {
    const [hub, group] = kind === 'down' ? (['node', 'links'] as const) : (['degraded-hub', 'degraded-links'] as const);
    const due = this.now - this.windowMs;
    let found: Open | undefined;
    for (let i = this.closed.length - 1; i >= 0 && !found; i--) {
      const c = this.closed[i]!;
      if (c.endedAt === null || c.endedAt < due) continue;
      if (c.tag === hub && !c.warned && !c.left && (c.name === a || c.name === b)) found = c;
      else if (c.tag === group && c.affected.has(a) && c.affected.has(b)) found = c;
    }
    if (!found || this.open.size >= this.maxOpen) return undefined;
    if (found.tag === hub && (kind === 'down' ? this.nodes : this.degradedHubs).has(found.name)) return undefined;
    this.closed.splice(this.closed.indexOf(found), 1);
    found.endedAt = null;
    found.reopened++;
    this.open.set(found.id, found);
    this.openedNow.add(found.id);
    if (found.tag === 'node') this.nodes.set(found.name, found);
    else if (found.tag === 'degraded-hub') this.degradedHubs.set(found.name, found);
    else this.groups.push(found);
    return found;
  }

  private relate(a: Open, b: Open): void {
    if (a === b) return;
    if (a.related.size < MAX_RELATED) a.related.add(b.id);
    if (b.related.size < MAX_RELATED) b.related.add(a.id);
    this.touched.set(a.id, a);
    this.touched.set(b.id, b);
  }

  private closeIfDone(o: Open, at: number): void {
    const done = o.tag === 'node' ? !o.left && !o.warningOpen && o.down.size === 0 : o.tag === 'storage' ? o.inactive.size === 0 : o.down.size === 0;
    if (done && o.tag !== 'quorum' && o.tag !== 'partition') this.close(o, at);
  }

  private close(o: Open, at: number): void {
    if (o.endedAt !== null) return;
    o.endedAt = Math.max(at, o.startedAt);
    this.open.delete(o.id);
    if (this.nodes.get(o.name) === o) this.nodes.delete(o.name);
    if (this.degradedHubs.get(o.name) === o) this.degradedHubs.delete(o.name);
    if (this.storage.get(o.name) === o) this.storage.delete(o.name);
    if (this.quorum === o) this.quorum = null;
    if (this.partition === o) this.partition = null;
    const g = this.groups.indexOf(o);
    if (g >= 0) this.groups.splice(g, 1);
    this.closed.push(o);
    if (this.closed.length > this.maxClosed) this.closed = this.closed.slice(-this.maxClosed);
    this.touched.set(o.id, o);
  }

  /** the node incident a link between a and b belongs to: the unreachable (or gone) end, else the older */
  private nodeOf(a: string, b: string): Open | undefined {
    const na = this.nodes.get(a);
    const nb = this.nodes.get(b);
    if (!na || !nb) return na ?? nb;
    if (away(na) !== away(nb)) return away(na) ? na : nb;
    return (firstSeq(na) ?? 0) <= (firstSeq(nb) ?? 0) ? na : nb;
  }

  private awayNodeOf(a: string, b: string): Open | undefined {
    const o = this.nodeOf(a, b);
    return o && away(o) ? o : undefined;
  }

  private groupOf(tag: 'links' | 'degraded-links', a: string, b: string): Open | undefined {
    return this.groups.find((g) => g.tag === tag && g.affected.has(a) && g.affected.has(b));
  }

  // ------------------------------------------------------------------ output

  private begin(): void {
    this.touched = new Map();
    this.openedNow = new Set();
  }

  private changes(): IncidentChange[] {
    const out: IncidentChange[] = [];
    for (const o of this.touched.values()) {
      const change = o.endedAt !== null ? 'closed' : this.openedNow.has(o.id) ? 'opened' : 'updated';
      out.push({ change, incident: this.view(o) });
    }
    return out;
  }

  private view(o: Open): Incident {
    return {
      id: o.id,
      clusterId: this.clusterId,
      cause: causeOf(o),
      subject: this.subjectOf(o),
      title: this.titleOf(o),
      startedAt: o.startedAt,
      endedAt: o.endedAt,
      severity: o.severity,
      eventSeqs: [...o.seqs],
      eventCount: o.count,
      affected: [...o.affected].sort(byName),
      related: [...o.related],
    };
  }

  private subjectOf(o: Open): string {
    if (o.tag !== 'links' && o.tag !== 'degraded-links') return o.name;
    const nodes = [...o.affected].sort(byName);
    if (nodes.length !== 2) return nameList(nodes, 3);
    const links = [...o.links].sort((a, b) => a - b);
    return `${nodes[0]}–${nodes[1]}${links.length === 1 ? ` link${links[0]}` : ''}`;
  }

  private titleOf(o: Open): string {
    const title = this.describe(o);
    return o.reopened > 0 ? `${title} (${o.reopened + 1} times)` : title;
  }

  private describe(o: Open): string {
    const links = this.linksPhrase(o.links);
    const peers = this.peersPhrase(o.peers);
    const reasons = o.reasons.size > 0 ? ` (${[...o.reasons].sort().join(', ')})` : '';
    switch (o.tag) {
      case 'node': {
        const x = o.name;
        const unreachable = o.peers.size > 0 ? `unreachable from ${peers} on ${links}` : 'unreachable on every link';
        if (o.left) {
          if (o.warned) return `${x} left the cluster after being ${unreachable}`;
          return o.peers.size > 0 ? `${x} left the cluster; ${links} down from ${peers}` : `${x} left the cluster`;
        }
        if (o.warned) return `${x} ${unreachable}${o.quorumAtRisk && o.endedAt === null ? ' (quorum would be lost)' : ''}`;
        return `${links} of ${x} down to ${peers}`;
      }
      case 'degraded-hub':
        return `${links} of ${o.name} degraded to ${peers}${reasons}`;
      case 'links':
      case 'degraded-links': {
        const nodes = [...o.affected].sort(byName);
        const what = o.tag === 'links' ? 'down' : `degraded${reasons}`;
        if (nodes.length === 2) return `${links} between ${nodes[0]} and ${nodes[1]} ${what}`;
        return `${links} ${what} between ${nodes.length} nodes: ${nameList(nodes)}`;
      }
      case 'quorum':
        return o.message;
      case 'partition':
        return 'cluster partitioned: reachable nodes disagree on membership';
      case 'storage':
        return `storage ${o.name} inactive on ${nameList([...o.affected].sort(byName))}`;
    }
  }

  /** "link 0", "both links", "all 3 links", "links 0 and 2" */
  private linksPhrase(set: ReadonlySet<number>): string {
    const links = [...set].sort((a, b) => a - b);
    const configured = this.topology?.links.length ?? 0;
    if (links.length === 1) return `link ${links[0]}`;
    if (links.length === configured && configured === 2) return 'both links';
    if (links.length === configured && configured > 2) return `all ${configured} links`;
    return `links ${andList(links.map(String))}`;
  }

  /** "all 15 peers" when the cluster's nodes are known and every other one is among them, else "3 peers" */
  private peersPhrase(peers: ReadonlySet<string>): string {
    const n = this.topology?.nodes.length ?? 0;
    const all = n > 1 && peers.size >= n - 1;
    return `${all ? 'all ' : ''}${plural(peers.size, 'peer')}`;
  }
}

/** replay: the incidents of these events (seq order), open and the newest closed ones, oldest first; link
 * events still waiting for their cause at the end are settled as if the window had passed */
export function incidentsFrom(events: readonly ClusterEvent[], opts: IncidentTrackerOptions & { clusterId?: string } = {}): Incident[] {
  const clusterId = opts.clusterId ?? events[0]?.clusterId;
  if (clusterId === undefined) return [];
  const tracker = new IncidentTracker(clusterId, opts);
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) tracker.add(e);
  const last = events.reduce((m, e) => Math.max(m, e.at), -Infinity);
  if (Number.isFinite(last)) tracker.tick(last + (opts.windowMs ?? 10_000));
  return tracker.list().reverse();
}

function causeOf(o: Open): IncidentCause {
  switch (o.tag) {
    case 'node':
      return o.left ? 'node-left' : o.warned ? 'node-unreachable' : 'link-down';
    case 'degraded-hub':
    case 'degraded-links':
      return 'link-degraded';
    case 'links':
      return 'link-down';
    case 'quorum':
      return 'quorum-lost';
    case 'partition':
      return 'partition';
    case 'storage':
      return 'storage-inactive';
  }
}

/** the node is (about to be) gone: warned unreachable now, or left */
const away = (o: Open): boolean => o.left || o.warningOpen;
const firstSeq = (o: Open): number | undefined => o.seqs[0];

function bump(m: Map<string, Map<string, number>>, x: string, y: string, by: number): void {
  let peers = m.get(x);
  if (!peers) m.set(x, (peers = new Map()));
  const n = (peers.get(y) ?? 0) + by;
  if (n > 0) peers.set(y, n);
  else peers.delete(y);
  if (peers.size === 0) m.delete(x);
}

function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
